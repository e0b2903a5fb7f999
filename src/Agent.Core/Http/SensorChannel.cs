using System.Net.Security;
using RavenXcope.Common;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>How a <see cref="SensorChannel"/> connects.</summary>
public sealed record SensorChannelOptions
{
    /// <summary>
    /// The gateway's name for TLS when the URL is an address: .NET sends no server name for an IP address and then
    /// keeps no session to resume, so a reconnect is a full handshake. Null: the URL's host.
    /// </summary>
    public string? TlsServerName { get; init; }

    /// <summary>Whether a new connection may resume an earlier TLS session (TLS 1.3 tickets).</summary>
    public bool TlsResume { get; init; } = true;

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock the request timeouts run on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// The mTLS sensor API for one identity: one HttpClient over one SocketsHttpHandler that holds at most one
/// connection, kept alive between requests, so that heartbeats, renewals and credential requests cost a request
/// each and not a handshake. A connection the gateway closed is opened again on the next request (resuming the TLS
/// session where .NET can, see <see cref="SensorChannelOptions.TlsServerName"/>). Thread-safe; requests made at
/// the same time queue for the connection.
/// </summary>
public sealed class SensorChannel : IDisposable
{
    private readonly ControlPlaneClient _client;

    /// <summary>A channel to <paramref name="baseUrl"/> presenting <paramref name="identity"/> (not owned).</summary>
    public SensorChannel(Uri baseUrl, SensorIdentity identity, SensorChannelOptions? options = null)
    {
        options ??= new SensorChannelOptions();
        var ssl = new SslClientAuthenticationOptions
        {
            ClientCertificateContext = identity.CertificateContext,
            AllowTlsResume = options.TlsResume,
        }.TrustOnly(identity.Ca, checkName: true);
        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            MaxConnectionsPerServer = 1,

            // Longer than any heartbeat interval, so that the gateway's keep-alive timeout decides when an idle
            // connection ends; renewed after an hour so that a gateway address change is followed.
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = TimeSpan.FromHours(1),
        };
        _client = new ControlPlaneClient(baseUrl, handler, options.TlsServerName, options.Timeout, options.Time);
    }

    /// <summary>One heartbeat: reports the agent's and trust state, gets the renewal generation and interval back.</summary>
    public Task<Answer<HeartbeatResponse>> HeartbeatAsync(string agentState, string trustState, CancellationToken cancellationToken) =>
        _client.PostAsync(
            "/sensor/v1/heartbeat", new HeartbeatRequest(agentState, trustState, HostInfo.Version), ProtocolJson.Default.HeartbeatRequest, ProtocolJson.Default.HeartbeatResponse, cancellationToken);

    /// <summary>Asks for a certificate for a new key (the CSR's).</summary>
    public Task<Answer<RenewResponse>> RenewAsync(string csrPem, CancellationToken cancellationToken) =>
        _client.PostAsync("/sensor/v1/renew", new RenewRequest(csrPem), ProtocolJson.Default.RenewRequest, ProtocolJson.Default.RenewResponse, cancellationToken);

    /// <summary>Asks for a NATS user JWT for a user key made here (only its public key is sent).</summary>
    public Task<Answer<NatsCredentialsResponse>> NatsCredentialsAsync(string userPublicKey, CancellationToken cancellationToken) =>
        _client.PostAsync(
            "/sensor/v1/nats-credentials", new NatsCredentialsRequest(userPublicKey), ProtocolJson.Default.NatsCredentialsRequest, ProtocolJson.Default.NatsCredentialsResponse, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
