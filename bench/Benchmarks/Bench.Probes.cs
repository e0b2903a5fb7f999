using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using NATS.Client.Core;
using RavenXcope.Agent;
using RavenXcope.FleetSim;

namespace RavenXcope.Benchmarks;

/// <summary>Where the time and memory go (/proc), the stack's counters, and small statistics.</summary>
public sealed partial class Bench
{
    private async Task<NatsConnection> ControlConnectionAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backend-user") { Content = JsonContent.Create(new { tenantId = _tenant }) };
        request.Headers.Add("X-Backend-Shared-Secret", target.BackendSecret);
        using var response = await _api.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var creds = (await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken)).GetProperty("creds").GetString()!;
        var path = Path.Combine(Path.GetTempPath(), $"rxc-bench-{Environment.ProcessId}.creds");
        RavenXcope.Common.SecretFiles.WriteAtomically(path, creds, secret: true);
        // Subscriptions wait instead of dropping when their channel is full, as the silo's bridge does: a floor
        // that drops messages never counts them all.
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = (NatsCredentialsFile.Load(_fleet.Sensors[0].Directory, DateTimeOffset.MinValue) ?? throw new InvalidOperationException("the first agent keeps no NATS credentials")).NatsUrl,
            AuthOpts = NatsAuthOpts.Default with { CredsFile = path },
            SubPendingChannelCapacity = 16 * 1024,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        await connection.ConnectAsync();
        File.Delete(path);
        return connection;
    }

    private async Task<string?> LastStatusAtAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        using var response = await _api.GetAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("lastStatusAt").ToString();
    }

    private async Task<double> RoutedAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(target.SiloMetrics, cancellationToken);
        return text.Split('\n')
            .Where(l => l.StartsWith("rxc_status_messages_total{", StringComparison.Ordinal) && l.Contains("result=\"routed\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private (long Silo, long Nats, long Pg) Memory()
    {
        // PostgreSQL's processes share their buffers: proportional set size, not RSS, or each would count them whole.
        var pg = ProcessProbe.Pss(target.PgPid) + ProcessProbe.Children(target.PgPid).Sum(ProcessProbe.Pss);
        return (ProcessProbe.StatusBytes(target.SiloPid, "VmRSS"), ProcessProbe.StatusBytes(target.NatsPid, "VmRSS"), pg);
    }

    // CPU microseconds per unit of work since `before`, by process: where a benchmark's time goes.
    private string CpuMicrosecondsPer(double[] before, long units)
    {
        var spent = CpuSince(before);
        return string.Join(", ", CpuNames.Select((name, i) => $"{name} {PerUnit(spent, i, units)}"));
    }

    private static double PerUnit(double[] spent, int process, long units) => Math.Round(spent[process] * 1e6 / Math.Max(1, units));

    // CPU seconds so far of silo, gateway, nats-server, PostgreSQL and the load generator (CpuNames): this process
    // and the second fleet's. PostgreSQL's work is done in backends under the postmaster: its tree is counted.
    private double[] Cpu() =>
        [ProcessProbe.CpuSeconds(target.SiloPid) ?? 0, ProcessProbe.CpuSeconds(target.GatewayPid) ?? 0, ProcessProbe.CpuSeconds(target.NatsPid) ?? 0,
         ProcessProbe.TreeCpuSeconds(target.PgPid) ?? 0,
         (ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0) + (_second is { } second ? ProcessProbe.CpuSeconds(second.Pid) ?? 0 : 0)];

    private double[] CpuSince(double[] before) => [.. Cpu().Select((c, i) => c - before[i])];

    private static double P99(List<double> values) => Quantile(values, 0.99);

    private static double P50(List<double> values) => Quantile(values, 0.50);

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)], 3);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
