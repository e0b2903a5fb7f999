using RavenXcope.Protocol.Problems;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Gateway.Security;

/// <summary>
/// The least role each operator action needs, for the API (per route) and the console (per button and per form
/// post) alike: one table, so a page can never allow what the API refuses.
/// </summary>
public static class OperatorPermissions
{
    /// <summary>Tenants, accounts, keys, the final and the reversible stops of a sensor.</summary>
    public const ApiKeyRole CreateTenant = ApiKeyRole.Admin, ManageApiKeys = ApiKeyRole.Admin, ManageAccounts = ApiKeyRole.Admin,
        DisableSensor = ApiKeyRole.Admin, EnableSensor = ApiKeyRole.Admin, RevokeSensor = ApiKeyRole.Admin;

    /// <summary>Registering sensors and running them.</summary>
    public const ApiKeyRole CreateSensor = ApiKeyRole.Operator, CreateClaimCode = ApiKeyRole.Operator,
        RequestRenewal = ApiKeyRole.Operator, SubmitCommand = ApiKeyRole.Operator;

    /// <summary>Every read.</summary>
    public const ApiKeyRole Read = ApiKeyRole.Reader;
}

/// <summary>Who is asking: an API key or a console account, with the role and tenant scope both kinds carry.</summary>
/// <param name="Actor">As the audit chain names it: <c>apikey:&lt;id&gt;</c> or <c>user:&lt;name&gt;</c>.</param>
/// <param name="Role">What it may do.</param>
/// <param name="TenantId">The only tenant it may see; null for every tenant.</param>
public sealed record OperatorCaller(string Actor, ApiKeyRole Role, string? TenantId)
{
    /// <summary>True when the caller may see <paramref name="tenantId"/>.</summary>
    public bool CanAccessTenant(string tenantId) => TenantId is null || TenantId == tenantId;

    /// <summary>True when the caller's role is at least <paramref name="role"/>.</summary>
    public bool HasRole(ApiKeyRole role) => Role >= role;

    /// <summary>
    /// Why the caller may not do what needs <paramref name="required"/> on <paramref name="tenantId"/> (null: no tenant
    /// involved), or null when it may. Another tenant is not found rather than forbidden: its existence is not told.
    /// </summary>
    public (ProblemCode Code, string Detail)? Refusal(string? tenantId, ApiKeyRole required) =>
        tenantId is not null && !CanAccessTenant(tenantId) ? (ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist")
        : !HasRole(required) ? (ProblemCodes.Forbidden, $"this needs the {ApiKeyRoles.Name(required)} role")
        : null;
}
