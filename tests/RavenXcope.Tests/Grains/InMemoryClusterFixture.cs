using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using RavenXcope.Grains;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Domain;

namespace RavenXcope.Tests.Grains;

/// <summary>
/// The template for fast grain tests: an in-process Orleans cluster with in-memory transport,
/// membership, storage (under the production provider name) and reminders, a fake clock that tests
/// move, a throwaway CA and a read model kept in memory. No database involved.
/// </summary>
public sealed class InMemoryClusterFixture : IAsyncLifetime
{
    /// <summary>Creates the fixture.</summary>
    public InMemoryClusterFixture()
    {
        Cluster = BuildCluster(Time, Authority, Directory);
    }

    /// <summary>The silos' clock; tests move it forward.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The CA the silos issue with.</summary>
    public CertificateAuthority Authority { get; } = CertificateAuthority.CreateNew("Test CA", DateTimeOffset.UtcNow.AddYears(-1));

    /// <summary>The read model the grains write.</summary>
    public RecordingFleetDirectory Directory { get; } = new();

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <inheritdoc />
    public Task InitializeAsync() => Cluster.DeployAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private static InProcessTestCluster BuildCluster(TimeProvider time, CertificateAuthority authority, IFleetDirectory directory)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(time);
            silo.Services.AddSingleton(authority);
            silo.Services.AddSingleton(directory);
            silo.Services.AddSingleton(new TrustPolicy());
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
