using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Scoring.V1;

namespace Scoring.Client;

/// <summary>
/// The Scoring service's client: one parcel at a time, or a whole district streamed in chunks.
/// The generated clients of every service are exposed too, with the same default deadlines.
/// </summary>
public sealed class ScoringClient : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;
    private readonly OperationsService.OperationsServiceClient? _operations;
    private readonly LayerService.LayerServiceClient? _layers;

    /// <summary>A client over an existing channel; its service config (retries) is the channel's own.</summary>
    public ScoringClient(GrpcChannel channel, ScoringClientOptions? options = null)
        : this(Intercepted(channel, options ?? new ScoringClientOptions()))
    {
    }

    /// <summary>A client that creates and owns a channel to <paramref name="address"/>, with the retry policy.</summary>
    public ScoringClient(Uri address, ScoringClientOptions? options = null)
        : this(ScoringChannel.Create(address, options), options, owned: true)
    {
    }

    /// <summary>A client that creates and owns a channel to <paramref name="address"/> (e.g. "http://localhost:5080").</summary>
    public ScoringClient(string address, ScoringClientOptions? options = null)
        : this(new Uri(address ?? throw new ArgumentNullException(nameof(address))), options)
    {
    }

    /// <summary>
    /// A client over generated clients made elsewhere, without OperationsService: <see cref="Operations"/> then
    /// throws. Use the overload that takes an <see cref="OperationsService.OperationsServiceClient"/> too.
    /// </summary>
    public ScoringClient(ScoringService.ScoringServiceClient scoring, ParcelService.ParcelServiceClient parcels,
        ModelService.ModelServiceClient models, ReportService.ReportServiceClient reports)
    {
        Scoring = scoring ?? throw new ArgumentNullException(nameof(scoring));
        Parcels = parcels ?? throw new ArgumentNullException(nameof(parcels));
        Models = models ?? throw new ArgumentNullException(nameof(models));
        Reports = reports ?? throw new ArgumentNullException(nameof(reports));
    }

    /// <summary>A client over generated clients made elsewhere, e.g. by Grpc.Net.ClientFactory.</summary>
    public ScoringClient(ScoringService.ScoringServiceClient scoring, ParcelService.ParcelServiceClient parcels,
        ModelService.ModelServiceClient models, ReportService.ReportServiceClient reports, OperationsService.OperationsServiceClient operations)
        : this(scoring, parcels, models, reports)
    {
        _operations = operations ?? throw new ArgumentNullException(nameof(operations));
    }

    private ScoringClient(GrpcChannel channel, ScoringClientOptions? options, bool owned)
        : this(channel, options)
    {
        if (owned) _ownedChannel = channel;
    }

    private ScoringClient(CallInvoker invoker)
        : this(new ScoringService.ScoringServiceClient(invoker), new ParcelService.ParcelServiceClient(invoker),
            new ModelService.ModelServiceClient(invoker), new ReportService.ReportServiceClient(invoker),
            new OperationsService.OperationsServiceClient(invoker))
    {
        _layers = new LayerService.LayerServiceClient(invoker);
    }

    /// <summary>The generated client of scoring.v1.ScoringService (EvaluateParcel, BatchEvaluate, UpdateWeights).</summary>
    public ScoringService.ScoringServiceClient Scoring { get; }

    /// <summary>The generated client of scoring.v1.ParcelService (the indicator cache and parcel history).</summary>
    public ParcelService.ParcelServiceClient Parcels { get; }

    /// <summary>The generated client of scoring.v1.ModelService (model versions, export, audit).</summary>
    public ModelService.ModelServiceClient Models { get; }

    /// <summary>The generated client of scoring.v1.ReportService (roll-ups by level, unit and street).</summary>
    public ReportService.ReportServiceClient Reports { get; }

    /// <summary>
    /// The generated client of scoring.v1.OperationsService (CreateBackup; admin only). A backup is not idempotent,
    /// so it is never retried.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client was made from generated clients without this one.</exception>
    public OperationsService.OperationsServiceClient Operations => _operations ?? throw new InvalidOperationException(
        "this ScoringClient was made without an OperationsService client; use the constructor that takes one");

    /// <summary>The generated client of scoring.v1.LayerService (the planner's control-line layers; uploads are admin only).</summary>
    /// <exception cref="InvalidOperationException">The client was made from generated clients, without this one.</exception>
    public LayerService.LayerServiceClient Layers => _layers ?? throw new InvalidOperationException(
        "this ScoringClient was made from generated clients without a LayerService client; make one over the same channel");

    /// <summary>Evaluates one parcel with the active model (or <paramref name="modelVersion"/>); inline values win over cached ones.</summary>
    public async Task<Evaluation> EvaluateAsync(ParcelInput parcel, string? modelVersion = null,
        EvaluationView view = EvaluationView.Unspecified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var request = new EvaluateParcelRequest { Parcel = parcel, ModelVersion = modelVersion ?? "", View = view };
        return await EvaluateAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Evaluates one parcel as the request says (model version, view, history).</summary>
    public async Task<Evaluation> EvaluateAsync(EvaluateParcelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await Scoring.EvaluateParcelAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Evaluation;
    }

    /// <summary>
    /// The active model (or <paramref name="version"/>) with its definitions: the elements, every indicator (code,
    /// Chinese name, element, numeric or category, unit, valid range, category keys, weights) and every veto, in
    /// model order; what a parcel's <see cref="ParcelInput.Indicators"/>, <see cref="ParcelInput.Categories"/> and
    /// <see cref="ParcelInput.Vetoes"/> may carry. NOT_FOUND for a version the server does not have.
    /// </summary>
    public async Task<Model> GetModelAsync(string? version = null, CancellationToken cancellationToken = default)
    {
        var response = await Models.GetModelAsync(new GetModelRequest { Version = version ?? "" }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.Model;
    }

    /// <summary>
    /// Evaluates parcels through one BatchEvaluate stream: chunks them, keeps at most
    /// <see cref="BatchOptions.MaxChunksInFlight"/> chunks unanswered, and yields exactly one result
    /// per parcel in input order. A parcel the server refuses comes back as a result carrying its
    /// error; the stream goes on. Cancelling ends the stream with <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<BatchResult> EvaluateManyAsync(IAsyncEnumerable<ParcelInput> parcels, BatchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcels);
        options ??= new BatchOptions();
        options.Validate();
        return new BatchEvaluation(this, parcels, options).RunAsync(cancellationToken);
    }

    /// <summary>Evaluates parcels from a sequence; see the asynchronous overload.</summary>
    public IAsyncEnumerable<BatchResult> EvaluateManyAsync(IEnumerable<ParcelInput> parcels, BatchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcels);
        return EvaluateManyAsync(ToAsync(parcels), options, cancellationToken);
    }

    /// <summary>
    /// Evaluates every parcel of the indicator cache that matches the request's selection (unit, street, level) on the
    /// server, through one ParcelService.EvaluateStored stream: one result per stored parcel, in parcel-id order, with
    /// the model fixed when the stream opens. The stream deadline is <see cref="ScoringClientOptions.StreamTimeout"/>
    /// (none by default); the call is not retried. Cancelling ends the enumeration with <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<BatchResult> EvaluateStoredAsync(EvaluateStoredRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StoredResultsAsync(request, cancellationToken);
    }

    /// <summary>
    /// Every evaluation ListEvaluations lists for the request's filters and order (the district's lists, 名单, or one
    /// parcel's history), page after page: the request's <see cref="ListEvaluationsRequest.PageSize"/> (0 =
    /// <see cref="ListPageSize"/>) per call, each next page asked for only when the caller has taken the last one. Each page
    /// call has the unary deadline and retries. The request is not changed.
    /// </summary>
    public IAsyncEnumerable<EvaluationRecord> ListEvaluationsAsync(ListEvaluationsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request.Clone();
        if (page.PageSize == 0) page.PageSize = ListPageSize;
        return PagesAsync<ListEvaluationsRequest, EvaluationRecord>(page, async (p, ct) =>
        {
            var response = await Parcels.ListEvaluationsAsync(p, cancellationToken: ct).ConfigureAwait(false);
            return (response.Evaluations, response.NextPageToken);
        }, (p, token) => p.PageToken = token, cancellationToken);
    }

    /// <summary>
    /// Points <paramref name="label"/> (e.g. official, candidate, 2024-round) at <paramref name="version"/> (a version or
    /// another label), moving it when it names another version, or removes it when <paramref name="version"/> is null.
    /// An admin call, audited; afterwards the label is accepted wherever a model version is.
    /// </summary>
    public async Task<SetModelLabelResponse> SetModelLabelAsync(string label, string? version, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        return await Models.SetModelLabelAsync(new SetModelLabelRequest { Label = label, Version = version ?? "", Note = note ?? "" },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Two versions (or labels) side by side over the cached parcels of the request's selection, nothing written: the
    /// transitions of classification and disposition and each street's inefficient area, with the first page of the
    /// parcels that change; <see cref="ChangedParcelsAsync"/> gives all of them.
    /// </summary>
    public async Task<CompareModelsResponse> CompareModelsAsync(CompareModelsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Models.CompareModelsAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every parcel whose classification or disposition changes between the request's two versions, in parcel-id order,
    /// page after page (<see cref="ListPageSize"/> per call when the request asks for no size). Each page is compared
    /// again on the server, so a label moved meanwhile ends the listing with INVALID_ARGUMENT. The request is not changed.
    /// </summary>
    public IAsyncEnumerable<ChangedParcel> ChangedParcelsAsync(CompareModelsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = request.Clone();
        if (page.PageSize == 0) page.PageSize = ListPageSize;
        return PagesAsync<CompareModelsRequest, ChangedParcel>(page, async (p, ct) =>
        {
            var response = await Models.CompareModelsAsync(p, cancellationToken: ct).ConfigureAwait(false);
            return (response.ChangedParcels, response.NextPageToken);
        }, (p, token) => p.PageToken = token, cancellationToken);
    }

    /// <summary>Evaluations per page when a listing asks for none: the most the server gives in one.</summary>
    public const int ListPageSize = 1000;

    /// <summary>Disposes the channel when this client created it.</summary>
    public void Dispose() => _ownedChannel?.Dispose();

    private static CallInvoker Intercepted(GrpcChannel channel, ScoringClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Intercept(new CallDefaultsInterceptor(options));
    }

    private async IAsyncEnumerable<BatchResult> StoredResultsAsync(EvaluateStoredRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Leaving the enumeration early disposes the call, which cancels it on the server.
        using var call = Parcels.EvaluateStored(request, cancellationToken: cancellationToken);
        while (await NextAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false))
        {
            foreach (var result in call.ResponseStream.Current.Results)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return result;
            }
        }
    }

    // Every item of a paged listing, page after page, each next page asked for only when the caller has taken the last one.
    private static async IAsyncEnumerable<TItem> PagesAsync<TRequest, TItem>(TRequest page,
        Func<TRequest, CancellationToken, Task<(IEnumerable<TItem> Items, string NextPageToken)>> call, Action<TRequest, string> setPageToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string next;
        do
        {
            var (items, nextPageToken) = await call(page, cancellationToken).ConfigureAwait(false);
            foreach (var item in items) yield return item;
            setPageToken(page, next = nextPageToken);
        } while (next.Length > 0);
    }

    // The channel reports the caller's cancellation as CANCELLED; the caller is told as .NET says it.
    private static async Task<bool> NextAsync<T>(IAsyncStreamReader<T> responses, CancellationToken cancellationToken)
    {
        try
        {
            return await responses.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the evaluation was cancelled", e, cancellationToken);
        }
    }

    private static async IAsyncEnumerable<ParcelInput> ToAsync(IEnumerable<ParcelInput> parcels,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var parcel in parcels)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return parcel;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
