using RavenXcope.Gateway.Api;
using RavenXcope.Gateway.ReadModel;
using RavenXcope.Gateway.Security;
using RavenXcope.Grains;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Protocol.Problems;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>What an action did: a value, or the refusal to show (its problem code and detail, as the API would answer).</summary>
public sealed record ConsoleResult<T>(T? Value, string? Code, string? Error)
{
    /// <summary>True when it was done.</summary>
    public bool Ok => Error is null;

    /// <summary>True when the caller's role or scope refused it.</summary>
    public bool Forbidden => Code == ProblemCodes.Forbidden.Code;
}

/// <summary>
/// Everything the console reads and does, on behalf of a signed-in caller. Each call passes the authorization of
/// the API route that does the same (<see cref="OperatorPermissions"/>, <see cref="OperatorCaller.Refusal"/>), then
/// the same grain method or read-model query with the same validation, and sets the audit actor, so that a change
/// made here is recorded as the user's, as one made with a key is recorded as the key's.
/// </summary>
public sealed class ConsoleActions(IClusterClient cluster, FleetQueries queries, ApiKeyAdministration apiKeys)
{
    /// <summary>The fleet overview the caller may see: its tenant, or for a global caller one tenant or (null) all.</summary>
    public Task<FleetOverview> OverviewAsync(OperatorCaller caller, string? tenantId, CancellationToken cancellationToken) =>
        queries.OverviewAsync(caller.TenantId ?? tenantId, 20, cancellationToken);

    /// <summary>The tenants the caller may see.</summary>
    public async Task<IReadOnlyList<TenantListItem>> TenantsAsync(OperatorCaller caller, CancellationToken cancellationToken) =>
        (await queries.ListTenantsAsync(caller.TenantId, null, 500, cancellationToken)).Items;

    /// <summary>A page of a tenant's sensors.</summary>
    public async Task<ConsoleResult<SensorPage>> SensorsAsync(OperatorCaller caller, string tenantId, SensorFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        if (Refuse<SensorPage>(caller, tenantId, OperatorPermissions.Read) is { } refused)
        {
            return refused;
        }

        if (after is not null && !Identifiers.IsValid(after))
        {
            after = null;
        }

        return Done(await queries.ListSensorsAsync(tenantId, filter, after, limit, cancellationToken));
    }

    /// <summary>A sensor and its command ledger (newest first), in two calls to its grain.</summary>
    public async Task<ConsoleResult<(SensorSnapshot Sensor, CommandSnapshot[] Commands)>> SensorAsync(OperatorCaller caller, string tenantId, string sensorId, CancellationToken cancellationToken)
    {
        if (Refuse<(SensorSnapshot, CommandSnapshot[])>(caller, tenantId, OperatorPermissions.Read) is { } refused)
        {
            return refused;
        }

        var grain = Identifiers.IsValid(tenantId) && Identifiers.IsValid(sensorId) ? cluster.Sensor(tenantId, sensorId) : null;
        var sensor = grain is null ? null : await grain.GetAsync(cancellationToken);
        if (sensor is null)
        {
            return new(default, ProblemCodes.SensorNotFound.Code, $"sensor {sensorId} does not exist");
        }

        return Done((sensor, await grain!.ListCommandsAsync(cancellationToken) ?? []));
    }

    /// <summary>A page of the tenant's audit chain.</summary>
    public async Task<ConsoleResult<AuditPage>> AuditAsync(OperatorCaller caller, string tenantId, AuditFilter filter, long after, int limit, CancellationToken cancellationToken) =>
        Refuse<AuditPage>(caller, tenantId, OperatorPermissions.Read) ?? Done(await queries.AuditAsync(tenantId, filter, Math.Max(0, after), limit, cancellationToken));

    /// <summary>The verifier's verdict on the page <see cref="AuditAsync"/> shows, computed in the silo (which alone holds the key).</summary>
    public async Task<ConsoleResult<AuditVerdict>> VerifyAuditAsync(OperatorCaller caller, string tenantId, AuditFilter filter, long after, int limit, CancellationToken cancellationToken) =>
        Refuse<AuditVerdict>(caller, tenantId, OperatorPermissions.Read)
        ?? (Identifiers.IsValid(tenantId)
            ? Done(await cluster.GetGrain<IAuditGrain>(Identifiers.AuditKey(tenantId)).VerifyPageAsync(filter, Math.Max(0, after), limit, cancellationToken))
            : new(default, ProblemCodes.TenantNotFound.Code, $"tenant {tenantId} does not exist"));

    /// <summary>The newest audit entries about a sensor.</summary>
    public async Task<ConsoleResult<IReadOnlyList<AuditEntry>>> SensorAuditAsync(OperatorCaller caller, string tenantId, string sensorId, int limit, CancellationToken cancellationToken) =>
        Refuse<IReadOnlyList<AuditEntry>>(caller, tenantId, OperatorPermissions.Read) ?? Done(await queries.SensorAuditAsync(tenantId, sensorId, limit, cancellationToken));

    /// <summary>The API keys that are not revoked the caller may manage (its tenant's, or every key for a global admin).</summary>
    public async Task<ConsoleResult<ApiKeyPage>> ApiKeysAsync(OperatorCaller caller, string? after, CancellationToken cancellationToken) =>
        Refuse<ApiKeyPage>(caller, null, OperatorPermissions.ManageApiKeys) ?? Of(await apiKeys.ListAsync(caller, null, after, 500, cancellationToken));

    /// <summary>Creates an API key (its secret shown once by the page that asked).</summary>
    public async Task<ConsoleResult<CreatedApiKey>> CreateApiKeyAsync(OperatorCaller caller, string? role, string? tenantId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        Refuse<CreatedApiKey>(caller, null, OperatorPermissions.ManageApiKeys)
        ?? Of(await apiKeys.CreateAsync(caller, role, string.IsNullOrWhiteSpace(tenantId) ? null : tenantId.Trim(), expiresAt, cancellationToken));

    /// <summary>Revokes an API key the caller may manage.</summary>
    public async Task<ConsoleResult<bool>> RevokeApiKeyAsync(OperatorCaller caller, string? keyId, CancellationToken cancellationToken) =>
        Refuse<bool>(caller, null, OperatorPermissions.ManageApiKeys) ?? Of(await apiKeys.RevokeAsync(caller, keyId?.Trim(), cancellationToken));

    /// <summary>Creates a tenant (a global admin only, as on the API).</summary>
    public async Task<ConsoleResult<TenantSnapshot>> CreateTenantAsync(OperatorCaller caller, string? tenantId, string? name, CancellationToken cancellationToken)
    {
        if (Refuse<TenantSnapshot>(caller, null, OperatorPermissions.CreateTenant) is { } refused)
        {
            return refused;
        }

        if (caller.TenantId is not null)
        {
            return new(default, ProblemCodes.Forbidden.Code, "only a global admin creates tenants");
        }

        if (!Identifiers.IsValid(tenantId))
        {
            return new(default, ProblemCodes.InvalidTenantId.Code, "the tenant id must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        if (OperatorApi.NameRefusal(name) is { } refusal)
        {
            return new(default, ProblemCodes.InvalidName.Code, refusal);
        }

        return Of(await Acting(caller).GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId!)).CreateAsync(name!.Trim(), cancellationToken));
    }

    /// <summary>Registers a sensor.</summary>
    public async Task<ConsoleResult<SensorSnapshot>> CreateSensorAsync(OperatorCaller caller, string tenantId, string? sensorId, string? name, CancellationToken cancellationToken)
    {
        if (Refuse<SensorSnapshot>(caller, tenantId, OperatorPermissions.CreateSensor) is { } refused)
        {
            return refused;
        }

        if (!Identifiers.IsValid(sensorId))
        {
            return new(default, ProblemCodes.InvalidSensorId.Code, "the sensor id must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        if (OperatorApi.NameRefusal(name) is { } refusal)
        {
            return new(default, ProblemCodes.InvalidName.Code, refusal);
        }

        if (!await OperatorApi.TenantExistsAsync(tenantId, cluster, cancellationToken))
        {
            return new(default, ProblemCodes.TenantNotFound.Code, $"tenant {tenantId} does not exist");
        }

        return Of(await Acting(caller).Sensor(tenantId, sensorId!).RegisterAsync(name!.Trim(), cancellationToken));
    }

    /// <summary>Issues a claim code (shown once by the page that asked).</summary>
    public Task<ConsoleResult<IssuedClaimCode>> CreateClaimCodeAsync(OperatorCaller caller, string tenantId, string sensorId, CancellationToken cancellationToken) =>
        OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.CreateClaimCode, g => g.CreateClaimCodeAsync(null, cancellationToken));

    /// <summary>Sends start, stop or restart.</summary>
    public Task<ConsoleResult<CommandSnapshot>> SubmitCommandAsync(OperatorCaller caller, string tenantId, string sensorId, CommandType type, CancellationToken cancellationToken) =>
        OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.SubmitCommand, g => g.SubmitCommandAsync(type, null, null, cancellationToken));

    /// <summary>One of the sensor's lifecycle actions: <c>disable</c>, <c>enable</c>, <c>revoke</c> or <c>renew</c>.</summary>
    public Task<ConsoleResult<SensorSnapshot>> TransitionAsync(OperatorCaller caller, string tenantId, string sensorId, string action, CancellationToken cancellationToken) => action switch
    {
        "disable" => OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.DisableSensor, g => g.DisableAsync(cancellationToken)),
        "enable" => OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.EnableSensor, g => g.EnableAsync(cancellationToken)),
        "revoke" => OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.RevokeSensor, g => g.RevokeAsync(cancellationToken)),
        "renew" => OnSensorAsync(caller, tenantId, sensorId, OperatorPermissions.RequestRenewal, g => g.RequestRenewalAsync(cancellationToken)),
        _ => Task.FromResult(new ConsoleResult<SensorSnapshot>(default, ProblemCodes.InvalidInput.Code, $"no such action: {action}")),
    };

    /// <summary>The least role <paramref name="action"/> of <see cref="TransitionAsync"/> or a command needs, to show its button or not.</summary>
    public static ApiKeyRole RoleFor(string action) => action switch
    {
        "disable" => OperatorPermissions.DisableSensor,
        "enable" => OperatorPermissions.EnableSensor,
        "revoke" => OperatorPermissions.RevokeSensor,
        "renew" => OperatorPermissions.RequestRenewal,
        "claim-code" => OperatorPermissions.CreateClaimCode,
        _ => OperatorPermissions.SubmitCommand,
    };

    private async Task<ConsoleResult<T>> OnSensorAsync<T>(OperatorCaller caller, string tenantId, string sensorId, ApiKeyRole required, Func<ISensorGrain, Task<Result<T>>> call)
    {
        if (Refuse<T>(caller, tenantId, required) is { } refused)
        {
            return refused;
        }

        if (!Identifiers.IsValid(tenantId) || !Identifiers.IsValid(sensorId))
        {
            return new(default, ProblemCodes.SensorNotFound.Code, $"sensor {sensorId} does not exist");
        }

        return Of(await call(Acting(caller).Sensor(tenantId, sensorId)));
    }

    // The grains this call reaches record the change as the signed-in user's.
    private IClusterClient Acting(OperatorCaller caller)
    {
        AuditActor.Set(caller.Actor);
        return cluster;
    }

    private static ConsoleResult<T>? Refuse<T>(OperatorCaller caller, string? tenantId, ApiKeyRole required) =>
        caller.Refusal(tenantId, required) is { } refusal ? new(default, refusal.Code.Code, refusal.Detail) : null;

    private static ConsoleResult<T> Done<T>(T value) => new(value, null, null);

    private static ConsoleResult<T> Of<T>(ApiKeyOutcome<T> outcome) => outcome.Problem is { } problem ? new(default, problem.Code, outcome.Detail) : Done(outcome.Value!);

    private static ConsoleResult<T> Of<T>(Result<T> result) => result.IsSuccess ? Done(result.Value!) : new(default, result.ErrorCode, result.ErrorDetail);
}
