using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using NATS.Client.Core;

namespace RavenXcope.FleetSim;

/// <summary>One simulated sensor host: its key and certificate, its NATS user, and what its agent last observed.</summary>
public sealed class VirtualSensor(int index, string tenantId, string sensorId)
{
    /// <summary>Position in the fleet.</summary>
    public int Index { get; } = index;

    public string TenantId { get; } = tenantId;

    public string SensorId { get; } = sensorId;

    public string Key => $"{TenantId}/{SensorId}";

    public ECDsa? PrivateKey { get; set; }

    public X509Certificate2? Identity { get; set; }

    /// <summary>The kept-alive mTLS connection's client (one per sensor: the certificate is per connection).</summary>
    public HttpClient? Mtls { get; set; }

    public NatsCredentials? Credentials { get; set; }

    public string? UserSeed { get; set; }

    public NatsConnection? Connection { get; set; }

    public CancellationTokenSource? Session { get; set; }

    public bool Reconnecting { get; set; }

    public string Observed { get; set; } = "stopped";

    public string? LastCommandId { get; set; }

    public string? LastOutcome { get; set; }

    /// <summary>The last few outcomes, repeated in every status as the agent does.</summary>
    public RavenXcope.Common.RecentOutcomes RecentOutcomes { get; } = new();

    public bool ConfirmedOnline { get; set; }

    /// <summary>
    /// A client for the mTLS port presenting this sensor's certificate and trusting only <paramref name="ca"/>.
    /// With <paramref name="tlsResume"/> a new connection resumes the TLS session of an earlier one, as an agent that
    /// reaches the gateway by name does: .NET keeps client sessions only for a server name (SNI), so a loopback
    /// address is named "localhost" (the Host header sets the name; the connection still goes to the address).
    /// </summary>
    public HttpClient NewMtlsClient(Uri baseUrl, X509Certificate2 ca, bool tlsResume = true)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [Identity!], AllowTlsResume = tlsResume }.TrustOnly(ca),
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (tlsResume && baseUrl.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            client.DefaultRequestHeaders.Host = $"localhost:{baseUrl.Port}";
        }

        return client;
    }
}

/// <summary>What /sensor/v1/nats-credentials answers.</summary>
public sealed record NatsCredentials(string Jwt, string NatsUrl, string InboxPrefix, string Stream, string Consumer, DateTimeOffset ExpiresAt);

/// <summary>What the simulator knows of one command it submitted.</summary>
internal sealed class CommandTrack(string commandId, VirtualSensor target, string type, long submittedAt)
{
    public string CommandId { get; } = commandId;

    public VirtualSensor Target { get; } = target;

    public string Type { get; } = type;

    public long SubmittedAt { get; } = submittedAt;

    public bool Received { get; set; }

    public string? ReportedOutcome { get; set; }

    public string? FinalStatus { get; set; }

    public string? LastSeenStatus { get; set; }
}
