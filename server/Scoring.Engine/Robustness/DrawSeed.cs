using System.Text;

namespace Scoring.Engine.Robustness;

/// <summary>The seed of a version's draws: stable across runs, machines and replicas (unlike <c>string.GetHashCode</c>).</summary>
public static class DrawSeed
{
    /// <summary>The 32-bit FNV-1a hash of the version id's UTF-8 bytes, as a non-negative int.</summary>
    public static int Of(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(version))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return (int)(hash & int.MaxValue);
    }
}
