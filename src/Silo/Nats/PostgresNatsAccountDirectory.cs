using Npgsql;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Silo.Nats;

/// <summary>Writes account JWTs to <c>nats_accounts</c>, which the gateway's resolver serves.</summary>
public sealed class PostgresNatsAccountDirectory(NpgsqlDataSource dataSource) : INatsAccountDirectory
{
    /// <inheritdoc />
    public async Task UpsertAsync(string publicKey, string? tenantId, bool isSystem, string jwt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(isSystem
            ? """
              WITH gone AS (DELETE FROM nats_accounts WHERE is_system AND public_key <> $1)
              INSERT INTO nats_accounts (public_key, tenant_id, is_system, jwt, updated_at) VALUES ($1, $2, true, $3, now())
              ON CONFLICT (public_key) DO UPDATE SET jwt = excluded.jwt, is_system = true, updated_at = now()
              """
            : """
              INSERT INTO nats_accounts (public_key, tenant_id, is_system, jwt, updated_at) VALUES ($1, $2, false, $3, now())
              ON CONFLICT (public_key) DO UPDATE SET jwt = excluded.jwt, updated_at = now()
              WHERE nats_accounts.jwt IS DISTINCT FROM excluded.jwt
              """);
        command.Parameters.AddWithValue(publicKey);
        command.Parameters.AddWithValue((object?)tenantId ?? DBNull.Value);
        command.Parameters.AddWithValue(jwt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
