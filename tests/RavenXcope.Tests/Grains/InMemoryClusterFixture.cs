using Orleans.TestingHost;
using RavenXcope.Grains;

namespace RavenXcope.Tests.Grains;

/// <summary>
/// The template for fast grain tests: an in-process Orleans cluster with in-memory transport,
/// membership, storage (under the production provider name) and reminders. No database involved.
/// </summary>
public sealed class InMemoryClusterFixture : IAsyncLifetime
{
    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; } = BuildCluster();

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <inheritdoc />
    public Task InitializeAsync() => Cluster.DeployAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private static InProcessTestCluster BuildCluster()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.UseInMemoryReminderService();
        });
        return builder.Build();
    }
}

/// <summary>Shares one in-memory cluster among the grain test classes.</summary>
[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "in-memory cluster";
}
