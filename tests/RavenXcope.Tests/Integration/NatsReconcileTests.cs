using System.Net;
using System.Security.Cryptography;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Silo.Database;

namespace RavenXcope.Tests.Integration;

/// <summary>Tenant accounts reconciled into a real nats-server in operator mode, through an outage.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsReconcileTests
{
    [Fact]
    public async Task A_tenant_created_while_NATS_is_down_stays_pending_and_is_provisioned_once_NATS_starts()
    {
        await using var db = await PostgresDatabase.CreateAsync("nats");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        var work = Directory.CreateTempSubdirectory("rxc-nats-").FullName;
        try
        {
            var gatewayPort = FreePort.Next();
            OperatorFiles.Create(work, $"http://127.0.0.1:{gatewayPort}/jwt/v1/accounts/", DateTimeOffset.UtcNow);
            var natsPort = FreePort.Next();
            await using var silo = await TestSilo.StartAsync(db.ConnectionString, "silo-nats", new Dictionary<string, string?>
            {
                ["Nats:Url"] = $"nats://127.0.0.1:{natsPort}",
                ["Nats:OperatorSeedPath"] = Path.Combine(work, OperatorFiles.OperatorSeed),
                ["Nats:AccountSeedEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Nats:ReconcileSeconds"] = "2",
            });

            await using var gateway = await TestGateway.StartAsync(db.ConnectionString, gatewayPort);

            // The resolver answers the SYS account as soon as the silo ran: nats-server needs it to start.
            using var http = new HttpClient { BaseAddress = gateway.HttpBase };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/jwt/v1/accounts/", UriKind.Relative))).StatusCode);

            var tenant = silo.Grains.GetGrain<ITenantGrain>(Identifiers.TenantKey("acme"));
            Assert.True((await tenant.CreateAsync("Acme")).IsSuccess);
            var pending = await Eventually.WaitAsync(() => tenant.GetAsync(), t => t?.AccountError is not null, "a failed reconcile while NATS is down");
            Assert.Equal(NatsAccountStatus.Pending, pending.AccountStatus);
            Assert.NotNull(pending.AccountPublicKey);

            await using var nats = await NatsServer.StartAsync(work, natsPort, Path.Combine(work, OperatorFiles.ServerConfig));
            var provisioned = await Eventually.WaitAsync(
                () => tenant.GetAsync(),
                t => t?.AccountStatus == NatsAccountStatus.Provisioned,
                $"the tenant to be provisioned (nats-server output:\n{nats.Output})",
                TimeSpan.FromSeconds(10)); // one 2 s reconcile period, plus the connect and push budget
            Assert.Null(provisioned.AccountError);
            Assert.Equal(pending.AccountPublicKey, provisioned.AccountPublicKey);

            using var accountJwt = await http.GetAsync(new Uri($"/jwt/v1/accounts/{provisioned.AccountPublicKey}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, accountJwt.StatusCode);
            Assert.Equal("application/jwt", accountJwt.Content.Headers.ContentType?.MediaType);
            var claims = NATS.Jwt.NatsJwt.DecodeVerified(await accountJwt.Content.ReadAsStringAsync())!;
            Assert.Equal(-1, claims["nats"]!["limits"]!["disk_storage"]!.GetValue<int>());

            // The sealed seed is all that is stored of the account key.
            var stored = await db.ScalarAsync<string>("SELECT convert_from(payload, 'UTF8') FROM ravenxcope.orleans_storage WHERE state_name = 'tenant'");
            Assert.Contains("AccountSealedSeed", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("\"SA", stored, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
