using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// Joining a host with one command: the claim code carries the CA's SHA-256 fingerprint, the agent fetches the CA from
/// the enrollment endpoint and trusts it only with that fingerprint; anything else is refused before a CSR exists.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OneCommandJoinProcessTests
{
    [Fact]
    public async Task The_join_command_of_the_claim_code_answer_enrolls_with_no_other_flag_and_a_foreign_fingerprint_is_refused_first()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_join", withNats: false);
        var api = stack.Api;
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).StatusCode);
        using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { });
        var answer = await codeResponse.JsonAsync();
        var code = answer.GetProperty("claimCode").GetString()!;
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(stack.CaFile));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
        Assert.Equal(fingerprint, answer.GetProperty("caFingerprint").GetString());
        Assert.EndsWith($"_{fingerprint}", code, StringComparison.Ordinal);
        var enrollPort = new Uri(stack.EnrollUrl).Port;
        Assert.Equal($"ravenxcope-sensor enroll --url https://127.0.0.1:{enrollPort} --code {code}", answer.GetProperty("joinCommand").GetString());

        // A code naming another CA: refused before a key or CSR is made, and the code is not spent.
        var stateDir = Path.Combine(stack.Work, "sensor");
        var foreign = code[..36] + "_" + new string('0', 64);
        var (foreignExit, foreignOutput) = await Enroll(stack, foreign, stateDir);
        Assert.True(foreignExit == 8, foreignOutput);
        Assert.Contains("is not the one the claim code names", foreignOutput, StringComparison.Ordinal);
        Assert.Contains(fingerprint, foreignOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(stateDir, "enroll.csr.pem")), "no CSR was made, let alone sent");
        Assert.DoesNotContain(code[4..36], foreignOutput, StringComparison.Ordinal);

        // A malformed code: refused locally, before any request (the URL answers nothing, and it says so not).
        var (cutExit, cutOutput) = await ServiceProcess.RunAsync(
            ProcessStack.Agent, ["enroll", "--url", $"https://127.0.0.1:{FreePort.Next()}", "--code", code[..60], "--state-dir", stateDir], new Dictionary<string, string>());
        Assert.True(cutExit == 2, cutOutput);
        Assert.Contains("may have been cut", cutOutput, StringComparison.Ordinal);

        // The join command as the answer gave it: no CA file.
        var (exit, output) = await Enroll(stack, code, stateDir);
        Assert.True(exit == 0, output);
        Assert.Contains("has the fingerprint the claim code names", output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(stack.CaFile).Trim(), File.ReadAllText(Path.Combine(stateDir, "ca.cert.pem")).Trim());
        using var detail = await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative));
        Assert.Equal("enrolled", (await detail.JsonAsync()).GetProperty("lifecycle").GetString());

        // --ca-file stays, and must match the code's fingerprint when the code has one.
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-2", name = "Edge 2" })).StatusCode);
        using var secondResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-2/claim-codes", new { });
        var second = (await secondResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        var otherCa = Path.Combine(stack.Work, "other-ca.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=another ca", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(otherCa, other.ExportCertificatePem());
        }

        var secondDir = Path.Combine(stack.Work, "sensor-2");
        var (mismatchExit, mismatchOutput) = await ServiceProcess.RunAsync(
            ProcessStack.Agent, ["enroll", "--url", stack.EnrollUrl, "--code", second, "--ca-file", otherCa, "--state-dir", secondDir], new Dictionary<string, string>());
        Assert.True(mismatchExit == 8, mismatchOutput);
        var (caFileExit, caFileOutput) = await ServiceProcess.RunAsync(
            ProcessStack.Agent, ["enroll", "--url", stack.EnrollUrl, "--code", second, "--ca-file", stack.CaFile, "--state-dir", secondDir], new Dictionary<string, string>());
        Assert.True(caFileExit == 0, caFileOutput);
    }

    private static Task<(int ExitCode, string Output)> Enroll(ProcessStack stack, string code, string stateDir) =>
        ServiceProcess.RunAsync(ProcessStack.Agent, ["enroll", "--url", stack.EnrollUrl, "--code", code, "--state-dir", stateDir], new Dictionary<string, string>());
}
