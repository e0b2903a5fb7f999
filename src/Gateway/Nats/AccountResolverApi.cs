using Npgsql;
using RavenXcope.Gateway.Api;
using RavenXcope.Protocol.Problems;

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
        group.MapGet("/", (NpgsqlDataSource db, CancellationToken ct) => Serve(db, "SELECT jwt FROM nats_accounts WHERE is_system", null, ct)).WithName("SystemAccountJwt");
        group.MapGet("/{publicKey}", (string publicKey, NpgsqlDataSource db, CancellationToken ct) =>
            RavenXcope.NatsAuth.NKeyText.IsPublicKey(publicKey, NATS.NKeys.PrefixByte.Account)
                ? Serve(db, "SELECT jwt FROM nats_accounts WHERE public_key = $1", publicKey, ct)
                : Task.FromResult<IResult>(Problems.Of(ProblemCodes.AccountNotFound, "no such account"))).WithName("AccountJwt");
        return routes;
    }

    private static async Task<IResult> Serve(NpgsqlDataSource db, string sql, string? key, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(sql);
        if (key is not null)
        {
            command.Parameters.AddWithValue(key);
        }

        return await command.ExecuteScalarAsync(cancellationToken) is string jwt
            ? Results.Text(jwt, "application/jwt")
            : Problems.Of(ProblemCodes.AccountNotFound, "no such account");
    }
}
