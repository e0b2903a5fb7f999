using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NATS.NKeys;
using RavenXcope.Gateway.Api;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Protocol.Problems;
using RavenXcope.Protocol.Sensors;
using RavenXcope.NatsAuth;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Gateway.Nats;

/// <summary>
/// The routes of the NATS provisioner RavenXcope replaces, kept so that an existing backend can go on
/// calling them: <c>POST /accounts</c>, <c>/users</c>, <c>/backend-user</c>, <c>/revoke</c>, guarded by
/// <c>BACKEND_SHARED_SECRET</c> in <c>X-Backend-Shared-Secret</c> or <c>X-Ravenxcope-Provisioner-Secret</c>,
/// compared in constant time. Minting happens in the grains; these routes only forward.
/// </summary>
public static class ProvisionerApi
{
    /// <summary>Request of <c>POST /accounts</c>.</summary>
    public sealed record AccountRequest(string? TenantId, string? Name);

    /// <summary>Request of <c>POST /users</c>.</summary>
    public sealed record UserRequest(string? TenantId, string? SensorId);

    /// <summary>Request of <c>POST /backend-user</c>.</summary>
    public sealed record BackendUserRequest(string? TenantId);

    /// <summary>Request of <c>POST /revoke</c>.</summary>
    public sealed record RevokeRequest(string? AccountId, string? UserPubKey);

    /// <summary>Maps the routes; without a configured secret they answer 404.</summary>
    public static IEndpointRouteBuilder MapProvisionerApi(this IEndpointRouteBuilder routes, string? sharedSecret)
    {
        var group = routes.MapGroup("/").WithTags("provisioner").WithMetadata(new OpenApiSecurityMetadata(OpenApiTransformers.SharedSecretScheme));
        group.AddEndpointFilter(async (context, next) =>
        {
            if (string.IsNullOrEmpty(sharedSecret))
            {
                return Problems.Of(ProblemCodes.ProvisionerDisabled, "the provisioner routes are off: set BACKEND_SHARED_SECRET to turn them on");
            }

            var headers = context.HttpContext.Request.Headers;
            var presented = headers["X-Backend-Shared-Secret"].FirstOrDefault() ?? headers["X-Ravenxcope-Provisioner-Secret"].FirstOrDefault() ?? string.Empty;
            var matches = CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret)));
            if (!matches)
            {
                return Problems.Of(ProblemCodes.Unauthenticated, "send the shared secret in X-Backend-Shared-Secret");
            }

            Grains.Audit.AuditActor.Set("provisioner");
            return await next(context);
        });
        group.MapPost("/accounts", Accounts).WithName("ProvisionerAccounts").JsonRequest<AccountRequest>().Produces(StatusCodes.Status200OK, contentType: "application/json").Produces<PendingResponse>(StatusCodes.Status202Accepted)
            .Documented("Create a tenant's NATS account, or return it (202 until it is provisioned)", ProblemCodes.ProvisionerDisabled, ProblemCodes.InvalidTenantId);
        group.MapPost("/users", Users).WithName("ProvisionerUsers").JsonRequest<UserRequest>().Produces(StatusCodes.Status200OK, contentType: "application/json").Produces<PendingResponse>(StatusCodes.Status202Accepted)
            .Documented("NATS credentials for an enrolled sensor, with a seed made here (the legacy flow; agents use the mTLS route)", ProblemCodes.ProvisionerDisabled, ProblemCodes.InvalidId, ProblemCodes.SensorNotFound);
        group.MapPost("/backend-user", BackendUser).WithName("ProvisionerBackendUser").JsonRequest<BackendUserRequest>().Produces(StatusCodes.Status200OK, contentType: "application/json").Produces<PendingResponse>(StatusCodes.Status202Accepted)
            .Documented("The tenant's control user credentials", ProblemCodes.ProvisionerDisabled, ProblemCodes.InvalidTenantId, ProblemCodes.TenantNotFound);
        group.MapPost("/revoke", Revoke).WithName("ProvisionerRevoke").JsonRequest<RevokeRequest>().Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Documented("Revoke a NATS user of a tenant account", ProblemCodes.ProvisionerDisabled, ProblemCodes.InvalidKey, ProblemCodes.AccountNotFound);
        return routes;
    }

    private static async Task<IResult> Accounts(HttpContext http, IClusterClient cluster, NatsAccountStore accounts, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<AccountRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Identifiers.IsValid(request!.TenantId))
        {
            return Problems.Of(ProblemCodes.InvalidTenantId, "tenantId must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        var tenant = cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(request.TenantId!));
        var snapshot = await tenant.GetAsync(cancellationToken) ?? (await tenant.CreateAsync(string.IsNullOrWhiteSpace(request.Name) ? request.TenantId! : request.Name.Trim(), cancellationToken)).Value!;
        if (snapshot.AccountStatus != NatsAccountStatus.Provisioned || snapshot.AccountPublicKey is null)
        {
            return Pending(http);
        }

        return await accounts.AccountJwtAsync(snapshot.AccountPublicKey, cancellationToken) is { } jwt
            ? TypedResults.Ok(new { tenantId = snapshot.TenantId, accountPubKey = snapshot.AccountPublicKey, accountJWT = jwt })
            : Pending(http);
    }

    private static async Task<IResult> Users(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<UserRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Identifiers.IsValid(request!.TenantId) || !Identifiers.IsValid(request.SensorId))
        {
            return Problems.Of(ProblemCodes.InvalidId, "tenantId and sensorId must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        var sensor = await cluster.Sensor(request.TenantId!, request.SensorId!).GetAsync(cancellationToken);
        if (sensor is null || sensor.Lifecycle != SensorLifecycle.Enrolled)
        {
            return Problems.Of(ProblemCodes.SensorNotFound, "no enrolled sensor with that id (disabled and revoked sensors get no credentials)");
        }

        // The legacy flow hands out a seed made here; the agent's own flow (mTLS) never does.
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var issued = await cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(request.TenantId!)).IssueSensorUserAsync(request.SensorId!, user.GetPublicKey(), cancellationToken);
        if (issued.Problem == ProblemCodes.NatsAccountPending)
        {
            return Pending(http);
        }

        if (!issued.IsSuccess)
        {
            return Problems.FromRefusal(issued.ErrorCode!, issued.ErrorDetail!);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new
        {
            tenantId = request.TenantId,
            sensorId = request.SensorId,
            userPubKey = user.GetPublicKey(),
            creds = NatsJwt.FormatCreds(issued.Value!.Jwt, user.GetSeed()),
            inboxPrefix = issued.Value.InboxPrefix,
            consumer = issued.Value.Consumer,
        });
    }

    private static async Task<IResult> BackendUser(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<BackendUserRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!Identifiers.IsValid(request!.TenantId))
        {
            return Problems.Of(ProblemCodes.InvalidTenantId, "tenantId must be 2 to 63 lower-case letters, digits or inner hyphens");
        }

        var tenant = cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(request.TenantId!));
        if (await tenant.GetAsync(cancellationToken) is null)
        {
            return Problems.Of(ProblemCodes.TenantNotFound, $"tenant {request.TenantId} does not exist");
        }

        var creds = await tenant.GetControlCredentialsAsync(cancellationToken);
        if (creds is null)
        {
            return Pending(http);
        }

        // A secret handed out, not a change any grain makes: recorded here.
        await Audit.RecordAsync(http, request.TenantId!, "control_credentials.issue", $"tenant:{request.TenantId}", "done");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new { tenantId = request.TenantId, creds });
    }

    private static async Task<IResult> Revoke(HttpContext http, IClusterClient cluster, NatsAccountStore accounts, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<RevokeRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!NKeyText.IsPublicKey(request!.AccountId, PrefixByte.Account) || !NKeyText.IsPublicKey(request.UserPubKey, PrefixByte.User))
        {
            return Problems.Of(ProblemCodes.InvalidKey, "accountId must be an account public key (A…) and userPubKey a user public key (U…)");
        }

        if (await accounts.TenantOfAccountAsync(request.AccountId!, cancellationToken) is not { } tenantId)
        {
            return Problems.Of(ProblemCodes.AccountNotFound, "no tenant account with that public key");
        }

        await cluster.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).RevokeUserAsync(request.UserPubKey!, cancellationToken);
        return TypedResults.Ok(new { accountId = request.AccountId, userPubKey = request.UserPubKey, revoked = true });
    }

    private static Accepted<PendingResponse> Pending(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Accepted((string?)null, new PendingResponse(PendingResponse.Pending, "the tenant's NATS account is being provisioned; retry shortly"));
    }
}
