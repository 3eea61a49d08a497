using System.Globalization;
using Scoring.Engine.Model;
using Scoring.Storage.Models;

namespace Scoring.Server.Models;

/// <summary>
/// Model versions: kept in SQLite (the truth, shared by every replica) and compiled into the
/// in-memory <see cref="ModelCatalog"/> this replica evaluates with.
/// </summary>
public sealed class ModelRegistry(IModelStore store)
{
    private ModelCatalog? _catalog;

    /// <summary>Whether the models are loaded.</summary>
    public bool IsInitialized => _catalog is not null;

    /// <summary>The compiled models; available once <see cref="InitializeAsync"/> has run.</summary>
    public ModelCatalog Catalog => _catalog ?? throw new InvalidOperationException("the model registry is not initialised");

    /// <summary>Stores the default model as version 1 of a new database, then loads every version.</summary>
    public async Task InitializeAsync(ModelDocument defaultModel, CancellationToken cancellationToken)
    {
        await store.EnsureInitialAsync(v => Stamp(defaultModel, v).ToJson(), "system", cancellationToken);
        var stored = await store.ListAllAsync(cancellationToken);
        var active = await store.GetActiveVersionAsync(cancellationToken)
            ?? throw new InvalidOperationException("the database has models but none is active");
        var models = stored.Select(m => ModelCompiler.Compile(m.DocumentJson)).ToList();
        _catalog = new ModelCatalog(models, models.Single(m => m.Version == Key(active)));
        await ReadLabelsAsync(cancellationToken);
    }

    /// <summary>Follows activations made by other replicas: loads versions it lacks and the active one.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var active = await store.GetActiveVersionAsync(cancellationToken);
        if (active is null) return;
        var key = Key(active.Value);
        if (!Catalog.Contains(key))
        {
            foreach (var m in await store.ListAllAsync(cancellationToken))
                if (!Catalog.Contains(Key(m.Version))) Catalog.Add(ModelCompiler.Compile(m.DocumentJson), activate: false);
        }
        if (Catalog.Active.Version != key) Catalog.Activate(key);
        await ReadLabelsAsync(cancellationToken);
    }

    /// <summary>
    /// The one place a version or a label becomes a version: empty is the active version, a version number is itself,
    /// a label is the version it names (read from the store when this replica does not know it yet). Null for a label
    /// that is not set; text that is neither a number nor a label comes back as it is (and is then no version).
    /// </summary>
    public async ValueTask<string?> VersionOfAsync(string versionOrLabel, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(versionOrLabel)) return Catalog.Active.Version;
        if (Number(versionOrLabel) is not null || ModelLabels.Problem(versionOrLabel) is not null) return versionOrLabel;
        if (Catalog.LabelVersion(versionOrLabel) is { } known) return known;
        // Set through another replica since the last refresh.
        await ReadLabelsAsync(cancellationToken);
        return Catalog.LabelVersion(versionOrLabel);
    }

    /// <summary>
    /// Points a label at a version (moving it when it names another), or removes it when <paramref name="version"/> is
    /// null; audited by the store, and known to this replica at once (to others on their next refresh or announcement).
    /// </summary>
    /// <exception cref="ModelVersionNotFoundException">There is no such version.</exception>
    /// <exception cref="ModelLabelNotFoundException">Removing a label that is not set.</exception>
    public async Task<LabelChange> SetLabelAsync(string label, int? version, string actor, string note, CancellationToken cancellationToken)
    {
        var change = await store.SetLabelAsync(label, version, actor, note, cancellationToken);
        Catalog.SetLabel(label, change.Version is { } v ? Key(v) : null);
        return change;
    }

    /// <summary>Every label as the store holds it now, by the version it names (also brings this replica's up to date).</summary>
    public async Task<ILookup<int, string>> LabelsByVersionAsync(CancellationToken cancellationToken)
    {
        var labels = await ReadLabelsAsync(cancellationToken);
        return labels.ToLookup(l => l.Version, l => l.Label);
    }

    private async Task<IReadOnlyList<ModelLabel>> ReadLabelsAsync(CancellationToken cancellationToken)
    {
        var labels = await store.ListLabelsAsync(cancellationToken);
        Catalog.SetLabels(labels.Select(l => KeyValuePair.Create(l.Label, Key(l.Version))));
        return labels;
    }

    /// <summary>
    /// The model of <paramref name="version"/> (the active one when empty; a label names its version, see
    /// <see cref="VersionOfAsync"/>); a version stored by another replica since the last refresh is loaded from the database.
    /// </summary>
    /// <exception cref="ModelNotFoundException">No such version or label.</exception>
    public async ValueTask<ScoringModel> ResolveAsync(string version, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(version) || Catalog.Contains(version)) return Catalog.Resolve(version);
        version = await VersionOfAsync(version, cancellationToken) ?? throw new ModelNotFoundException(version);
        if (Catalog.Contains(version)) return Catalog.Resolve(version);
        var stored = Number(version) is { } n ? await store.GetAsync(n, cancellationToken) : null;
        return Loaded(stored ?? throw new ModelNotFoundException(version));
    }

    /// <summary>
    /// Stores a new version and loads it (active when asked). A request id seen before with the same request gives
    /// back the version that request created, storing and activating nothing.
    /// </summary>
    /// <exception cref="ActiveVersionChangedException">The active version is no longer the one the request expects.</exception>
    /// <exception cref="RequestIdReusedException">The request id was used before for a different request.</exception>
    public async Task<AddedVersion> AddAsync(NewModelVersion request, CancellationToken cancellationToken)
    {
        var addition = await store.AddOnceAsync(
            new NewModel
            {
                ParentVersion = request.ParentVersion,
                Author = request.Author,
                Note = request.Note,
                DocumentJsonFor = v => Stamp(request.Document, v).ToJson(),
                Action = request.Action,
                Judgments = request.Judgments,
                Consistency = request.Consistency,
                RequestId = request.Request?.Id,
                RequestHash = request.Request?.Hash,
            },
            request.Activate, string.IsNullOrEmpty(request.ExpectedActiveVersion) ? null : request.ExpectedActiveVersion, cancellationToken);
        if (addition.Replayed) return new AddedVersion(Loaded(addition.Model), addition.Model, Replayed: true);
        var model = ModelCompiler.Compile(addition.Model.DocumentJson);
        Catalog.Add(model, request.Activate);
        return new AddedVersion(model, addition.Model, Replayed: false);
    }

    /// <summary>The version an earlier call with this request id created; null when the id has not been seen.</summary>
    /// <exception cref="RequestIdReusedException">The request id was used before for a different request.</exception>
    public async Task<StoredModel?> FindByRequestAsync(RequestIdentity request, CancellationToken cancellationToken)
    {
        var earlier = await store.FindByRequestAsync(request.Id, cancellationToken);
        if (earlier is null) return null;
        if (earlier.RequestHash != request.Hash) throw new RequestIdReusedException(request.Id);
        return await store.GetAsync(earlier.Version, cancellationToken);
    }

    /// <summary>Makes a stored version active (a rollback when it is an earlier one).</summary>
    public async Task<ActivationResult> ActivateAsync(int version, string actor, string note, string? expectedActive, CancellationToken cancellationToken)
    {
        var result = await store.ActivateAsync(version, actor, note, string.IsNullOrEmpty(expectedActive) ? null : expectedActive, cancellationToken);
        var key = Key(version);
        if (!Catalog.Contains(key)) Catalog.Add(ModelCompiler.Compile(result.Model.DocumentJson), activate: false);
        Catalog.Activate(key);
        return result;
    }

    /// <summary>The stored version named by <paramref name="version"/> (the active one when empty, or a label), or null when there is none.</summary>
    public async Task<StoredModel?> FindAsync(string version, CancellationToken cancellationToken) =>
        await VersionOfAsync(version, cancellationToken) is { } concrete && Number(concrete) is { } n ? await store.GetAsync(n, cancellationToken) : null;

    /// <summary>The compiled model of a stored version: the loaded one when this replica has it.</summary>
    public ScoringModel Compiled(StoredModel stored)
    {
        var key = Key(stored.Version);
        return Catalog.Contains(key) ? Catalog.Resolve(key) : ModelCompiler.Compile(stored.DocumentJson);
    }

    /// <summary>The compiled model of a stored version, loaded (not activated) when this replica lacks it.</summary>
    public ScoringModel Loaded(StoredModel stored)
    {
        var key = Key(stored.Version);
        if (Catalog.Contains(key)) return Catalog.Resolve(key);
        var model = ModelCompiler.Compile(stored.DocumentJson);
        Catalog.Add(model, activate: false);
        return model;
    }

    /// <summary>Whether <paramref name="stored"/> is the active version on this replica.</summary>
    public bool IsActive(StoredModel stored) => Catalog.Active.Version == Key(stored.Version);

    /// <summary>
    /// Validates a whole model document as a new version would be (a document without a version id is
    /// given a placeholder: the store assigns the number).
    /// </summary>
    /// <exception cref="ModelValidationException">Every broken entry, named.</exception>
    public static ScoringModel Validate(ModelDocument document) =>
        ModelCompiler.Compile(document with { Version = string.IsNullOrEmpty(document.Version) ? "new" : document.Version });

    /// <summary>The store, for reads.</summary>
    public IModelStore Store => store;

    /// <summary>A version number as the contract writes it.</summary>
    public static string Key(int version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>A contract version string as a stored version number, or null when it is not one.</summary>
    public static int? Number(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    private static ModelDocument Stamp(ModelDocument document, int version) => document with { Version = Key(version) };
}

/// <summary>A model version to store: its document, where it comes from, and whether it becomes the active one.</summary>
public sealed record NewModelVersion
{
    /// <summary>The model document; the store stamps the version number it assigns into it.</summary>
    public required ModelDocument Document { get; init; }
    /// <summary>The version it is derived from; null for a whole new document.</summary>
    public int? ParentVersion { get; init; }
    /// <summary>Who creates it (the caller's name; never a key).</summary>
    public required string Author { get; init; }
    /// <summary>Why; kept with the version and in its audit records.</summary>
    public string Note { get; init; } = "";
    /// <summary>The audit action: <see cref="AuditActions.CreateModel"/> or <see cref="AuditActions.UpdateWeights"/>.</summary>
    public required string Action { get; init; }
    /// <summary>The AHP judgment matrices that produced it; empty when none.</summary>
    public IReadOnlyList<StoredJudgment> Judgments { get; init; } = [];
    /// <summary>The consistency figures of those judgments; empty when none.</summary>
    public IReadOnlyList<StoredConsistency> Consistency { get; init; } = [];
    /// <summary>Whether it becomes the active version, atomically with storing it.</summary>
    public bool Activate { get; init; }
    /// <summary>When set, the version that must still be active (else ABORTED: another update got there first).</summary>
    public string? ExpectedActiveVersion { get; init; }
    /// <summary>The caller's request id and the digest of its request; null for none.</summary>
    public RequestIdentity? Request { get; init; }
}

/// <summary>What <see cref="ModelRegistry.AddAsync"/> did.</summary>
/// <param name="Model">The compiled version.</param>
/// <param name="Stored">The version as stored.</param>
/// <param name="Replayed">True when an earlier call with the same request id had created it: nothing was stored now.</param>
public sealed record AddedVersion(ScoringModel Model, StoredModel Stored, bool Replayed);

/// <summary>A caller's request id (Google AIP-155) and a digest of its request without the id.</summary>
/// <param name="Id">The request id.</param>
/// <param name="Hash">The digest; the same id with another digest is a different request.</param>
public sealed record RequestIdentity(string Id, string Hash);
