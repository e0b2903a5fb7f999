using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Tests.Integration;

/// <summary>TLS session resumption on the mTLS port, driven by openssl, so the check is not our own client's.</summary>
public sealed partial class TrustApiTests
{
    [Fact]
    public async Task A_resumed_TLS_session_on_the_mTLS_port_keeps_the_sensors_identity_and_its_revocation()
    {
        // OpenSSL's own client, not .NET's: it says whether the server resumed the session ("Reused") or not ("New").
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var code = await ClaimCodeAsync(admin, tenantId, sensorId);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        using var enrolled = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var enrollment = await enrolled.JsonAsync();

        var directory = Directory.CreateTempSubdirectory("rxc-resume-");
        try
        {
            var certificate = Path.Combine(directory.FullName, "client.cert.pem");
            var privateKey = Path.Combine(directory.FullName, "client.key.pem");
            var session = Path.Combine(directory.FullName, "session.pem");
            await File.WriteAllTextAsync(certificate, enrollment.GetProperty("certificatePem").GetString());
            await File.WriteAllTextAsync(privateKey, key.ExportPkcs8PrivateKeyPem());

            var full = await OpenSslHeartbeatAsync("-cert", certificate, "-key", privateKey, "-sess_out", session);
            Assert.Contains("New, TLSv1.3", full, StringComparison.Ordinal);
            Assert.Contains("HTTP/1.1 200", full, StringComparison.Ordinal);

            // No certificate this time: the session carries the one the sensor presented (without it: 401 or no handshake).
            var resumed = await OpenSslHeartbeatAsync("-sess_in", session);
            Assert.Contains("Reused, TLSv1.3", resumed, StringComparison.Ordinal);
            Assert.Contains("HTTP/1.1 200", resumed, StringComparison.Ordinal);
            Assert.Contains("\"trustState\":\"trusted\"", resumed, StringComparison.Ordinal);

            // Revocation is asked on every request, resumed session or not.
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/revoke", UriKind.Relative), null)).StatusCode);
            var revoked = await OpenSslHeartbeatAsync("-sess_in", session);
            Assert.Contains("Reused, TLSv1.3", revoked, StringComparison.Ordinal);
            Assert.Contains("HTTP/1.1 403", revoked, StringComparison.Ordinal);
            Assert.Contains("sensor_revoked", revoked, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<string> OpenSslHeartbeatAsync(params string[] tlsArguments)
    {
        var openssl = new[] { "/usr/bin/openssl", "/usr/local/bin/openssl" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("openssl is not installed: run scripts/test.sh, which installs it (apt-get install openssl)");
        const string body = """{"agentState":"running","trustState":"trusted","agentVersion":"1.0.0"}""";
        var request = $"POST /sensor/v1/heartbeat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        var start = new System.Diagnostics.ProcessStartInfo(openssl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{stack.Gateway.MtlsBase.Port}", "-servername", "localhost", "-tls1_3", "-ign_eof" }.Concat(tlsArguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(request);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openssl s_client did not finish in 30 s: {await errors}");
        }

        return await output + await errors;
    }
}
