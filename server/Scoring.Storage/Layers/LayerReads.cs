using System.Data.Common;
using Dapper;

namespace Scoring.Storage.Layers;

/// <summary>
/// The layer versions as both stores read them: the same SQL on either store but for how a time column reads as
/// <see cref="StoredText"/> text.
/// </summary>
public abstract class LayerReads : ILayerStore
{
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly string _columns;

    /// <summary>Reads through connections from <paramref name="open"/>, times read by <paramref name="time"/>.</summary>
    /// <param name="open">Opens a connection to the store.</param>
    /// <param name="time">The SQL reading a time column as stored text.</param>
    private protected LayerReads(Func<CancellationToken, Task<DbConnection>> open, Func<string, string> time)
    {
        _open = open;
        _columns = $"""
            l.layer_id AS LayerId, l.version AS Version, l.kind AS Kind, l.name AS Name, l.crs AS Epsg, l.feature_count AS FeatureCount,
            l.area_mu AS AreaMu, l.author AS Author, {time("l.created_at")} AS CreatedAt, l.note AS Note,
            CASE WHEN l.version = (SELECT max(n.version) FROM layers n WHERE n.layer_id = l.layer_id) THEN 1 ELSE 0 END AS InForce
            """;
    }

    /// <inheritdoc />
    public abstract Task<StoredLayer> AddAsync(NewLayer layer, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredLayer>> ListInForceAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {_columns}, NULL AS GeoJson FROM layers l WHERE l.version = (SELECT max(n.version) FROM layers n WHERE n.layer_id = l.layer_id) ORDER BY l.layer_id;",
            null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredLayer>> ListVersionsAsync(string layerId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {_columns}, NULL AS GeoJson FROM layers l WHERE l.layer_id = @LayerId ORDER BY l.version DESC;", new { LayerId = layerId },
            cancellationToken);

    /// <inheritdoc />
    public async Task<StoredLayer?> GetAsync(string layerId, int version, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(version > 0
            ? $"SELECT {_columns}, l.geojson AS GeoJson FROM layers l WHERE l.layer_id = @LayerId AND l.version = @Version;"
            : $"SELECT {_columns}, l.geojson AS GeoJson FROM layers l WHERE l.layer_id = @LayerId ORDER BY l.version DESC LIMIT 1;",
            new { LayerId = layerId, Version = version }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task<IReadOnlyList<StoredLayer>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredLayer(r.LayerId, (int)r.Version, (int)r.Kind, r.Name, (int)r.Epsg, r.GeoJson, (int)r.FeatureCount, r.AreaMu,
            r.Author, StoredText.ParseTime(r.CreatedAt), r.Note, r.InForce != 0))];
    }

    private sealed record Row
    {
        public string LayerId { get; init; } = "";
        public long Version { get; init; }
        public long Kind { get; init; }
        public string Name { get; init; } = "";
        public long Epsg { get; init; }
        public string? GeoJson { get; init; }
        public long FeatureCount { get; init; }
        public double AreaMu { get; init; }
        public string Author { get; init; } = "";
        public string CreatedAt { get; init; } = "";
        public string Note { get; init; } = "";
        public long InForce { get; init; }
    }
}
