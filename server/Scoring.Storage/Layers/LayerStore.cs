using Dapper;
using Microsoft.Data.Sqlite;

namespace Scoring.Storage.Layers;

/// <summary>A layer version to store; the store assigns its version number and time.</summary>
/// <param name="LayerId">The layer (one per kind).</param>
/// <param name="Kind">The kind as its proto number (1–7).</param>
/// <param name="Name">Display name.</param>
/// <param name="Epsg">Coordinate system of the features.</param>
/// <param name="GeoJson">The features, a GeoJSON FeatureCollection, as uploaded.</param>
/// <param name="FeatureCount">Features.</param>
/// <param name="AreaMu">Area of the union of the features, 亩.</param>
/// <param name="Author">Who uploads it.</param>
/// <param name="Note">Why.</param>
public sealed record NewLayer(string LayerId, int Kind, string Name, int Epsg, string GeoJson, int FeatureCount, double AreaMu, string Author, string Note);

/// <summary>A stored layer version; <see cref="GeoJson"/> is null when it was listed without its features.</summary>
/// <param name="LayerId">The layer.</param>
/// <param name="Version">Version 1, 2, 3… within the layer.</param>
/// <param name="Kind">The kind as its proto number.</param>
/// <param name="Name">Display name.</param>
/// <param name="Epsg">Coordinate system of the features.</param>
/// <param name="GeoJson">The features as uploaded, or null.</param>
/// <param name="FeatureCount">Features.</param>
/// <param name="AreaMu">Area of the union of the features, 亩.</param>
/// <param name="Author">Who uploaded it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Note">Why.</param>
/// <param name="InForce">Whether it is the newest version of its layer.</param>
public sealed record StoredLayer(string LayerId, int Version, int Kind, string Name, int Epsg, string? GeoJson, int FeatureCount, double AreaMu,
    string Author, DateTimeOffset CreatedAt, string Note, bool InForce);

/// <summary>The versions of the planner's layers: immutable, numbered per layer, the newest in force.</summary>
public sealed class LayerStore(ScoringDatabase database) : ILayerStore
{
    private const string Columns = """
        l.layer_id AS LayerId, l.version AS Version, l.kind AS Kind, l.name AS Name, l.crs AS Epsg, l.feature_count AS FeatureCount,
        l.area_mu AS AreaMu, l.author AS Author, l.created_at AS CreatedAt, l.note AS Note,
        l.version = (SELECT max(n.version) FROM layers n WHERE n.layer_id = l.layer_id) AS InForce
        """;

    /// <inheritdoc />
    public Task<StoredLayer> AddAsync(NewLayer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return database.WriteAsync(WriteSize.Small, (connection, transaction, ct) =>
        {
            var version = connection.ExecuteScalar<int>(new CommandDefinition(
                "SELECT ifnull(max(version), 0) + 1 FROM layers WHERE layer_id = @LayerId;", new { layer.LayerId }, transaction, cancellationToken: ct));
            var now = StoredText.Time(database.Time.GetUtcNow());
            connection.Execute(new CommandDefinition("""
                INSERT INTO layers (layer_id, version, kind, name, crs, geojson, feature_count, area_mu, author, created_at, note)
                VALUES (@LayerId, @Version, @Kind, @Name, @Epsg, @GeoJson, @FeatureCount, @AreaMu, @Author, @CreatedAt, @Note);
                """, new { layer.LayerId, Version = version, layer.Kind, layer.Name, layer.Epsg, layer.GeoJson, layer.FeatureCount, layer.AreaMu,
                layer.Author, CreatedAt = now, layer.Note }, transaction, cancellationToken: ct));
            return new StoredLayer(layer.LayerId, version, layer.Kind, layer.Name, layer.Epsg, layer.GeoJson, layer.FeatureCount, layer.AreaMu,
                layer.Author, StoredText.ParseTime(now), layer.Note, InForce: true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredLayer>> ListInForceAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns}, NULL AS GeoJson FROM layers l WHERE l.version = (SELECT max(n.version) FROM layers n WHERE n.layer_id = l.layer_id) ORDER BY l.layer_id;",
            null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredLayer>> ListVersionsAsync(string layerId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns}, NULL AS GeoJson FROM layers l WHERE l.layer_id = @LayerId ORDER BY l.version DESC;", new { LayerId = layerId },
            cancellationToken);

    /// <inheritdoc />
    public async Task<StoredLayer?> GetAsync(string layerId, int version, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(version > 0
            ? $"SELECT {Columns}, l.geojson AS GeoJson FROM layers l WHERE l.layer_id = @LayerId AND l.version = @Version;"
            : $"SELECT {Columns}, l.geojson AS GeoJson FROM layers l WHERE l.layer_id = @LayerId ORDER BY l.version DESC LIMIT 1;",
            new { LayerId = layerId, Version = version }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task<IReadOnlyList<StoredLayer>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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
