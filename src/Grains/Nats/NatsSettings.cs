namespace RavenXcope.Grains.Nats;

/// <summary>
/// The control bus, as the silo sees it. The environment names are those of the NATS provisioner whose routes the
/// gateway keeps (<c>NATS_URL</c>, <c>OPERATOR_SEED_PATH</c>, <c>ACCOUNT_SEED_ENCRYPTION_KEY</c>,
/// <c>COMMAND_STREAM_NAME</c>). When <see cref="OperatorSeedPath"/> is empty the control bus is off: tenants stay
/// <c>pending</c> and say why.
/// </summary>
public sealed class NatsSettings
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Nats";

    /// <summary>The NATS server the silo connects to.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>The NATS URL handed to agents (defaults to <see cref="Url"/>).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The operator's seed (made by <c>ravenxcope-silo init-operator</c>); mode 0600.</summary>
    public string OperatorSeedPath { get; set; } = string.Empty;

    /// <summary>Credentials of the SYS account user that pushes account updates; mode 0600.</summary>
    public string SystemUserCredsPath { get; set; } = string.Empty;

    /// <summary>The SYS account's JWT (served by the gateway's resolver).</summary>
    public string SystemAccountJwtPath { get; set; } = string.Empty;

    /// <summary>Base64 of 32 bytes: AES-256-GCM key for account seeds at rest.</summary>
    public string AccountSeedEncryptionKey { get; set; } = string.Empty;

    /// <summary>The per-tenant command stream.</summary>
    public string CommandStreamName { get; set; } = "RXC_CMD";

    /// <summary>Period of the reconcile reminder of each tenant, seconds (Orleans' floor is 60 unless lowered).</summary>
    public int ReconcileSeconds { get; set; } = 60;

    /// <summary>Lifetime of sensor user JWTs, hours (they are renewed through the mTLS API).</summary>
    public int SensorUserTtlHours { get; set; } = 24;

    /// <summary>
    /// The longest any single operation on NATS may take, seconds (a publish, a consumer change, an account push).
    /// Nothing that holds a grain's turn waits on NATS; this bounds the background work and the health probe.
    /// </summary>
    public int OperationTimeoutSeconds { get; set; } = 5;

    /// <summary><see cref="OperationTimeoutSeconds"/> as a span (at least one second).</summary>
    public TimeSpan OperationTimeout => TimeSpan.FromSeconds(Math.Max(1, OperationTimeoutSeconds));

    /// <summary>True when the control bus is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(OperatorSeedPath);
}
