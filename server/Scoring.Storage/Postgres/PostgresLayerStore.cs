using Dapper;
using Scoring.Storage.Layers;

namespace Scoring.Storage.Postgres;

/// <summary>
/// The versions of the planner's layers in PostgreSQL. A new version takes <see cref="AdvisoryLocks.Layers"/>, so two
/// replicas never number the same version, and is announced with <c>pg_notify('layer_added', layer id)</c> when it commits.
/// </summary>
public sealed class PostgresLayerStore(PostgresDatabase database)
    : LayerReads(async ct => await database.OpenAsync(ct).ConfigureAwait(false), PostgresText.TimeColumn)
{
    /// <summary>The channel a new layer version is announced on; the payload is the layer id.</summary>
    public const string LayerChannel = "layer_added";

    /// <inheritdoc />
    public override Task<StoredLayer> AddAsync(NewLayer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return database.WriteAsync(async (connection, transaction, ct) =>
        {
            await AdvisoryLocks.TakeAsync(connection, transaction, AdvisoryLocks.Layers, ct).ConfigureAwait(false);
            var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT coalesce(max(version), 0) + 1 FROM layers WHERE layer_id = @LayerId;", new { layer.LayerId }, transaction, cancellationToken: ct))
                .ConfigureAwait(false);
            var now = database.Now();
            await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO layers (layer_id, version, kind, name, crs, geojson, feature_count, area_mu, author, created_at, note)
                VALUES (@LayerId, @Version, @Kind, @Name, @Epsg, CAST(@GeoJson AS json), @FeatureCount, @AreaMu, @Author, @CreatedAt, @Note);
                SELECT pg_notify('{LayerChannel}', @LayerId);
                """, new { layer.LayerId, Version = version, layer.Kind, layer.Name, layer.Epsg, layer.GeoJson, layer.FeatureCount, layer.AreaMu,
                layer.Author, CreatedAt = PostgresText.Utc(now), layer.Note }, transaction, cancellationToken: ct)).ConfigureAwait(false);
            return new StoredLayer(layer.LayerId, version, layer.Kind, layer.Name, layer.Epsg, layer.GeoJson, layer.FeatureCount, layer.AreaMu,
                layer.Author, now, layer.Note, InForce: true);
        }, cancellationToken);
    }
}
