using System.Security.Cryptography;
using Orleans.Runtime;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Sensors;

namespace RavenXcope.Tests.Grains;

/// <summary>Tenant, sensor and claim-code grains together, with the clock moved by the test (no real waiting).</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class TrustLifecycleGrainTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task Trust_moves_at_each_threshold_when_the_reminder_fires_and_renewal_starts_over()
    {
        var (sensor, tenantId, sensorId) = await fixture.RegisteredSensorAsync();
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
            var issued = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, InMemoryClusterFixture.Host);
            Assert.True(issued.IsSuccess, issued.ErrorDetail);
            Assert.Equal(TrustState.Trusted, (await sensor.GetAsync())!.TrustState);

            var notAfter = issued.Value!.NotAfter;
            await MoveClockAndFireAsync(sensor, notAfter.AddDays(-3).AddMinutes(1));
            Assert.Equal(TrustState.RenewalRecommended, (await sensor.GetAsync())!.TrustState);
            Assert.Equal("renewal_recommended", WireNames.Of(fixture.Directory.Sensors[$"{tenantId}/{sensorId}"].TrustState));

            await MoveClockAndFireAsync(sensor, notAfter.AddDays(-1).AddMinutes(1));
            Assert.Equal(TrustState.RenewalDue, (await sensor.GetAsync())!.TrustState);
            var heartbeat = await sensor.HeartbeatAsync(new SensorHeartbeat(issued.Value.Serial, "running", "renewal_due", "1.0.0"));
            Assert.True(heartbeat.Value!.RenewNow);
            Assert.False((await sensor.GetAsync())!.RenewalPending);
            Assert.True((await sensor.RequestRenewalAsync()).IsSuccess);
            Assert.True((await sensor.GetAsync())!.RenewalPending);
            Assert.Null((await sensor.GetAsync())!.PreviousCertificate);
            fixture.Time.Advance(TimeSpan.FromSeconds(1));

            // Renewal with a new key: trusted again, and the old certificate stays accepted for the overlap.
            using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var newCsr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=host-1", newKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
            var renewed = await sensor.RenewAsync(issued.Value.Serial, newCsr);
            Assert.True(renewed.IsSuccess, renewed.ErrorDetail);
            Assert.Equal(TrustState.Trusted, (await sensor.GetAsync())!.TrustState);
            Assert.True((await sensor.CheckCertificateAsync(issued.Value.Serial)).IsPreviousCertificate);
            var afterRenewal = (await sensor.GetAsync())!;
            Assert.False(afterRenewal.RenewalPending);
            Assert.Equal(issued.Value.Serial, afterRenewal.PreviousCertificate!.CertificateSerial);
            Assert.True(afterRenewal.PreviousCertificate.AcceptedUntil > fixture.Time.GetUtcNow());

            fixture.Time.Advance(TimeSpan.FromHours(25));
            Assert.Null((await sensor.GetAsync())!.PreviousCertificate);
            Assert.Equal("certificate_not_current", (await sensor.CheckCertificateAsync(issued.Value.Serial)).ErrorCode);
            Assert.True((await sensor.CheckCertificateAsync(renewed.Value!.Serial)).Accepted);

            await MoveClockAndFireAsync(sensor, renewed.Value.NotAfter.AddMinutes(1));
            Assert.Equal(TrustState.Expired, (await sensor.GetAsync())!.TrustState);
            Assert.Equal("certificate_expired", (await sensor.CheckCertificateAsync(renewed.Value.Serial)).ErrorCode);
        }
    }

    [Fact]
    public async Task Liveness_goes_from_offline_to_online_on_a_heartbeat_then_stale_and_offline_with_silence()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var issued = (await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, InMemoryClusterFixture.Host)).Value!;
            Assert.Equal("offline", (await sensor.GetAsync())!.Liveness);
            Assert.True((await sensor.HeartbeatAsync(new SensorHeartbeat(issued.Serial, "running", "trusted", "1.0.0"))).IsSuccess);
            Assert.Equal("online", (await sensor.GetAsync())!.Liveness);
            fixture.Time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal("stale", (await sensor.GetAsync())!.Liveness);
            fixture.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal("offline", (await sensor.GetAsync())!.Liveness);
        }
    }

    [Fact]
    public async Task An_expired_code_is_refused_like_an_unknown_one()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var code = (await sensor.CreateClaimCodeAsync(TimeSpan.FromMinutes(5))).Value!;
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var expired = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, InMemoryClusterFixture.Host);
            var unknown = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(ClaimCodes.NewCode()))).RedeemAsync(csr, InMemoryClusterFixture.Host);
            Assert.Equal((unknown.ErrorCode, unknown.ErrorDetail), (expired.ErrorCode, expired.ErrorDetail));
            Assert.Equal("enrollment_refused", expired.ErrorCode);
            Assert.Equal(SensorLifecycle.Registered, (await sensor.GetAsync())!.Lifecycle);
        }
    }

    [Fact]
    public async Task A_CSR_whose_signature_does_not_verify_is_refused_for_what_it_is_whatever_the_code_and_burns_no_code()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
        var grain = fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode)));
        var broken = Csrs.WithBrokenSignature();

        var refused = await grain.RedeemAsync(broken, InMemoryClusterFixture.Host);
        var unknown = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(ClaimCodes.NewCode()))).RedeemAsync(broken, InMemoryClusterFixture.Host);

        Assert.Equal("csr_signature_invalid", refused.ErrorCode);
        Assert.Equal((unknown.ErrorCode, unknown.ErrorDetail), (refused.ErrorCode, refused.ErrorDetail));
        Assert.Equal(ClaimCodeStatus.Issued, (await grain.GetState()).Status);
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            Assert.True((await grain.RedeemAsync(csr, InMemoryClusterFixture.Host)).IsSuccess);
        }
    }

    [Fact]
    public async Task Fifty_simultaneous_redemptions_of_one_code_give_exactly_one_certificate_and_a_same_key_retry_gets_it_again()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
        var grain = fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode)));
        var attempts = Enumerable.Range(0, 50).Select(_ => Csrs.EcP256()).ToList();
        try
        {
            var results = await Task.WhenAll(attempts.Select(a => grain.RedeemAsync(a.Pem, InMemoryClusterFixture.Host)));
            var winners = results.Where(r => r.IsSuccess).ToList();
            Assert.Single(winners);
            Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("enrollment_refused", r.ErrorCode));

            var winnerIndex = Array.FindIndex(results, r => r.IsSuccess);
            var retry = await grain.RedeemAsync(attempts[winnerIndex].Pem, InMemoryClusterFixture.Host);
            Assert.Equal(winners[0].Value!.Serial, retry.Value!.Serial);
            Assert.Equal(winners[0].Value!.Serial, (await sensor.GetAsync())!.CertificateSerial);
        }
        finally
        {
            attempts.ForEach(a => a.Key.Dispose());
        }
    }

    [Fact]
    public async Task Revoke_refuses_certificates_and_withdraws_the_pending_code()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var pending = (await sensor.CreateClaimCodeAsync(null)).Value!;
        Assert.True((await sensor.RevokeAsync()).IsSuccess);
        Assert.Equal(TrustState.TrustRevoked, (await sensor.GetAsync())!.TrustState);

        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var redeem = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(pending.ClaimCode))).RedeemAsync(csr, InMemoryClusterFixture.Host);
            Assert.Equal("enrollment_refused", redeem.ErrorCode);
        }

        Assert.Equal("sensor_revoked", (await sensor.EnableAsync()).ErrorCode);
    }

    [Fact]
    public async Task A_revoked_sensor_enrolls_again_with_a_new_code_as_a_new_identity_and_its_old_one_stays_refused()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        var first = await fixture.EnrollAsync(sensor);
        Assert.True((await sensor.RevokeAsync()).IsSuccess);
        Assert.Equal("sensor_revoked", (await sensor.CheckCertificateAsync(first)).ErrorCode);

        var second = await fixture.EnrollAsync(sensor);
        Assert.NotEqual(first, second);
        var snapshot = (await sensor.GetAsync())!;
        Assert.Equal((SensorLifecycle.Enrolled, TrustState.Trusted, second), (snapshot.Lifecycle, snapshot.TrustState, snapshot.CertificateSerial));
        Assert.Equal(first, Assert.Single(snapshot.RetiredIdentities!).CertificateSerial);
        Assert.True((await sensor.CheckCertificateAsync(second)).Accepted);
        Assert.Equal("sensor_revoked", (await sensor.CheckCertificateAsync(first)).ErrorCode);

        // The old identity never comes back, not even by a renewal with the revoked certificate.
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            Assert.Equal("sensor_revoked", (await sensor.RenewAsync(first, csr)).ErrorCode);
        }
    }


    [Fact]
    public async Task A_sensor_needs_its_tenant_and_its_state_survives_deactivation()
    {
        var orphan = fixture.Client.GetGrain<ISensorGrain>(Identifiers.SensorKey("no-such-tenant", "s1"));
        Assert.Equal("tenant_not_found", (await orphan.RegisterAsync("x")).ErrorCode);

        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        await sensor.DisableAsync();
        await fixture.Cluster.DeactivateAsync(sensor);
        Assert.Equal(SensorLifecycle.Disabled, (await sensor.GetAsync())!.Lifecycle);
        Assert.Equal(SensorLifecycle.Registered, (await sensor.EnableAsync()).Value!.Lifecycle);
    }

    [Fact]
    public async Task The_dashboard_snapshots_carry_state_but_no_secrets()
    {
        var (sensor, tenantId, sensorId) = await fixture.RegisteredSensorAsync();
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;

        Assert.Equal(sensorId, (await sensor.GetState())!.SensorId);
        Assert.Equal(tenantId, (await fixture.Client.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).GetState())!.TenantId);
        var codeState = await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).GetState();
        Assert.Equal((ClaimCodeStatus.Issued, sensorId), (codeState.Status, codeState.SensorId));
        Assert.DoesNotContain(code.ClaimCode, codeState.ToString(), StringComparison.Ordinal);
        Assert.Equal(ClaimCodeStatus.None, (await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey("unknown")).GetState()).Status);
    }

    private async Task MoveClockAndFireAsync(ISensorGrain sensor, DateTimeOffset to)
    {
        fixture.Time.SetUtcNow(to);

        // The trust reminder's tick, delivered the way Orleans delivers it (IRemindable is a grain interface).
        var remindable = fixture.Client.GetGrain<IRemindable>(sensor.GetGrainId());
        await remindable.ReceiveReminder(SensorGrain.TrustReminder, new TickStatus(to.UtcDateTime, TimeSpan.FromHours(1), to.UtcDateTime));
    }
}
