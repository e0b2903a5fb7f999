namespace RavenXcope.Agent;

/// <summary>How one agent runs (<c>ravenxcope-sensor run</c> fills it from its command line).</summary>
public sealed record AgentOptions
{
    /// <summary>The state directory (key, certificates, trust record, credentials, outcomes).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The runtime directory (Suricata's command socket, the live status), or null for none.</summary>
    public string? RuntimeDirectory { get; init; }

    /// <summary>The mTLS sensor API, instead of the URL recorded at enrollment.</summary>
    public Uri? SensorUrl { get; init; }

    /// <summary>Time between status messages when nothing changes.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The gateway's TLS name when the sensor URL is an address (see <see cref="SensorChannelOptions.TlsServerName"/>).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>
    /// Divides the heartbeat interval the control plane asks for. 1 for an agent on a host; the fleet simulator runs
    /// a fleet faster than real time with it.
    /// </summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>
    /// Size of the NATS connection's read and write buffers, or null for NATS.Net's defaults. A sensor sends a few
    /// hundred bytes at a time; a process holding thousands of agents (the simulator) gives them less.
    /// </summary>
    public int? NatsBufferBytes { get; init; }
}
