using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using RavenXcope.Grains;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;

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
        Cluster = BuildCluster(Time, Authority, Directory, Publisher);
    }

    /// <summary>The silos' clock; tests move it forward.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The CA the silos issue with.</summary>
    public CertificateAuthority Authority { get; } = CertificateAuthority.CreateNew("Test CA", DateTimeOffset.UtcNow.AddYears(-1));

    /// <summary>The read model the grains write.</summary>
    public RecordingFleetDirectory Directory { get; } = new();

    /// <summary>What an agent reports about its host at enrollment.</summary>
    public static readonly HostMetadata Host = new("host-1", "Debian GNU/Linux 12", "x86_64", "1.0.0", "127.0.0.1", []);

    /// <summary>Where sensor grains publish commands; a test can make it fail.</summary>
    public FlakyCommandPublisher Publisher { get; } = new();

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <inheritdoc />
    public Task InitializeAsync() => Cluster.DeployAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A new tenant with one registered sensor, fresh ids each time.</summary>
    public async Task<(ISensorGrain Sensor, string TenantId, string SensorId)> RegisteredSensorAsync()
    {
        var tenantId = $"t-{Guid.NewGuid():N}"[..20];
        var sensorId = $"s-{Guid.NewGuid():N}"[..20];
        Assert.True((await Client.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).CreateAsync("Tenant")).IsSuccess);
        var sensor = Client.GetGrain<ISensorGrain>(Identifiers.SensorKey(tenantId, sensorId));
        Assert.True((await sensor.RegisterAsync("Edge sensor")).IsSuccess);
        return (sensor, tenantId, sensorId);
    }

    /// <summary>Enrolls <paramref name="sensor"/> with a new claim code and key; returns the certificate's serial.</summary>
    public async Task<string> EnrollAsync(ISensorGrain sensor)
    {
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var issued = await Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, Host);
            Assert.True(issued.IsSuccess, issued.ErrorDetail);
            return issued.Value!.Serial;
        }
    }

    private static InProcessTestCluster BuildCluster(TimeProvider time, CertificateAuthority authority, IFleetDirectory directory, ICommandPublisher publisher)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(time);
            silo.Services.AddSingleton(authority);
            silo.Services.AddSingleton(directory);
            silo.Services.AddSingleton(publisher);
            silo.Services.AddSingleton(new TrustPolicy());

            // The control bus is off in grain tests; tenants stay pending and say why.
            var nats = new NatsSettings();
            silo.Services.AddSingleton(nats);
            silo.Services.AddSingleton<RavenXcope.Infrastructure.Nats.NatsConnections>();
            silo.Services.AddSingleton<INatsControlBus, RavenXcope.Infrastructure.Nats.NatsControlBus>();
            silo.Services.AddSingleton(sp => new NatsRuntime(nats, null, null, sp.GetRequiredService<INatsControlBus>()));
            silo.Services.AddSingleton<INatsAccountDirectory, NoNatsAccounts>();
            silo.Services.AddSingleton(new RavenXcope.Grains.Audit.AuditKey(null));
            silo.Services.AddSingleton<RavenXcope.Grains.Audit.IAuditStore, NoAuditStore>();
            RavenXcope.Grains.Audit.AuditTrailServiceCollectionExtensions.AddAuditTrail(silo.Services);
        });
        return builder.Build();
    }
}

/// <summary>Grain tests run without NATS: nothing is published.</summary>
internal sealed class NoNatsAccounts : INatsAccountDirectory
{
    public Task UpsertAsync(string publicKey, string? tenantId, bool isSystem, string jwt, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>Grain tests keep no audit table (audit is off without a key).</summary>
internal sealed class NoAuditStore : RavenXcope.Grains.Audit.IAuditStore
{
    public Task<(long Sequence, byte[] Mac)?> LastAsync(string tenantId, CancellationToken cancellationToken) => Task.FromResult<(long, byte[])?>(null);

    public Task InsertAsync(RavenXcope.Grains.Audit.AuditRow row, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<RavenXcope.Grains.Audit.AuditLink>> LinkedPageAsync(string tenantId, RavenXcope.Grains.Model.AuditFilter filter, long after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RavenXcope.Grains.Audit.AuditLink>>([]);
}

/// <summary>Shares one in-memory cluster among the grain test classes.</summary>
[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "in-memory cluster";
}

/// <summary>A command publisher that answers with a growing sequence, or with the failures a test queued.</summary>
public sealed class FlakyCommandPublisher : ICommandPublisher
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _failures = new();
    private long _sequence;

    private volatile TaskCompletionSource? _hold;

    /// <inheritdoc />
    public bool Enabled => true;

    /// <summary>Makes the next publication throw <paramref name="failure"/>.</summary>
    public void FailNext(Exception failure) => _failures.Enqueue(failure);

    /// <summary>Makes every publication wait (a NATS that does not answer) until the returned action is called.</summary>
    public Action Hold()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = hold;
        return () =>
        {
            _hold = null;
            hold.TrySetResult();
        };
    }

    /// <inheritdoc />
    public async Task<ulong> PublishAsync(string tenantId, string sensorId, string commandId, byte[] payload, CancellationToken cancellationToken)
    {
        if (_hold is { } hold)
        {
            await hold.Task;
        }

        return _failures.TryDequeue(out var failure) ? throw failure : (ulong)Interlocked.Increment(ref _sequence);
    }
}
