namespace RavenXcope.Grains.State;

/// <summary>Persisted state of a tenant grain.</summary>
[GenerateSerializer, Alias("RavenXcope.TenantState")]
public sealed class TenantState
{
    /// <summary>False until created.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Tenant id.</summary>
    [Id(1)] public string TenantId { get; set; } = string.Empty;

    /// <summary>Display name.</summary>
    [Id(2)] public string Name { get; set; } = string.Empty;

    /// <summary>Creation time.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether the tenant's NATS account is in place.</summary>
    [Id(4)] public Model.NatsAccountStatus AccountStatus { get; set; }

    /// <summary>The account's public key.</summary>
    [Id(5)] public string? AccountPublicKey { get; set; }

    /// <summary>The account's seed, sealed with AES-256-GCM (never stored in clear).</summary>
    [Id(6)] public string? AccountSealedSeed { get; set; }

    /// <summary>The current account JWT.</summary>
    [Id(7)] public string? AccountJwt { get; set; }

    /// <summary>Revoked user keys → unix seconds (JWTs issued at or before are refused).</summary>
    [Id(8)] public Dictionary<string, long> Revocations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The control user's public key.</summary>
    [Id(9)] public string? ControlUserPublicKey { get; set; }

    /// <summary>The control user's seed, sealed.</summary>
    [Id(10)] public string? ControlUserSealedSeed { get; set; }

    /// <summary>The control user's JWT.</summary>
    [Id(11)] public string? ControlUserJwt { get; set; }

    /// <summary>When the account was first provisioned.</summary>
    [Id(12)] public DateTimeOffset? ProvisionedAt { get; set; }

    /// <summary>Sensors whose command consumer must still be deleted from NATS (after a revoke), retried until done.</summary>
    [Id(13)] public List<string> PendingConsumerDeletions { get; set; } = [];

    /// <summary>The shape of the control user's permissions its JWT was signed with (older ones are signed again).</summary>
    [Id(14)] public int ControlUserPermissionsVersion { get; set; }
}
