using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;
using RavenXcope.Common;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Benchmarks;

/// <summary>4a, 4b, 4c and 7b: heartbeats over mTLS, against a bare Kestrel mTLS endpoint.</summary>
public sealed partial class Bench
{
    // 4 and 7. Heartbeats over mTLS: the gateway vs a bare Kestrel mTLS endpoint on the same certificates.
    private async Task HeartbeatsAsync(CancellationToken cancellationToken)
    {
        var pki = Path.GetDirectoryName(target.CaFile)!;
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(target.CaFile, cancellationToken));
        using var serverCert = X509Certificate2.CreateFromPemFile(Path.Combine(pki, "gateway.cert.pem"), Path.Combine(pki, "gateway.key.pem"));
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCert,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (c, chain, errors) => PrivateCa.Accepts(ca, c, chain, errors, PrivateCa.ClientAuthentication),
            OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = PrivateCa.Policy(ca, PrivateCa.ClientAuthentication),
        })));
        await using var bare = builder.Build();
        var answer = new HeartbeatResponse("trusted", 0, 30, DateTimeOffset.UtcNow.AddDays(30), RenewNow: false);
        bare.MapPost("/sensor/v1/heartbeat", () => Microsoft.AspNetCore.Http.Results.Ok(answer));
        await bare.StartAsync(cancellationToken);
        var bareUrl = new Uri($"https://127.0.0.1:{port}");

        // The identities of 32 agents, read from their state directories once, before the windows.
        var identities = _fleet.Sensors.Skip(1).Take(32).Select(s => SensorIdentity.Load(s.Directory)).ToList();
        var agent = new SensorChannelOptions { TlsServerName = _fleet.AgentOptions.TlsServerName };
        var full = new SensorChannelOptions { TlsResume = false };
        var resumed = new SensorChannelOptions { TlsServerName = _fleet.AgentOptions.TlsServerName ?? "localhost" };
        var writesBefore = await QuietWritesAsync(cancellationToken);
        var tablesBefore = await WritesByTableAsync(cancellationToken);
        var windowStart = DateTimeOffset.UtcNow;
        await log.WriteLineAsync("bench: 4a heartbeats on kept-alive connections for 5 s");
        var cpuBefore = Cpu();
        var systemKept = await LoadAsync(identities, target.Sensor, agent, reuse: true, TimeSpan.FromSeconds(5), cancellationToken);
        var perRequest = CpuMicrosecondsPer(cpuBefore, systemKept.Count);
        await Task.Delay(StatisticsFlush, cancellationToken);
        var (writes, tables) = await WindowWritesAsync(writesBefore, tablesBefore, cancellationToken);
        tables += "; grain states written: " + await StatesWrittenSinceAsync(windowStart, cancellationToken);
        var floorKept = await LoadAsync(identities, bareUrl, agent, reuse: true, TimeSpan.FromSeconds(5), cancellationToken);
        await log.WriteLineAsync("bench: 4b/4c heartbeats on a new connection each, full handshakes and resumed sessions");
        cpuBefore = Cpu();
        var systemNew = await LoadAsync(identities, target.Sensor, full, reuse: false, TimeSpan.FromSeconds(5), cancellationToken);
        var fullCpu = CpuSince(cpuBefore);
        var floorNew = await LoadAsync(identities, bareUrl, full, reuse: false, TimeSpan.FromSeconds(5), cancellationToken);
        // Each client's first connection is a full handshake that leaves a session to resume: made before the window.
        await LoadAsync(identities, target.Sensor, resumed, reuse: false, TimeSpan.Zero, cancellationToken);
        cpuBefore = Cpu();
        var systemResumed = await LoadAsync(identities, target.Sensor, resumed, reuse: false, TimeSpan.FromSeconds(5), cancellationToken);
        var resumedCpu = CpuSince(cpuBefore);
        await bare.StopAsync(cancellationToken);
        identities.ForEach(i => i.Dispose());
        var fullGateway = PerUnit(fullCpu, GatewayCpu, systemNew.Count);
        var resumedGateway = PerUnit(resumedCpu, GatewayCpu, systemResumed.Count);

        Add("4a", "Heartbeats, kept-alive mTLS", "req/s", Math.Round(systemKept.Rate), Math.Round(floorKept.Rate), higherIsBetter: true, goal: 0.5,
            goalText: "≥ 0.5", note: $"32 sensors, one kept-alive channel each (the agent's SensorChannel, as its heartbeat loop uses it), 5 s; {systemKept.Errors} errors; every request asks the sensor grain (revocation check); CPU µs per request: {perRequest}");
        Add("4b", "Heartbeats, a new mTLS connection per request", "req/s", Math.Round(systemNew.Rate), Math.Round(floorNew.Rate), higherIsBetter: true, goal: 0.8,
            goalText: "≥ 0.8", note: $"32 sensors, a new agent channel per request: full handshakes (TLS 1.3, ECDSA P-256, no session resumption) on both; {systemNew.Errors} errors; CPU µs per connection: gateway {fullGateway}, load generator {PerUnit(fullCpu, LoadCpu, systemNew.Count)}");
        Add("4c", "Reconnect cost with TLS session resumption vs a full handshake (gateway CPU per connection)", "µs", resumedGateway, fullGateway, higherIsBetter: false, goal: 1 / 3.0,
            goalText: "≤ 0.333 (3× cheaper)", note: $"a new agent channel per heartbeat, 5 s each, resuming (named server, one TLS context per identity) or not: resumed {Math.Round(systemResumed.Rate)} req/s vs full {Math.Round(systemNew.Rate)} req/s, {systemResumed.Errors} errors; load generator CPU µs per connection {PerUnit(resumedCpu, LoadCpu, systemResumed.Count)} vs {PerUnit(fullCpu, LoadCpu, systemNew.Count)}; silo {PerUnit(resumedCpu, SiloCpu, systemResumed.Count)} vs {PerUnit(fullCpu, SiloCpu, systemNew.Count)}");
        Add("7b", "Database writes per heartbeat", "rows/req", Math.Round(Math.Max(0, writes) / Math.Max(1, systemKept.Count), 4), 0, higherIsBetter: false, goal: null,
            goalText: "0", note: $"{systemKept.Count} heartbeats; rows in our tables (pg_stat_user_tables) from a quiet database until its counters are flushed; by table: {tables}", absolute: writes / Math.Max(1, systemKept.Count) < 0.001);
    }

    // A zero duration makes one request per client. Each client is the agent's own channel (Agent.Core) for one
    // sensor's identity: kept for the whole window with reuse, a new one (a new connection) per request without.
    private static async Task<(double Rate, long Count, long Errors)> LoadAsync(IReadOnlyList<SensorIdentity> clients, Uri url, SensorChannelOptions options, bool reuse, TimeSpan duration, CancellationToken cancellationToken)
    {
        long count = 0, errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(identity => Task.Run(async () =>
        {
            var channel = new SensorChannel(url, identity, options);
            var first = true;
            try
            {
                while (first || Stopwatch.GetTimestamp() < until)
                {
                    first = false;
                    if (!reuse)
                    {
                        channel.Dispose();
                        channel = new SensorChannel(url, identity, options);
                    }

                    var answer = await channel.HeartbeatAsync("running", "trusted", cancellationToken);
                    Interlocked.Increment(ref answer.IsSuccess ? ref count : ref errors);
                }
            }
            finally
            {
                channel.Dispose();
            }
        }, cancellationToken)));
        return (count / Stopwatch.GetElapsedTime(started).TotalSeconds, count, errors);
    }
}
