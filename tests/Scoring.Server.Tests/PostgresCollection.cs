using Scoring.Testing;

namespace Scoring.Server.Tests;

/// <summary>The test classes that share this assembly's PostgreSQL cluster (run one after another).</summary>
[CollectionDefinition(PostgresCluster.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
