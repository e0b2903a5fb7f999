using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Gateway.Api;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Gateway.Telemetry;
using RavenXcope.Grains;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Model;
using RavenXcope.Protocol.Problems;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Gateway.Sensors;

/// <summary>
/// The sensor side: enrollment on the HTTPS port, and heartbeat and renewal on the mTLS port. Every
/// mTLS request asks the sensor's grain whether the certificate is still trusted: no cache, so a revoke
/// applies to the next request.
/// </summary>
public static class SensorApi
{
    /// <summary>Maps enrollment (served only on the enrollment listener) and the mTLS routes (only on the mTLS listener).</summary>
    public static IEndpointRouteBuilder MapSensorApi(this IEndpointRouteBuilder routes, int maxBodyBytes)
    {
        routes.MapPost("/api/v1/enroll", Enroll).JsonRequest<EnrollRequest>().ServedOn(Listener.Enrollment).LimitBody(maxBodyBytes).WithTags("sensor").WithName("Enroll").Documented("Enroll with a claim code and a CSR made on the host", ProblemCodes.CsrMalformed, ProblemCodes.CsrTooLarge, ProblemCodes.CsrKeyNotAllowed, ProblemCodes.CsrSignatureInvalid, ProblemCodes.CsrCaNotAllowed, ProblemCodes.CsrIdentityNotAllowed, ProblemCodes.InvalidEnrollment, ProblemCodes.RequestTooLarge, ProblemCodes.EnrollmentRefused);
        routes.MapGet("/api/v1/enroll/ca", CaCertificate).ServedOn(Listener.Enrollment).WithTags("sensor").WithName("EnrollmentCa")
            .Documented("The CA certificate chain (PEM) an agent pins by the fingerprint its claim code carries, before it enrolls");
        var mtls = routes.MapGroup("/sensor/v1").ServedOn(Listener.Mtls).LimitBody(maxBodyBytes).WithTags("sensor");
        mtls.MapPost("/heartbeat", Heartbeat).JsonRequest<HeartbeatRequest>().CountedAsHeartbeat().WithName("Heartbeat").Documented("Heartbeat (mTLS)", ProblemCodes.ClientCertificateInvalid, ProblemCodes.InvalidHeartbeat, ProblemCodes.SensorRevoked, ProblemCodes.SensorDisabled, ProblemCodes.CertificateNotCurrent, ProblemCodes.CertificateExpired);
        mtls.MapPost("/renew", Renew).JsonRequest<RenewRequest>().WithName("Renew").Documented("Renew with a new key (mTLS)", ProblemCodes.ClientCertificateInvalid, ProblemCodes.CsrKeyReused, ProblemCodes.CsrMalformed, ProblemCodes.SensorRevoked, ProblemCodes.SensorDisabled, ProblemCodes.CertificateNotCurrent, ProblemCodes.CertificateExpired);
        mtls.MapPost("/nats-credentials", NatsCredentials).JsonRequest<NatsCredentialsRequest>().WithName("NatsCredentials").Documented("NATS credentials for a user key made on the host (mTLS); 202 while the account is pending", ProblemCodes.ClientCertificateInvalid, ProblemCodes.InvalidUserPublicKey, ProblemCodes.SensorRevoked, ProblemCodes.SensorDisabled, ProblemCodes.CertificateNotCurrent);
        return routes;
    }

    // Sensor-facing routes take smaller bodies than the operator API.
    private static TBuilder LimitBody<TBuilder>(this TBuilder builder, int maxBodyBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter((context, next) =>
        {
            if (context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBodyBytes;
            }

            return next(context);
        });
        return builder;
    }

    private static async Task<Results<Ok<EnrollResponse>, ProblemHttpResult>> Enroll(HttpContext http, IClusterClient cluster, GatewayOptions settings, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync<EnrollRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (ValidateHost(request!) is { } hostProblem)
        {
            return hostProblem;
        }

        // The CSR is judged before the code is looked at, so its answer says nothing about the code. Here
        // everything but its signature, which the claim code grain checks (once per enrollment: a key import
        // and a verification were half of this process's CPU per enrollment).
        var (_, enrollCsrRefusal) = CsrInspector.Inspect(request!.CsrPem, verifySignature: false);
        if (enrollCsrRefusal is not null)
        {
            return Problems.Of(enrollCsrRefusal.Problem, enrollCsrRefusal.Detail);
        }

        // With or without the CA fingerprint the agent pinned: only the claim code itself is looked up.
        if (!JoinCode.TryParse(request.ClaimCode, out var joinCode, out _))
        {
            return EnrollmentRefused();
        }

        var host = new HostMetadata(
            request.Hostname!.Trim(), request.OsInfo!.Trim(), request.Architecture!.Trim(), request.AgentVersion!.Trim(), request.SensorIp,
            (request.Interfaces ?? []).Select(i => new NetworkInterfaceInfo(i.Name!, i.IsManagement, i.IsLoopback, i.IsVirtual, i.IsWireless, i.IsUp, i.BytesSent, i.BytesRecv)).ToList());
        var digest = ClaimCodes.Digest(joinCode.ClaimCode);
        var result = await cluster.Grain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(digest)).RedeemAsync(request.CsrPem!, host, cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        // The sensor API is on the same host name the agent reached, on the mTLS port.
        var sensorApiUrl = $"https://{http.Request.Host.Host}:{settings.MtlsPort}";
        return result switch
        {
            { IsSuccess: true } => TypedResults.Ok(Enrolled(result.Value!, sensorApiUrl)),
            { ErrorCode: { } code } when ProblemCodes.IsCsrRefusal(code) => Problems.FromRefusal(code, result.ErrorDetail!),
            _ => EnrollmentRefused(),
        };
    }

    // Public by nature (every sensor host gets it), and answered over a TLS connection the agent does not trust yet: the
    // agent trusts what it reads only if its SHA-256 is the fingerprint the operator handed it with the claim code.
    private static IResult CaCertificate(CaTrust ca, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(ca.Pem, "application/pem-certificate-chain");
    }

    private static async Task<Results<Ok<HeartbeatResponse>, ProblemHttpResult>> Heartbeat(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (Caller(http) is not { } caller)
        {
            return ClientCertificateInvalid();
        }

        var (grain, serial) = caller;

        var (request, problem) = await JsonBody.ReadAsync<HeartbeatRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.AgentState) || request.AgentState.Length > 64 || request.TrustState?.Length > 64 || request.AgentVersion?.Length > 64)
        {
            return Problems.Of(ProblemCodes.InvalidHeartbeat, "agentState is required; agentState, trustState and agentVersion are at most 64 characters");
        }

        var result = await cluster.Grain<ISensorGrain>(grain).HeartbeatAsync(new SensorHeartbeat(serial, request.AgentState, request.TrustState, request.AgentVersion), cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.SensorRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        var reply = result.Value!;
        return TypedResults.Ok(new HeartbeatResponse(WireNames.Of(reply.TrustState), reply.RenewalGeneration, reply.HeartbeatIntervalSeconds, reply.CertificateNotAfter, reply.RenewNow));
    }

    private static async Task<Results<Ok<RenewResponse>, ProblemHttpResult>> Renew(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (Caller(http) is not { } caller)
        {
            return ClientCertificateInvalid();
        }

        var (grain, serial) = caller;

        var (request, problem) = await JsonBody.ReadAsync<RenewRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.CsrPem))
        {
            return Problems.Of(ProblemCodes.CsrMalformed, "csrPem is required");
        }

        // The grain checks the certificate first (a refusal is audited there), then the CSR, signature included.
        var result = await cluster.Grain<ISensorGrain>(grain).RenewAsync(serial, request.CsrPem, cancellationToken);
        if (!result.IsSuccess)
        {
            return Problems.SensorRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        return TypedResults.Ok(new RenewResponse(result.Value!.CertificatePem, result.Value.CaCertificatePem, result.Value.NotAfter));
    }

    private static async Task<Results<Ok<NatsCredentialsResponse>, Accepted<PendingResponse>, ProblemHttpResult>> NatsCredentials(HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (Caller(http) is not { } caller)
        {
            return ClientCertificateInvalid();
        }

        var (request, problem) = await JsonBody.ReadAsync<NatsCredentialsRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!RavenXcope.NatsAuth.NKeyText.IsPublicKey(request!.UserPublicKey, NATS.NKeys.PrefixByte.User))
        {
            return Problems.Of(ProblemCodes.InvalidUserPublicKey, "userPublicKey must be a NATS user public key (U…) made on the sensor host");
        }

        var result = await cluster.Grain<ISensorGrain>(caller.Grain).IssueNatsCredentialsAsync(caller.Serial, request.UserPublicKey!, cancellationToken);
        if (result.Problem == ProblemCodes.NatsAccountPending)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Accepted((string?)null, new PendingResponse(PendingResponse.Pending, result.ErrorDetail!));
        }

        if (!result.IsSuccess)
        {
            return Problems.SensorRefusal(result.ErrorCode!, result.ErrorDetail!);
        }

        var c = result.Value!;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new NatsCredentialsResponse(c.Jwt, c.NatsUrl, c.InboxPrefix, c.Stream, c.Consumer, c.ExpiresAt));
    }

    // The client certificate is the connection's: who is calling is read from it once per connection, and
    // every request on it is still checked by the sensor's grain.
    private static (string Grain, string Serial)? Caller(HttpContext http)
    {
        // What the grains record on the sensor's behalf names the sensor as its actor.
        var caller = IdentifyCaller(http);
        if (caller is { } known)
        {
            Grains.Audit.AuditActor.Set(Grains.Model.AuditEvent.Sensor(Identifiers.ParseSensorKey(known.Grain).SensorId));
        }

        return caller;
    }

    private static (string Grain, string Serial)? IdentifyCaller(HttpContext http)
    {
        var certificate = http.Connection.ClientCertificate;
        if (certificate is null)
        {
            return null;
        }

        var items = http.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(typeof(CallerIdentity), out var known) == true && known is CallerIdentity cached && ReferenceEquals(cached.Certificate, certificate))
        {
            return cached.Caller;
        }

        (string, string)? caller = SensorIdentity.Read(certificate) is var (tenantId, sensorId)
            ? (Identifiers.SensorKey(tenantId, sensorId), certificate.SerialNumber)
            : null;
        if (items is not null)
        {
            items[typeof(CallerIdentity)] = new CallerIdentity(certificate, caller);
        }

        return caller;
    }

    private sealed record CallerIdentity(System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, (string Grain, string Serial)? Caller);

    private static ProblemHttpResult? ValidateHost(EnrollRequest request)
    {
        static bool Text(string? value, int max) => !string.IsNullOrWhiteSpace(value) && value.Length <= max && !value.Any(char.IsControl);

        if (!Text(request.Hostname, 253) || !Text(request.OsInfo, 200) || !Text(request.Architecture, 32) || !Text(request.AgentVersion, 64))
        {
            return Problems.Of(ProblemCodes.InvalidEnrollment, "hostname (≤ 253), osInfo (≤ 200), architecture (≤ 32) and agentVersion (≤ 64) are required printable text");
        }

        if (request.SensorIp is not null && !IPAddress.TryParse(request.SensorIp, out _))
        {
            return Problems.Of(ProblemCodes.InvalidEnrollment, "sensorIp must be an IP address");
        }

        if (request.Interfaces is { } interfaces && (interfaces.Count > 256 || interfaces.Any(i => i is null || !Text(i.Name, 64))))
        {
            return Problems.Of(ProblemCodes.InvalidEnrollment, "at most 256 interfaces, each with a name of at most 64 characters");
        }

        return null;
    }

    private static EnrollResponse Enrolled(IssuedCertificate c, string sensorApiUrl) =>
        new(c.TenantId, c.SensorId, c.CertificatePem, c.CaCertificatePem, c.NotAfter, c.HeartbeatIntervalSeconds, sensorApiUrl);

    private static ProblemHttpResult EnrollmentRefused() =>
        Problems.Of(ProblemCodes.EnrollmentRefused, "the claim code is not valid; ask the operator for a new one");

    private static ProblemHttpResult ClientCertificateInvalid() =>
        Problems.Of(ProblemCodes.ClientCertificateInvalid, "present the client certificate issued to this sensor at enrollment");
}
