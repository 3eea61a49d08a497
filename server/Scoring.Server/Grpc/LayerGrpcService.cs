using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Spatial;
using Scoring.Server.Security;
using Scoring.Server.Spatial;
using Scoring.Storage.Layers;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.LayerService: the planner's control lines as versioned layers.</summary>
internal sealed class LayerGrpcService(ILayerStore store, LayerCatalog catalog, ContiguousParcels neighbours, SpatialOptions options) : LayerService.LayerServiceBase
{
    /// <summary>Longest accepted GeoJSON text of one layer, in characters: 64 Mi.</summary>
    public const int MaxGeoJsonLength = 64 << 20;

    [Authorize(Policy = Roles.Admin)]
    public override async Task<Layer> UploadLayer(UploadLayerRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (!Enum.IsDefined(request.Kind) || request.Kind == V1.LayerKind.Unspecified)
            violations.Add(new("kind", $"must be one of {string.Join(", ", Enum.GetValues<V1.LayerKind>().Skip(1).Select(Name))}"));
        if (string.IsNullOrWhiteSpace(request.Name)) violations.Add(new("name", "is required"));
        else ParcelText.Check("name", request.Name, ParcelText.MaxNameLength, violations);
        if (string.IsNullOrWhiteSpace(request.Note)) violations.Add(new("note", "is required: say why this version is uploaded"));
        else ParcelText.Check("note", request.Note, ParcelText.MaxNoteLength, violations, multiLine: true);
        if (string.IsNullOrWhiteSpace(request.Geojson)) violations.Add(new("geojson", "is required: a GeoJSON FeatureCollection"));
        else if (request.Geojson.Length > MaxGeoJsonLength) violations.Add(new("geojson", $"is {request.Geojson.Length} characters; at most {MaxGeoJsonLength}"));
        LayerFeatures? features = null;
        if (violations.Count == 0) features = LayerFeatures.Read(request.Geojson, request.Crs, options.DefaultEpsg, violations);
        if (violations.Count > 0 || features is null) throw RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidLayer).ToRpcException();

        var kind = (Spatial.LayerKind)(int)request.Kind;
        var stored = await store.AddAsync(new NewLayer(LayerCatalog.LayerIdOf(kind), (int)kind, request.Name, features.Epsg, request.Geojson,
            features.Features.Count, features.AreaMu, context.CallerName(), request.Note), context.CancellationToken);
        catalog.Accept(stored, features);
        neighbours.MarkChanged(); // a new main urban area may make the outlines worth reading
        return stored.ToProto(withFeatures: false);
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<ListLayersResponse> ListLayers(ListLayersRequest request, ServerCallContext context)
    {
        var layers = request.LayerId.Length == 0
            ? await store.ListInForceAsync(context.CancellationToken)
            : await store.ListVersionsAsync(request.LayerId, context.CancellationToken);
        return new ListLayersResponse { Layers = { layers.Select(l => l.ToProto(withFeatures: false)) } };
    }

    [Authorize(Policy = Roles.Reader)]
    public override async Task<Layer> GetLayer(GetLayerRequest request, ServerCallContext context)
    {
        if (request.Version < 0)
            throw RichErrors.InvalidArgument([new FieldViolation("version", "must be 0 (the newest) or a version number")], RichErrors.Reasons.InvalidRequest).ToRpcException();
        var stored = await store.GetAsync(request.LayerId, request.Version, context.CancellationToken);
        return stored?.ToProto(withFeatures: true) ?? throw RichErrors.NotFound("scoring.v1.Layer",
            request.Version > 0 ? $"{request.LayerId}@{request.Version}" : request.LayerId, RichErrors.Reasons.LayerNotFound,
            $"no layer '{request.LayerId}'{(request.Version > 0 ? $" version {request.Version}" : "")}").ToRpcException();
    }

    private static string Name(V1.LayerKind kind) =>
        LayerServiceReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("LayerKind").FindValueByNumber((int)kind).Name;
}
