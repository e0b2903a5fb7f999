namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>A verified API key: its id (safe to log), role, and the tenant it is scoped to (null: global).</summary>
public sealed record ApiKeyIdentity(string KeyId, ApiKeyRole Role, string? TenantId)
{
    /// <summary>True when the key may act on <paramref name="tenantId"/>.</summary>
    public bool CanAccessTenant(string tenantId) => TenantId is null || TenantId == tenantId;

    /// <summary>True when the key's role is at least <paramref name="role"/>.</summary>
    public bool HasRole(ApiKeyRole role) => Role >= role;
}
