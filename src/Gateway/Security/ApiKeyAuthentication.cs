using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Gateway.Api;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults.ApiKeys;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Security;

/// <summary>
/// Operator API authentication: <c>Authorization: Bearer &lt;api key&gt;</c>, checked on every request,
/// with a minimum role per route. A key scoped to another tenant sees 404, as if the tenant did not exist.
/// Keys are looked up in the database on every request (no cache), so a revocation holds from the next
/// request on, on every gateway.
/// </summary>
public static class ApiKeyAuthentication
{
    private const string ItemKey = "rxc.apikey";

    /// <summary>The verified key of the current request.</summary>
    public static ApiKeyIdentity Caller(this HttpContext context) => (ApiKeyIdentity)context.Items[ItemKey]!;

    /// <summary>Requires a valid key with at least <paramref name="role"/>; with a {tenantId} route value, access to that tenant.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyRole role)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new OpenApiSecurityMetadata(OpenApiTransformers.ApiKeyScheme));
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            var verification = ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
            if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                var store = http.RequestServices.GetRequiredService<ApiKeyStore>();
                verification = await store.VerifyAsync(header["Bearer ".Length..].Trim(), http.RequestAborted);
            }

            if (verification.Identity is not { } identity)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return verification.Refusal switch
                {
                    ApiKeyRefusal.Expired => Problems.Of(ProblemCodes.ApiKeyExpired, "this API key has expired; an admin can create a new one"),
                    ApiKeyRefusal.Revoked => Problems.Of(ProblemCodes.ApiKeyRevoked, "this API key was revoked; an admin can create a new one"),
                    _ => Problems.Of(ProblemCodes.Unauthenticated, "send a valid API key as 'Authorization: Bearer <key>'"),
                };
            }

            var routeTenant = http.Request.RouteValues.TryGetValue("tenantId", out var tenant) ? tenant as string : null;
            if (new OperatorCaller($"apikey:{identity.KeyId}", identity.Role, identity.TenantId).Refusal(routeTenant, role) is { } refusal)
            {
                return Problems.Of(refusal.Code, refusal.Detail);
            }

            http.Items[ItemKey] = identity;

            // Every grain this request calls records the change it makes as this key's.
            Grains.Audit.AuditActor.Set($"apikey:{identity.KeyId}");
            return await next(context);
        });
        return builder;
    }
}
