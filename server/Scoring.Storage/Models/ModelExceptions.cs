using System.Globalization;

namespace Scoring.Storage.Models;

/// <summary>The request expected another active version: a concurrent change got there first. Nothing was written.</summary>
public sealed class ActiveVersionChangedException(string expectedVersion, int? activeVersion)
    : Exception($"The request expected version {expectedVersion} to be active, but the active version is " +
                $"{(activeVersion is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none")}: " +
                "another change got there first. Read the active version again and retry.")
{
    /// <summary>The active version the request expected.</summary>
    public string ExpectedVersion { get; } = expectedVersion;

    /// <summary>The version actually active; null when none is.</summary>
    public int? ActiveVersion { get; } = activeVersion;
}

/// <summary>A model version that the store does not hold. Nothing was written.</summary>
public sealed class ModelVersionNotFoundException(int version)
    : Exception($"There is no model version {version.ToString(CultureInfo.InvariantCulture)}.")
{
    /// <summary>The version asked for.</summary>
    public int Version { get; } = version;
}

/// <summary>A request id already used by a different request (another digest). Nothing was written.</summary>
public sealed class RequestIdReusedException(string requestId)
    : Exception($"Request id '{requestId}' was already used for a different request; use a new id for a new request.")
{
    /// <summary>The request id.</summary>
    public string RequestId { get; } = requestId;
}
