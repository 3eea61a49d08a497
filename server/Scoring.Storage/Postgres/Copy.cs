using Npgsql;
using NpgsqlTypes;

namespace Scoring.Storage.Postgres;

/// <summary>Writes a binary COPY field that may be NULL.</summary>
internal static class Copy
{
    /// <summary>Writes <paramref name="value"/> as <paramref name="type"/>, or NULL.</summary>
    public static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) where T : class =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    /// <summary>Writes <paramref name="value"/> as <paramref name="type"/>, or NULL.</summary>
    public static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}
