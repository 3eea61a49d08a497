using Grpc.Core;
using Scoring.Engine.Model;
using Scoring.Server.Models;

namespace Scoring.Server.Grpc;

/// <summary>The model version (or label) a request names, as the gRPC edge answers it.</summary>
internal static class ModelResolution
{
    /// <summary>
    /// The compiled model <paramref name="version"/> names (a version, a label, or empty for the active one); a name the
    /// registry does not know is refused as NOT_FOUND with the MODEL_VERSION_NOT_FOUND details.
    /// </summary>
    public static async ValueTask<ScoringModel> ResolveOrRefuseAsync(this ModelRegistry registry, string version, CancellationToken token)
    {
        try
        {
            return await registry.ResolveAsync(version, token);
        }
        catch (ModelNotFoundException)
        {
            throw RichErrors.UnknownModel(version).ToRpcException();
        }
    }
}
