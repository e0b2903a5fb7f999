using RavenXcope.Gateway.Api;
using RavenXcope.Protocol.Problems;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Gateway.Nats;

/// <summary>
/// The NATS account resolver (<c>resolver: URL(…/jwt/v1/accounts/)</c>): the base URL answers the SYS
/// account's JWT (nats-server refuses to start without a 200 there), and <c>{pubkey}</c> answers an
/// account's raw JWT. JWTs are public; no authentication.
/// </summary>
public static class AccountResolverApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapAccountResolver(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/jwt/v1/accounts").WithTags("nats");
        group.MapGet("/", async (NatsAccountStore accounts, CancellationToken ct) => Serve(await accounts.SystemAccountJwtAsync(ct))).WithName("SystemAccountJwt");
        group.MapGet("/{publicKey}", async (string publicKey, NatsAccountStore accounts, CancellationToken ct) =>
            RavenXcope.NatsAuth.NKeyText.IsPublicKey(publicKey, NATS.NKeys.PrefixByte.Account)
                ? Serve(await accounts.AccountJwtAsync(publicKey, ct))
                : Problems.Of(ProblemCodes.AccountNotFound, "no such account")).WithName("AccountJwt");
        return routes;
    }

    private static IResult Serve(string? jwt) =>
        jwt is not null
            ? Results.Text(jwt, "application/jwt")
            : Problems.Of(ProblemCodes.AccountNotFound, "no such account");
}
