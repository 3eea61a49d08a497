namespace Scoring.Server.Security;

/// <summary>The roles callers hold, and the authorization policies named after them.</summary>
public static class Roles
{
    /// <summary>Evaluate parcels and read the cache, models and reports.</summary>
    public const string Reader = "reader";
    /// <summary>Feed the indicator cache.</summary>
    public const string Writer = "writer";
    /// <summary>Change weights and models, activate versions. Holds every other role too.</summary>
    public const string Admin = "admin";
}
