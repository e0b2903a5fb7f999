using RavenXcope.Gateway.Security;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Protocol.Problems;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Gateway.Api;

/// <summary>What an API key change answered: a value, or the problem to answer with.</summary>
public sealed record ApiKeyOutcome<T>(T? Value, ProblemCode? Problem, string? Detail)
{
    /// <summary>Done.</summary>
    public static ApiKeyOutcome<T> Done(T value) => new(value, null, null);

    /// <summary>Refused with <paramref name="problem"/>.</summary>
    public static ApiKeyOutcome<T> Refused(ProblemCode problem, string detail) => new(default, problem, detail);
}

/// <summary>
/// Creating, listing and revoking API keys with their rules (role, tenant scope, tenant existence, expiry) and their
/// audit, for the API routes and the console alike, so that neither can allow or record what the other would not.
/// The caller's role is checked by each (the route's filter, the console's page); the tenant scope is checked here.
/// </summary>
public sealed partial class ApiKeyAdministration(ApiKeyStore store, IClusterClient cluster, AuditTrail audit, TimeProvider time, ILogger<ApiKeyAdministration> logger)
{
    /// <summary>Creates a key of <paramref name="roleText"/> for <paramref name="tenantId"/> (the caller's own tenant when null).</summary>
    public async Task<ApiKeyOutcome<CreatedApiKey>> CreateAsync(OperatorCaller caller, string? roleText, string? tenantId, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        if (!ApiKeyRoles.TryParse(roleText, out var role))
        {
            return ApiKeyOutcome<CreatedApiKey>.Refused(ProblemCodes.InvalidRole, "role must be admin, operator or reader");
        }

        tenantId ??= caller.TenantId;
        if (await TenantHiddenAsync(caller, tenantId, cancellationToken))
        {
            return ApiKeyOutcome<CreatedApiKey>.Refused(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist");
        }

        expiresAt = expiresAt?.ToUniversalTime();
        if (expiresAt is { } expiry && expiry <= time.GetUtcNow())
        {
            return ApiKeyOutcome<CreatedApiKey>.Refused(ProblemCodes.InvalidExpiry, "expiresAt must lie in the future");
        }

        var (apiKey, identity) = await store.CreateAsync(role, tenantId, expiresAt, cancellationToken);
        var roleName = ApiKeyRoles.Name(role);
        var detail = expiresAt is { } at ? $"{roleName}, expires {at:O}" : roleName;
        await RecordAsync(caller, tenantId, "api_key.create", "created", identity.KeyId, detail, cancellationToken);
        return ApiKeyOutcome<CreatedApiKey>.Done(new CreatedApiKey(apiKey, identity.KeyId, roleName, tenantId, expiresAt));
    }

    /// <summary>A page of the keys that are not revoked: the caller's tenant's, or for a global caller one tenant's or (null) all.</summary>
    public async Task<ApiKeyOutcome<ApiKeyPage>> ListAsync(OperatorCaller caller, string? tenantId, string? after, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return ApiKeyOutcome<ApiKeyPage>.Refused(ProblemCodes.InvalidLimit, "limit must be between 1 and 500");
        }

        if (after is not null && !ApiKeyStore.IsKeyId(after))
        {
            return ApiKeyOutcome<ApiKeyPage>.Refused(ProblemCodes.InvalidCursor, "after must be the nextCursor of a previous page (a key id)");
        }

        if (await TenantHiddenAsync(caller, tenantId, cancellationToken))
        {
            return ApiKeyOutcome<ApiKeyPage>.Refused(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist");
        }

        var (items, next) = await store.ListAsync(caller.TenantId ?? tenantId, after, limit, cancellationToken);
        return ApiKeyOutcome<ApiKeyPage>.Done(new ApiKeyPage(items.Select(ApiKeyListItem.From).ToList(), next));
    }

    /// <summary>Revokes a key the caller may see; true when it did.</summary>
    public async Task<ApiKeyOutcome<bool>> RevokeAsync(OperatorCaller caller, string? keyId, CancellationToken cancellationToken)
    {
        // The id is never echoed: a whole key pasted in its place would put its secret into the answer.
        if (keyId is not null && keyId.StartsWith("rxck_", StringComparison.Ordinal))
        {
            return ApiKeyOutcome<bool>.Refused(ProblemCodes.InvalidKeyId, "give the key id (the 12 characters after 'rxck_'), not the key itself");
        }

        // One conditional update: a second revoke, another tenant's key and an unknown id all find no row (404); an id
        // not shaped like one never reaches SQL.
        if (!ApiKeyStore.IsKeyId(keyId) || await store.RevokeAsync(keyId!, caller.TenantId, cancellationToken) is not { } revoked)
        {
            return ApiKeyOutcome<bool>.Refused(ProblemCodes.ApiKeyNotFound, "no API key has this id, or it is already revoked");
        }

        await RecordAsync(caller, revoked.TenantId, "api_key.revoke", "revoked", revoked.KeyId, ApiKeyRoles.Name(revoked.Role), cancellationToken);
        return ApiKeyOutcome<bool>.Done(true);
    }

    // A tenant the caller may not see is answered as one that does not exist.
    private async Task<bool> TenantHiddenAsync(OperatorCaller caller, string? tenantId, CancellationToken cancellationToken) =>
        tenantId is not null && (!caller.CanAccessTenant(tenantId) || !await OperatorApi.TenantExistsAsync(tenantId, cluster, cancellationToken));

    private Task RecordAsync(OperatorCaller caller, string? tenantId, string action, string change, string keyId, string detail, CancellationToken cancellationToken)
    {
        if (tenantId is not null)
        {
            return audit.RecordAsync(tenantId, new AuditEvent(caller.Actor, action, $"apikey:{keyId}", "done", detail), cancellationToken);
        }

        // A global key belongs to no tenant's audit chain; the log keeps the record instead.
        LogGlobalKey(logger, change, keyId, caller.Actor, detail);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Global API key {KeyId} {Change} by {Actor} ({Detail})")]
    private static partial void LogGlobalKey(ILogger logger, string change, string keyId, string actor, string detail);
}
