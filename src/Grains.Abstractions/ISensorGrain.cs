using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>A sensor: lifecycle, certificates and trust. Key: <see cref="Identifiers.SensorKey"/>.</summary>
[Alias("RavenXcope.ISensorGrain")]
public interface ISensorGrain : IGrainWithStringKey
{
    /// <summary>Registers the sensor in its (existing) tenant; the same call again returns it unchanged.</summary>
    Task<Result<SensorSnapshot>> RegisterAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The sensor, or null when it does not exist.</summary>
    Task<SensorSnapshot?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>For the Orleans Dashboard's grain details: the same side-effect-free snapshot, no secrets.</summary>
    Task<SensorSnapshot?> GetState();

    /// <summary>Issues a claim code bound to this sensor; the code is returned once and never stored.</summary>
    Task<Result<IssuedClaimCode>> CreateClaimCodeAsync(TimeSpan? lifetime, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues the first certificate; called by the claim-code grain after it checked the CSR (signature
    /// included) and recorded the redemption. Checks everything of the CSR again but its signature.
    /// </summary>
    Task<Result<IssuedCertificate>> EnrollAsync(string csrPem, string claimCodeDigest, HostMetadata host, CancellationToken cancellationToken = default);

    /// <summary>Suspends the sensor (reversible).</summary>
    Task<Result<SensorSnapshot>> DisableAsync(CancellationToken cancellationToken = default);

    /// <summary>Lifts a suspension.</summary>
    Task<Result<SensorSnapshot>> EnableAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the sensor for good.</summary>
    Task<Result<SensorSnapshot>> RevokeAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the agent to renew on its next heartbeat (bumps the renewal generation).</summary>
    Task<Result<SensorSnapshot>> RequestRenewalAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks a certificate presented on the mTLS port. Never cached: a revoke applies to the next request. It reads
    /// memory only and runs between the turns of other calls (interleaved), so that a slow call (a revoke waiting for
    /// nats-server) does not hold the sensor's requests: they see its state as soon as it is set.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CertificateVerdict> CheckCertificateAsync(string serial, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a heartbeat (in memory) and answers with the trust state and renewal generation. Interleaved, as
    /// <see cref="CheckCertificateAsync"/>: it never awaits, and leaves a trust change it notices to <see cref="RefreshTrustAsync"/>.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<Result<HeartbeatReply>> HeartbeatAsync(SensorHeartbeat heartbeat, CancellationToken cancellationToken = default);

    /// <summary>Persists the trust state that the clock has moved to, if it moved (a turn of its own; sent one-way).</summary>
    [Orleans.Concurrency.OneWay]
    Task RefreshTrustAsync();

    /// <summary>Issues a new certificate for a new key; the previous one stays accepted for the overlap.</summary>
    Task<Result<IssuedCertificate>> RenewAsync(string presentedSerial, string csrPem, CancellationToken cancellationToken = default);

    /// <summary>NATS credentials for the key the agent made, checked against the presented certificate.</summary>
    Task<Result<SensorNatsCredentials>> IssueNatsCredentialsAsync(string presentedSerial, string userPublicKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a command and returns its ledger entry at once; the grain publishes it to the sensor's stream in the
    /// background (command id as Nats-Msg-Id), so the call never waits on NATS.
    /// </summary>
    Task<Result<CommandSnapshot>> SubmitCommandAsync(CommandType type, string? idempotencyKey, TimeSpan? lifetime, CancellationToken cancellationToken = default);

    /// <summary>One ledger entry, or null.</summary>
    Task<CommandSnapshot?> GetCommandAsync(string commandId, CancellationToken cancellationToken = default);

    /// <summary>The command ledger, newest first: the last commands the ledger keeps, each with its state and times; null when the sensor does not exist.</summary>
    Task<CommandSnapshot[]?> ListCommandsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A status message from the agent (via the bridge): liveness and Suricata in memory; the ledger on change.
    /// Returns the command ids whose reported outcome is now stored, which the agent may then forget.
    /// </summary>
    Task<string[]> RecordStatusAsync(SensorStatusReport status, CancellationToken cancellationToken = default);

    /// <summary>Stores the PubAcks the grain's background publisher received (a turn of its own; sent one-way).</summary>
    [Orleans.Concurrency.OneWay]
    Task RecordPublishedAsync();
}
