using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Gateway.ReadModel;
using RavenXcope.Gateway.Security;
using RavenXcope.Gateway.Sensors;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults.ApiKeys;
using RavenXcope.Protocol.Problems;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Gateway.Api;

/// <summary>The operator API under <c>/api/v1</c>: API keys, tenants, sensors, claim codes, fleet trust.</summary>
public static partial class OperatorApi
{
    private const int MaxNameLength = 200;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("operator");
        api.MapPost("/api-keys", CreateApiKey).JsonRequest<CreateApiKeyRequest>().RequireApiKey(OperatorPermissions.ManageApiKeys).WithName("CreateApiKey").Documented("Create an API key (shown once), optionally expiring", ProblemCodes.InvalidRole, ProblemCodes.InvalidExpiry, ProblemCodes.TenantNotFound);
        api.MapGet("/api-keys", ListApiKeys).RequireApiKey(OperatorPermissions.ManageApiKeys).WithName("ListApiKeys").Documented("Keys that are not revoked, paged by id (never a secret); a tenant's admin sees its tenant's keys", ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor, ProblemCodes.TenantNotFound);
        api.MapDelete("/api-keys/{keyId}", RevokeApiKey).RequireApiKey(OperatorPermissions.ManageApiKeys).WithName("RevokeApiKey").Documented("Revoke a key: refused from the next request on, on every gateway", ProblemCodes.InvalidKeyId, ProblemCodes.ApiKeyNotFound);
        api.MapPost("/tenants", CreateTenant).JsonRequest<CreateTenantRequest>().RequireApiKey(OperatorPermissions.CreateTenant).WithName("CreateTenant").Documented("Create a tenant (create-or-return)", ProblemCodes.InvalidTenantId, ProblemCodes.InvalidName, ProblemCodes.TenantExists);
        MapListings(api);
        api.MapGet("/tenants/{tenantId}", GetTenant).RequireApiKey(OperatorPermissions.Read).WithName("GetTenant").Documented("A tenant and its NATS account", ProblemCodes.TenantNotFound);

        var sensors = api.MapGroup("/tenants/{tenantId}/sensors");
        sensors.MapPost("/", CreateSensor).JsonRequest<CreateSensorRequest>().RequireApiKey(OperatorPermissions.CreateSensor).WithName("CreateSensor").Documented("Register a sensor (create-or-return)", ProblemCodes.InvalidSensorId, ProblemCodes.InvalidName, ProblemCodes.SensorExists, ProblemCodes.TenantNotFound);
        sensors.MapGet("/{sensorId}", GetSensor).RequireApiKey(OperatorPermissions.Read).WithName("GetSensor").Documented("A sensor", ProblemCodes.SensorNotFound);
        sensors.MapPost("/{sensorId}/claim-codes", CreateClaimCode).JsonRequest<CreateClaimCodeRequest>(optional: true).RequireApiKey(OperatorPermissions.CreateClaimCode).WithName("CreateClaimCode").Documented("Issue a claim code (shown once)", ProblemCodes.ClaimCodeLifetimeInvalid, ProblemCodes.SensorAlreadyEnrolled, ProblemCodes.SensorDisabled, ProblemCodes.SensorRevoked, ProblemCodes.SensorNotFound);
        sensors.MapPost("/{sensorId}/disable", (string tenantId, string sensorId, IClusterClient c, CancellationToken ct) => Transition(tenantId, sensorId, c, g => g.DisableAsync(ct))).RequireApiKey(OperatorPermissions.DisableSensor).WithName("DisableSensor").Documented("Disable a sensor (reversible)", ProblemCodes.SensorRevoked, ProblemCodes.SensorNotFound);
        sensors.MapPost("/{sensorId}/enable", (string tenantId, string sensorId, IClusterClient c, CancellationToken ct) => Transition(tenantId, sensorId, c, g => g.EnableAsync(ct))).RequireApiKey(OperatorPermissions.EnableSensor).WithName("EnableSensor").Documented("Enable a disabled sensor", ProblemCodes.SensorRevoked, ProblemCodes.SensorNotFound);
        sensors.MapPost("/{sensorId}/revoke", (string tenantId, string sensorId, IClusterClient c, CancellationToken ct) => Transition(tenantId, sensorId, c, g => g.RevokeAsync(ct))).RequireApiKey(OperatorPermissions.RevokeSensor).WithName("RevokeSensor").Documented("Revoke a sensor (final)", ProblemCodes.SensorNotFound);
        sensors.MapPost("/{sensorId}/renew", (string tenantId, string sensorId, IClusterClient c, CancellationToken ct) => Transition(tenantId, sensorId, c, g => g.RequestRenewalAsync(ct))).RequireApiKey(OperatorPermissions.RequestRenewal).WithName("RequestRenewal").Documented("Ask the agent to renew (bumps the renewal generation)", ProblemCodes.SensorNotEnrolled, ProblemCodes.SensorDisabled, ProblemCodes.SensorRevoked, ProblemCodes.SensorNotFound);

        sensors.MapPost("/{sensorId}/commands", SubmitCommand).JsonRequest<SubmitCommandRequest>().RequireApiKey(OperatorPermissions.SubmitCommand).WithName("SubmitCommand").Documented("Send start, stop or restart", ProblemCodes.InvalidCommandType, ProblemCodes.InvalidTtl, ProblemCodes.InvalidIdempotencyKey, ProblemCodes.SensorNotEnrolled, ProblemCodes.SensorDisabled, ProblemCodes.SensorRevoked, ProblemCodes.SensorNotFound);
        sensors.MapGet("/{sensorId}/commands/{commandId}", GetCommand).RequireApiKey(OperatorPermissions.Read).WithName("GetCommand").Documented("A command ledger entry", ProblemCodes.CommandNotFound);

        api.MapGet("/tenants/{tenantId}/audit", AuditLog).RequireApiKey(OperatorPermissions.Read).WithName("AuditLog").Documented("The tenant's audit chain, paged by sequence", ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor, ProblemCodes.TenantNotFound);
        api.MapGet("/tenants/{tenantId}/audit/verify", VerifyAudit).RequireApiKey(OperatorPermissions.Read).WithName("VerifyAudit").Documented("The verifier's verdict on a page of the audit chain (the same after, limit and filters as the page), computed in the silo", ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor, ProblemCodes.TenantNotFound);

        var fleet = api.MapGroup("/tenants/{tenantId}/fleet");
        fleet.MapGet("/trust-summary", TrustSummary).RequireApiKey(OperatorPermissions.Read).WithName("TrustSummary").Documented("Counts by trust state and lifecycle", ProblemCodes.TenantNotFound);
        fleet.MapGet("/trust-alerts", TrustAlerts).RequireApiKey(OperatorPermissions.Read).WithName("TrustAlerts").Documented("Sensors whose certificates need attention", ProblemCodes.TenantNotFound);
        return routes;
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateApiKey(HttpContext http, ApiKeyAdministration keys, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var created = await keys.CreateAsync(CallerOf(http), request!.Role, request.TenantId, request.ExpiresAt, cancellationToken);
        if (created.Problem is { } refused)
        {
            return Problems.Of(refused, created.Detail!);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/api-keys/{created.Value!.KeyId}", created.Value);
    }

    private static async Task<Results<Ok<ApiKeyPage>, ProblemHttpResult>> ListApiKeys(
        string? tenantId, string? after, int? limit, HttpContext http, ApiKeyAdministration keys, CancellationToken cancellationToken)
    {
        var page = await keys.ListAsync(CallerOf(http), tenantId, after, limit ?? 100, cancellationToken);
        return page.Problem is { } refused ? Problems.Of(refused, page.Detail!) : TypedResults.Ok(page.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKey(string keyId, HttpContext http, ApiKeyAdministration keys, CancellationToken cancellationToken)
    {
        var revoked = await keys.RevokeAsync(CallerOf(http), keyId, cancellationToken);
        return revoked.Problem is { } refused ? Problems.Of(refused, revoked.Detail!) : TypedResults.NoContent();
    }

    private static OperatorCaller CallerOf(HttpContext http)
    {
        var identity = http.Caller();
        return new OperatorCaller($"apikey:{identity.KeyId}", identity.Role, identity.TenantId);
    }

    private static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>, ProblemHttpResult>> CreateTenant(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateTenantRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Identifiers.IsValid(request!.TenantId))
        {
            return Problems.Of(ProblemCodes.InvalidTenantId, "tenantId must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        if (InvalidName(request.Name) is { } nameProblem)
        {
            return nameProblem;
        }

        if (http.Caller().TenantId is not null)
        {
            return Problems.Of(ProblemCodes.Forbidden, "only a global admin key creates tenants");
        }

        var grain = cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(request.TenantId!));
        var existed = await grain.GetAsync(cancellationToken) is not null;
        var result = await grain.CreateAsync(request.Name!.Trim(), cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.FromRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        var body = TenantResponse.From(result.Value!);

        return existed ? TypedResults.Ok(body) : TypedResults.Created($"/api/v1/tenants/{body.TenantId}", body);
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenant(string tenantId, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var tenant = Identifiers.IsValid(tenantId) ? await cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).GetAsync(cancellationToken) : null;
        return tenant is null ? Problems.Of(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist") : TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<Results<Created<SensorResponse>, Ok<SensorResponse>, ProblemHttpResult>> CreateSensor(string tenantId, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateSensorRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Identifiers.IsValid(tenantId))
        {
            return Problems.Of(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist");
        }

        if (!Identifiers.IsValid(request!.SensorId))
        {
            return Problems.Of(ProblemCodes.InvalidSensorId, "sensorId must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        if (InvalidName(request.Name) is { } nameProblem)
        {
            return nameProblem;
        }

        var grain = cluster.Sensor(tenantId, request.SensorId!);
        var existed = await grain.GetAsync(cancellationToken) is not null;
        var result = await grain.RegisterAsync(request.Name!.Trim(), cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.FromRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        var body = SensorResponse.From(result.Value!);

        return existed ? TypedResults.Ok(body) : TypedResults.Created($"/api/v1/tenants/{tenantId}/sensors/{body.SensorId}", body);
    }

    private static async Task<Results<Ok<SensorResponse>, ProblemHttpResult>> GetSensor(string tenantId, string sensorId, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var sensor = Identifiers.IsValid(tenantId) && Identifiers.IsValid(sensorId)
            ? await cluster.Sensor(tenantId, sensorId).GetAsync(cancellationToken)
            : null;
        return sensor is null ? SensorNotFound(sensorId) : TypedResults.Ok(SensorResponse.From(sensor));
    }

    private static async Task<Results<Created<ClaimCodeResponse>, ProblemHttpResult>> CreateClaimCode(
        string tenantId, string sensorId, HttpContext http, IClusterClient cluster, JoinCommand joinCommand, CancellationToken cancellationToken)
    {
        TimeSpan? lifetime = null;
        if (http.Request.ContentLength is > 0 || http.Request.ContentType is not null)
        {
            var (request, problem) = await JsonBody.ReadAsync<CreateClaimCodeRequest>(http.Request, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            if (request!.TtlSeconds is { } ttl)
            {
                if (ttl is < 60 or > 604800)
                {
                    return Problems.Of(ProblemCodes.ClaimCodeLifetimeInvalid, "ttlSeconds must be between 60 and 604800");
                }

                lifetime = TimeSpan.FromSeconds(ttl);
            }
        }

        if (!Identifiers.IsValid(tenantId) || !Identifiers.IsValid(sensorId))
        {
            return SensorNotFound(sensorId);
        }

        var result = await cluster.Sensor(tenantId, sensorId).CreateClaimCodeAsync(lifetime, cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.FromRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        http.Response.Headers.CacheControl = "no-store";
        var join = joinCommand.For(result.Value!, http.Request.Host.Host);
        return TypedResults.Created((string?)null, new ClaimCodeResponse(join.ClaimCode, result.Value!.ExpiresAt, join.CaFingerprint, join.Command));
    }

    private static async Task<Results<Ok<SensorResponse>, ProblemHttpResult>> Transition(
        string tenantId, string sensorId, IClusterClient cluster, Func<ISensorGrain, Task<Result<SensorSnapshot>>> command)
    {
        if (!Identifiers.IsValid(tenantId) || !Identifiers.IsValid(sensorId))
        {
            return SensorNotFound(sensorId);
        }

        var result = await command(cluster.Sensor(tenantId, sensorId));
        return result.IsSuccess ? TypedResults.Ok(SensorResponse.From(result.Value!)) : Problems.FromRefusal(result.ErrorCode!, result.ErrorDetail!);
    }

    private static async Task<Results<Accepted<CommandResponse>, ProblemHttpResult>> SubmitCommand(string tenantId, string sensorId, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<SubmitCommandRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.Type is not ("start" or "stop" or "restart"))
        {
            return Problems.Of(ProblemCodes.InvalidCommandType, "type must be start, stop or restart");
        }

        if (request.TtlSeconds is < 1 or > 604800)
        {
            return Problems.Of(ProblemCodes.InvalidTtl, "ttlSeconds must be between 1 and 604800");
        }

        if (request.IdempotencyKey is { Length: 0 or > 128 })
        {
            return Problems.Of(ProblemCodes.InvalidIdempotencyKey, "idempotencyKey must be 1 to 128 characters");
        }

        if (!Identifiers.IsValid(tenantId) || !Identifiers.IsValid(sensorId))
        {
            return SensorNotFound(sensorId);
        }

        var type = Enum.Parse<CommandType>(request.Type, ignoreCase: true);
        var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var result = await cluster.Sensor(tenantId, sensorId).SubmitCommandAsync(type, request.IdempotencyKey, ttl, cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.FromRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        var body = CommandResponse.From(result.Value!);
        return TypedResults.Accepted($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/commands/{body.CommandId}", body);
    }

    private static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> GetCommand(string tenantId, string sensorId, string commandId, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var command = Identifiers.IsValid(tenantId) && Identifiers.IsValid(sensorId)
            ? await cluster.Sensor(tenantId, sensorId).GetCommandAsync(commandId, cancellationToken)
            : null;
        return command is null ? Problems.Of(ProblemCodes.CommandNotFound, $"command {commandId} does not exist") : TypedResults.Ok(CommandResponse.From(command));
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> AuditLog(
        string tenantId, long? after, int? limit, string? action, string? actor, string? subject, IClusterClient cluster, FleetQueries queries, CancellationToken cancellationToken)
    {
        return await AuditPageRefused(tenantId, after, limit, cluster, cancellationToken) is { } refused
            ? refused
            : TypedResults.Ok(await queries.AuditAsync(tenantId, new AuditFilter(action, actor, subject), after ?? 0, limit ?? 100, cancellationToken));
    }

    private static async Task<Results<Ok<AuditVerdictResponse>, ProblemHttpResult>> VerifyAudit(
        string tenantId, long? after, int? limit, string? action, string? actor, string? subject, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (await AuditPageRefused(tenantId, after, limit, cluster, cancellationToken) is { } refused)
        {
            return refused;
        }

        var verdict = await cluster.GetGrain<IAuditGrain>(Identifiers.AuditKey(tenantId)).VerifyPageAsync(new AuditFilter(action, actor, subject), after ?? 0, limit ?? 100, cancellationToken);
        return TypedResults.Ok(new AuditVerdictResponse(verdict.Verified, verdict.Intact, verdict.Count, verdict.First, verdict.Last, verdict.Broken, verdict.Sentence));
    }

    // A page of the audit chain and the verdict on it take the same tenant, cursor and limit, refused alike.
    private static async Task<ProblemHttpResult?> AuditPageRefused(string tenantId, long? after, int? limit, IClusterClient cluster, CancellationToken cancellationToken) =>
        await TenantMissing(tenantId, cluster, cancellationToken) is { } missing ? missing
        : after is < 0 ? Problems.Of(ProblemCodes.InvalidCursor, "after must be the nextAfter of a previous page (a sequence number, 0 or more)")
        : limit is < 1 or > 500 ? Problems.Of(ProblemCodes.InvalidLimit, "limit must be between 1 and 500")
        : null;

    private static async Task<Results<Ok<TrustSummary>, ProblemHttpResult>> TrustSummary(string tenantId, IClusterClient cluster, FleetQueries queries, CancellationToken cancellationToken) =>
        await TenantMissing(tenantId, cluster, cancellationToken) is { } missing ? missing : TypedResults.Ok(await queries.SummaryAsync(tenantId, cancellationToken));

    private static async Task<Results<Ok<TrustAlerts>, ProblemHttpResult>> TrustAlerts(string tenantId, IClusterClient cluster, FleetQueries queries, CancellationToken cancellationToken) =>
        await TenantMissing(tenantId, cluster, cancellationToken) is { } missing ? missing : TypedResults.Ok(await queries.AlertsAsync(tenantId, cancellationToken));

    internal static async Task<ProblemHttpResult?> TenantMissing(string tenantId, IClusterClient cluster, CancellationToken cancellationToken) =>
        await TenantExistsAsync(tenantId, cluster, cancellationToken) ? null : Problems.Of(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist");

    /// <summary>Whether <paramref name="tenantId"/> names a created tenant (the console asks this too, and answers in its own words).</summary>
    internal static async Task<bool> TenantExistsAsync(string? tenantId, IClusterClient cluster, CancellationToken cancellationToken) =>
        Identifiers.IsValid(tenantId) && await cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId!)).GetAsync(cancellationToken) is not null;

    private static ProblemHttpResult SensorNotFound(string sensorId) => Problems.Of(ProblemCodes.SensorNotFound, $"sensor {sensorId} does not exist");

    internal static ProblemHttpResult? InvalidName(string? name) =>
        NameRefusal(name) is { } refusal ? Problems.Of(ProblemCodes.InvalidName, refusal) : null;

    /// <summary>Why <paramref name="name"/> cannot name a tenant or a sensor, or null.</summary>
    internal static string? NameRefusal(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl)
            ? $"name must be 1 to {MaxNameLength} printable characters"
            : null;
}
