using Npgsql;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// <c>nats_accounts</c>: the account JWTs the tenant grains publish (<see cref="INatsAccountDirectory"/>) and the
/// gateway's resolver serves, and which tenants have an account.
/// </summary>
public sealed class NatsAccountStore(NpgsqlDataSource dataSource) : INatsAccountDirectory
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

    /// <summary>The SYS account's JWT, or null before the silo published it.</summary>
    public async Task<string?> SystemAccountJwtAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT jwt FROM nats_accounts WHERE is_system");
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The JWT of the account with <paramref name="publicKey"/> (system or tenant), or null.</summary>
    public async Task<string?> AccountJwtAsync(string publicKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT jwt FROM nats_accounts WHERE public_key = $1");
        command.Parameters.AddWithValue(publicKey);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The tenant whose account has <paramref name="publicKey"/>, or null (also for the SYS account).</summary>
    public async Task<string?> TenantOfAccountAsync(string publicKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT tenant_id FROM nats_accounts WHERE public_key = $1 AND NOT is_system");
        command.Parameters.AddWithValue(publicKey);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Every tenant that has a provisioned account.</summary>
    public async Task<IReadOnlyList<string>> ProvisionedTenantsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT tenant_id FROM nats_accounts WHERE NOT is_system AND tenant_id IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }
}
