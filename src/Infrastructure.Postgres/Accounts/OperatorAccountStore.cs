using Npgsql;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Infrastructure.Postgres.Accounts;

/// <summary>
/// Console accounts in <c>operator_accounts</c> and every sign-in attempt in <c>operator_sign_ins</c>. The
/// store never sees a password: callers hash and verify, it keeps the hash and the failure count.
/// </summary>
public sealed class OperatorAccountStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>User names: 2 to 64 of lower-case letters, digits, '.', '_', '-' and '@' (so they can be e-mail addresses).</summary>
    public static bool IsUserName(string? text) =>
        text is { Length: >= 2 and <= 64 } && text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '@');

    /// <summary>Creates the account; false when the name is taken.</summary>
    public async Task<bool> CreateAsync(string userName, string passwordHash, ApiKeyRole role, string? tenantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO operator_accounts (user_name, password_hash, role, tenant_id, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (user_name) DO NOTHING
            """);
        command.Parameters.AddWithValue(userName);
        command.Parameters.AddWithValue(passwordHash);
        command.Parameters.AddWithValue(ApiKeyRoles.Name(role));
        command.Parameters.Add(FleetReadModel.NullableText(tenantId));
        command.Parameters.AddWithValue(time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Replaces the password hash and clears any lock-out; false when there is no such account.</summary>
    public async Task<bool> SetPasswordAsync(string userName, string passwordHash, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE operator_accounts SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL WHERE user_name = $1");
        command.Parameters.AddWithValue(userName);
        command.Parameters.AddWithValue(passwordHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The account, or null.</summary>
    public async Task<OperatorAccount?> FindAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM operator_accounts WHERE user_name = $1");
        command.Parameters.AddWithValue(userName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Accounts in name order, those of one tenant when <paramref name="tenantId"/> is given.</summary>
    public async Task<IReadOnlyList<OperatorAccount>> ListAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM operator_accounts WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY user_name LIMIT 1000");
        command.Parameters.Add(FleetReadModel.NullableText(tenantId));
        var accounts = new List<OperatorAccount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(Read(reader));
        }

        return accounts;
    }

    /// <summary>
    /// Counts a failed sign-in in one statement (concurrent failures all count) and locks the account for
    /// <paramref name="lockFor"/> once <paramref name="threshold"/> failures follow one another. Returns the lock's end, if any.
    /// </summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string userName, int threshold, TimeSpan lockFor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE operator_accounts
               SET failed_sign_ins = failed_sign_ins + 1,
                   locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END
             WHERE user_name = $1
            RETURNING locked_until
            """);
        command.Parameters.AddWithValue(userName);
        command.Parameters.AddWithValue(threshold);
        command.Parameters.AddWithValue(time.GetUtcNow() + lockFor);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : result as DateTimeOffset?;
    }

    /// <summary>Clears the failure count after a successful sign-in.</summary>
    public async Task RecordSuccessAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE operator_accounts SET failed_sign_ins = 0, locked_until = NULL WHERE user_name = $1 AND (failed_sign_ins <> 0 OR locked_until IS NOT NULL)");
        command.Parameters.AddWithValue(userName);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends one attempt to the sign-in log.</summary>
    public async Task AuditSignInAsync(string userName, string outcome, string? remote, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO operator_sign_ins (at, user_name, outcome, remote) VALUES ($1, $2, $3, $4)");
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.AddWithValue(userName);
        command.Parameters.AddWithValue(outcome);
        command.Parameters.Add(FleetReadModel.NullableText(remote));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string Columns = "user_name, password_hash, role, tenant_id, created_at, failed_sign_ins, locked_until, disabled_at";

    private static OperatorAccount Read(NpgsqlDataReader reader)
    {
        ApiKeyRoles.TryParse(reader.GetString(2), out var role);
        return new OperatorAccount(
            reader.GetString(0), reader.GetString(1), role,
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }
}
