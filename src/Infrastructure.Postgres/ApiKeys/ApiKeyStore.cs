using System.Security.Cryptography;
using System.Text;
using Npgsql;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// Operator API keys in <c>api_keys</c>: <c>rxck_&lt;id&gt;_&lt;secret&gt;</c>. The key is shown once; only the
/// SHA-256 of its secret part is stored, and verification compares digests in constant time.
/// </summary>
/// <remarks>
/// Nothing about a key is cached: every request reads its row, so a revocation made through any gateway
/// (or in SQL) refuses the very next request on every gateway.
/// </remarks>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>How stale <c>last_used_at</c> may be: it is written only when older than this, never on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string Prefix = "rxck_";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>True when <paramref name="text"/> has the shape of a key id this store makes (so it may reach SQL).</summary>
    public static bool IsKeyId(string? text) => text is { Length: > 0 and <= 32 } && text.All(Alphabet.Contains);

    /// <summary>Creates a key (never expiring when <paramref name="expiresAt"/> is null); the returned text is the only copy of its secret.</summary>
    public async Task<(string ApiKey, ApiKeyIdentity Identity)> CreateAsync(ApiKeyRole role, string? tenantId, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var keyId = RandomText(12);
        var secret = RandomText(40);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO api_keys (key_id, secret_digest, role, tenant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.AddWithValue(keyId);
        command.Parameters.AddWithValue(Digest(secret));
        command.Parameters.AddWithValue(ApiKeyRoles.Name(role));
        command.Parameters.AddWithValue((object?)tenantId ?? DBNull.Value);
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)expiresAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ($"{Prefix}{keyId}_{secret}", new ApiKeyIdentity(keyId, role, tenantId));
    }

    /// <summary>The key's identity, or why it is refused. Records the use when the recorded one is older than <see cref="LastUsedResolution"/>.</summary>
    public async Task<ApiKeyVerification> VerifyAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length != Prefix.Length + 12 + 1 + 40 || presented[Prefix.Length + 12] != '_')
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
        }

        var keyId = presented.Substring(Prefix.Length, 12);
        var secret = presented[(Prefix.Length + 13)..];
        // Whatever the client sent stays out of SQL unless it has the shape of a key we made.
        if (!keyId.All(Alphabet.Contains) || !secret.All(Alphabet.Contains))
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
        }

        byte[] stored;
        string role;
        string? tenantId;
        bool revoked;
        DateTimeOffset? expiresAt, lastUsedAt;
        await using (var command = dataSource.CreateCommand(
            "SELECT secret_digest, role, tenant_id, revoked_at IS NOT NULL, expires_at, last_used_at FROM api_keys WHERE key_id = $1"))
        {
            command.Parameters.AddWithValue(keyId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
            }

            stored = (byte[])reader[0];
            role = reader.GetString(1);
            tenantId = reader.IsDBNull(2) ? null : reader.GetString(2);
            revoked = reader.GetBoolean(3);
            expiresAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            lastUsedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
        }

        // Whether a key was revoked or expired is told only to a caller who holds its secret.
        if (!CryptographicOperations.FixedTimeEquals(stored, Digest(secret)))
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
        }

        var now = time.GetUtcNow();
        if (revoked)
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Revoked);
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Expired);
        }

        if (lastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            // The condition repeats the check in SQL, so that gateways racing on one key write it once.
            await using var touch = dataSource.CreateCommand(
                "UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)");
            touch.Parameters.AddWithValue(keyId);
            touch.Parameters.AddWithValue(now);
            touch.Parameters.AddWithValue(now - LastUsedResolution);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        // A role the code does not know grants nothing.
        return ApiKeyRoles.TryParse(role, out var parsed)
            ? new ApiKeyVerification(new ApiKeyIdentity(keyId, parsed, tenantId), ApiKeyRefusal.None)
            : ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
    }

    // A stored role is one this code wrote; anything else is shown as the least privilege, as it grants nothing.
    private static ApiKeyRole StoredRole(string text) => ApiKeyRoles.TryParse(text, out var role) ? role : ApiKeyRole.Reader;

    /// <summary>
    /// One page of keys that are not revoked (expired ones included, with their expiry), in id order:
    /// of <paramref name="tenantId"/>, or of every tenant and the global keys when it is null.
    /// </summary>
    public async Task<(IReadOnlyList<ApiKeyInfo> Items, string? NextCursor)> ListAsync(string? tenantId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT key_id, role, tenant_id, created_at, last_used_at, expires_at
              FROM api_keys
             WHERE revoked_at IS NULL
               AND ($1::text IS NULL OR tenant_id = $1)
               AND ($2::text IS NULL OR key_id > $2)
             ORDER BY key_id
             LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit + 1);
        var items = new List<ApiKeyInfo>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new ApiKeyInfo(
                    reader.GetString(0), StoredRole(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return (items, more ? items[^1].KeyId : null);
    }

    /// <summary>
    /// Revokes a key that is not revoked yet, when it belongs to <paramref name="scopeTenantId"/> (any key when null).
    /// Null when there is no such key: unknown, already revoked, or another tenant's.
    /// </summary>
    public async Task<ApiKeyInfo?> RevokeAsync(string keyId, string? scopeTenantId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE api_keys SET revoked_at = $3
             WHERE key_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR tenant_id = $2)
            RETURNING key_id, role, tenant_id, created_at, last_used_at, expires_at
            """);
        command.Parameters.AddWithValue(keyId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)scopeTenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(time.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ApiKeyInfo(
            reader.GetString(0), StoredRole(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }
}
