using System.Net;
using RavenXcope.Grains.Model;

namespace RavenXcope.Tests.Integration;

/// <summary>Tenant accounts reconciled into a real nats-server in operator mode, through an outage.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsReconcileTests
{
    [Fact]
    public async Task A_tenant_created_while_NATS_is_down_stays_pending_and_is_provisioned_once_NATS_starts()
    {
        await using var stack = await NatsStack.StartAsync("nats", startNats: false);

        // The resolver answers the SYS account as soon as the silo ran: nats-server needs it to start.
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/jwt/v1/accounts/", UriKind.Relative))).StatusCode);

        var pending = await Eventually.WaitAsync(() => stack.Tenant.GetAsync(), t => t?.AccountError is not null, "a failed reconcile while NATS is down");
        Assert.Equal(NatsAccountStatus.Pending, pending.AccountStatus);
        Assert.NotNull(pending.AccountPublicKey);

        await stack.StartNatsAsync();
        var provisioned = await Eventually.WaitAsync(
            () => stack.Tenant.GetAsync(),
            t => t?.AccountStatus == NatsAccountStatus.Provisioned,
            $"the tenant to be provisioned (nats-server output:\n{stack.Nats!.Output})",
            TimeSpan.FromSeconds(15)); // a 2 s reconcile period, plus the budget of the attempt in flight (2 s connect, 5 s push)
        Assert.Null(provisioned.AccountError);
        Assert.Equal(pending.AccountPublicKey, provisioned.AccountPublicKey);

        using var accountJwt = await http.GetAsync(new Uri($"/jwt/v1/accounts/{provisioned.AccountPublicKey}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, accountJwt.StatusCode);
        Assert.Equal("application/jwt", accountJwt.Content.Headers.ContentType?.MediaType);
        var claims = RavenXcope.NatsAuth.NatsJwt.DecodeVerified(await accountJwt.Content.ReadAsStringAsync())!;
        Assert.Equal(-1, claims["nats"]!["limits"]!["disk_storage"]!.GetValue<int>());

        // The sealed seed is all that is stored of the account key.
        var stored = await stack.Database.ScalarAsync<string>("SELECT convert_from(payload, 'UTF8') FROM ravenxcope.orleans_storage WHERE state_name = 'tenant'");
        Assert.Contains("AccountSealedSeed", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SA", stored, StringComparison.Ordinal);
    }
}
