using Dapper;

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
public sealed class LayerStore(ScoringDatabase database)
    : LayerReads(async ct => await database.OpenAsync(ct).ConfigureAwait(false), time => time)
{
    /// <inheritdoc />
    public override Task<StoredLayer> AddAsync(NewLayer layer, CancellationToken cancellationToken = default)
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
}
