namespace RavenXcope.Tests.Integration;

/// <summary>
/// Tests that start silos run one at a time: the machine has two cores, and Orleans' liveness timing
/// should not compete with another test's silos.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "postgres";
}
