namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>What may be shown about a key: never its secret nor the secret's digest.</summary>
public sealed record ApiKeyInfo(string KeyId, ApiKeyRole Role, string? TenantId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt);
