using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Security;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Scoring.Engine.Evaluation;
using Scoring.Server.Models;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.ParcelService: the indicator cache's feed and reads.</summary>
internal sealed class ParcelGrpcService(ModelCatalog models, ParcelStore parcels, EvaluationStore history, TimeProvider time)
    : ParcelService.ParcelServiceBase
{
    /// <summary>The most parcels plus units one UpsertParcels chunk may carry.</summary>
    public const int MaxChunkItems = 10_000;

    private const int MaxSourceLength = 64;

    [Authorize(Policy = Roles.Writer)]
    public override async Task UpsertParcels(IAsyncStreamReader<UpsertParcelsRequest> requestStream,
        IServerStreamWriter<UpsertParcelsResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        while (await requestStream.MoveNext(token))
        {
            var response = await UpsertChunkAsync(requestStream.Current, token);
            await responseStream.WriteAsync(response, token);
        }
    }

    private async Task<UpsertParcelsResponse> UpsertChunkAsync(UpsertParcelsRequest chunk, CancellationToken token)
    {
        var response = new UpsertParcelsResponse();
        var chunkViolations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(chunk.Source)) chunkViolations.Add(new("source", "is required: name the data source, e.g. tax-bureau"));
        else if (chunk.Source.Length > MaxSourceLength) chunkViolations.Add(new("source", $"is longer than {MaxSourceLength} characters"));
        var asOf = default(DateOnly);
        if (!DateOnly.TryParseExact(chunk.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
            chunkViolations.Add(new("as_of", $"'{chunk.AsOf}' is not a date YYYY-MM-DD"));
        else if (asOf > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1))
            chunkViolations.Add(new("as_of", $"{chunk.AsOf} is in the future; as_of is the date the values describe"));
        if (chunk.Parcels.Count + chunk.Units.Count > MaxChunkItems)
            chunkViolations.Add(new("parcels", $"a chunk carries at most {MaxChunkItems} parcels and units; this one carries {chunk.Parcels.Count + chunk.Units.Count}"));
        if (chunkViolations.Count > 0)
        {
            // The chunk as a whole is refused (index -1); the stream goes on with the next chunk.
            response.Errors.Add(new UpsertError { Index = -1, Status = RichErrors.InvalidArgument(chunkViolations, RichErrors.Reasons.InvalidRequest) });
            return response;
        }

        var model = models.Active;
        var writes = new List<ParcelWrite>(chunk.Parcels.Count);
        for (var i = 0; i < chunk.Parcels.Count; i++)
        {
            var p = chunk.Parcels[i];
            var violations = new List<FieldViolation>();
            ParcelReader.Read(model, p.ToFacts(), violations, $"parcels[{i}].");
            if (violations.Count == 0) writes.Add(p.ToWrite());
            else response.Errors.Add(new UpsertError { Index = i, ParcelId = p.ParcelId, Status = RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidParcel) });
        }
        var units = new List<UnitWrite>(chunk.Units.Count);
        for (var i = 0; i < chunk.Units.Count; i++)
        {
            var u = chunk.Units[i];
            var violations = ValidateUnit(u, $"units[{i}].");
            if (violations.Count == 0) units.Add(u.ToWrite());
            else response.Errors.Add(new UpsertError { Index = i, UnitId = u.UnitId, Status = RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidRequest) });
        }

        // Each chunk is one transaction for its parcels and one for its units; the response acknowledges both.
        if (writes.Count > 0)
        {
            var counts = await parcels.UpsertAsync(chunk.Source, asOf, writes, token);
            response.Accepted = counts.Parcels;
            response.ValuesWritten = counts.Values;
        }
        if (units.Count > 0) response.UnitsAccepted = await parcels.UpsertUnitsAsync(units, token);
        return response;
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<GetParcelResponse> GetParcel(GetParcelRequest request, ServerCallContext context)
    {
        RequireId(request.ParcelId, "parcel_id");
        var parcel = await parcels.GetAsync(request.ParcelId, context.CancellationToken)
            ?? throw NotFound(request.ParcelId);
        return new GetParcelResponse { Parcel = parcel.ToProto() };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListParcelsResponse> ListParcels(ListParcelsRequest request, ServerCallContext context)
    {
        if (!System.Enum.IsDefined(request.Level))
            throw RichErrors.InvalidArgument([new("level", $"{(int)request.Level} is not a Level value")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var filter = new ParcelFilter(NullIfEmpty(request.UnitId), NullIfEmpty(request.Street), request.Level == Level.Unspecified ? null : (int)request.Level);
        var page = await RichErrors.ListPage(() => parcels.ListAsync(filter, request.PageSize, NullIfEmpty(request.PageToken), context.CancellationToken));
        return new ListParcelsResponse { Parcels = { page.Parcels.Select(p => p.ToProto()) }, NextPageToken = page.NextPageToken ?? "" };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListEvaluationsResponse> ListEvaluations(ListEvaluationsRequest request, ServerCallContext context)
    {
        RequireId(request.ParcelId, "parcel_id");
        var page = await RichErrors.ListPage(() => history.ListAsync(request.ParcelId, request.PageSize, NullIfEmpty(request.PageToken), context.CancellationToken));
        return new ListEvaluationsResponse
        {
            Evaluations =
            {
                page.Evaluations.Select(s => new V1.EvaluationRecord
                {
                    ParcelId = s.Evaluation.ParcelId,
                    ModelVersion = s.Evaluation.ModelVersion,
                    Score = s.Evaluation.Score,
                    Classification = (V1.Classification)s.Evaluation.Classification,
                    Disposition = (V1.Disposition)s.Evaluation.Disposition,
                    Completeness = s.Evaluation.Completeness,
                    EvaluateTime = Timestamp.FromDateTimeOffset(s.Evaluation.EvaluatedAt),
                    InputsJson = s.Evaluation.InputsJson,
                }),
            },
            NextPageToken = page.NextPageToken ?? "",
        };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListValueHistoryResponse> ListValueHistory(ListValueHistoryRequest request, ServerCallContext context)
    {
        RequireId(request.ParcelId, "parcel_id");
        if (string.IsNullOrEmpty(request.Code))
            throw RichErrors.InvalidArgument([new("code", "is required")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var values = await parcels.ValueHistoryAsync(request.ParcelId, request.Code, context.CancellationToken);
        if (values.Count == 0 && await parcels.GetAsync(request.ParcelId, context.CancellationToken) is null)
            throw NotFound(request.ParcelId);
        return new ListValueHistoryResponse { Values = { values.Select(v => v.ToProto(ParcelMapping.KindOf(v))) } };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListUnitsResponse> ListUnits(ListUnitsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
            throw RichErrors.InvalidArgument([new("page_size", "must not be negative")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var size = request.PageSize == 0 ? 50 : Math.Min(request.PageSize, 1000);
        var all = await parcels.ListUnitsAsync(context.CancellationToken);
        // Units are few; the page token is the last unit id of the previous page.
        var after = request.PageToken.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(request.PageToken));
        var rest = all.OrderBy(u => u.UnitId, StringComparer.Ordinal).Where(u => after is null || string.CompareOrdinal(u.UnitId, after) > 0).ToList();
        var page = rest.Take(size).ToList();
        return new ListUnitsResponse
        {
            Units = { page.Select(u => u.ToProto()) },
            NextPageToken = rest.Count > size ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(page[^1].UnitId)) : "",
        };
    }

    private static List<FieldViolation> ValidateUnit(V1.ManagementUnit u, string prefix)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(u.UnitId)) violations.Add(new(prefix + "unit_id", "is required"));
        else if (u.UnitId.Length > ParcelReader.MaxParcelIdLength) violations.Add(new(prefix + "unit_id", $"is longer than {ParcelReader.MaxParcelIdLength} characters"));
        if (!System.Enum.IsDefined(u.Level)) violations.Add(new(prefix + "level", $"{(int)u.Level} is not a Level value"));
        if (u.HasTotalAreaMu && !(double.IsFinite(u.TotalAreaMu) && u.TotalAreaMu >= 0)) violations.Add(new(prefix + "total_area_mu", "must be a finite number >= 0"));
        if (u.HasIndustrialAreaMu && !(double.IsFinite(u.IndustrialAreaMu) && u.IndustrialAreaMu >= 0)) violations.Add(new(prefix + "industrial_area_mu", "must be a finite number >= 0"));
        if (u.HasTotalAreaMu && u.HasIndustrialAreaMu && u.IndustrialAreaMu > u.TotalAreaMu)
            violations.Add(new(prefix + "industrial_area_mu", $"{u.IndustrialAreaMu} exceeds the unit's total area {u.TotalAreaMu}"));
        return violations;
    }

    private static void RequireId(string id, string field)
    {
        if (ParcelReader.ParcelIdProblem(id) is { } reason)
            throw RichErrors.InvalidArgument([new(field, reason)], RichErrors.Reasons.InvalidRequest).ToRpcException();
    }

    private static RpcException NotFound(string id) =>
        RichErrors.NotFound("scoring.v1.Parcel", id, RichErrors.Reasons.ParcelNotFound, $"parcel '{id}' is not in the indicator cache").ToRpcException();

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
