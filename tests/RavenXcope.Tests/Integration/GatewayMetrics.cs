namespace RavenXcope.Tests.Integration;

/// <summary>
/// What the gateway's <c>/metrics</c> says about the sensor port, read from another process: TLS handshakes
/// on the mTLS port (Kestrel's <c>kestrel.tls_handshake.duration</c> histogram, one sample per handshake) and
/// heartbeats answered (ASP.NET Core's <c>http.server.request.duration</c> for the heartbeat route).
/// </summary>
/// <param name="TlsHandshakes">Handshakes completed on the mTLS port.</param>
/// <param name="Heartbeats">Heartbeat requests answered.</param>
/// <param name="OpenConnections">Connections open on the mTLS port now.</param>
internal sealed record GatewayMetrics(double TlsHandshakes, double Heartbeats, double OpenConnections)
{
    /// <summary>Scrapes the stack's gateway once.</summary>
    public static async Task<GatewayMetrics> ReadAsync(ProcessStack stack)
    {
        var text = await stack.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var port = $"server_port=\"{new Uri(stack.SensorUrl).Port}\"";
        return new GatewayMetrics(
            PrometheusText.Sum(text, "kestrel_tls_handshake_duration_seconds_count", port) ?? 0,
            PrometheusText.Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/sensor/v1/heartbeat\"") ?? 0,
            PrometheusText.Sum(text, "kestrel_active_connections", port) ?? 0);
    }

    /// <summary>Waits until the gateway has answered at least <paramref name="count"/> heartbeats.</summary>
    public static Task<GatewayMetrics> HeartbeatsAsync(ProcessStack stack, double count, ServiceProcess agent) =>
        Eventually.WaitAsync<GatewayMetrics>(
            async () => await ReadAsync(stack),
            m => m!.Heartbeats >= count,
            $"{count} heartbeats answered by the gateway (agent:\n{agent.Output})",
            TimeSpan.FromSeconds(90));
}
