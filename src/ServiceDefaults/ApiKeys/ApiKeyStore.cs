using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>
/// Operator API keys in <c>api_keys</c>: <c>rxck_&lt;id&gt;_&lt;secret&gt;</c>. The key is shown once; only the
/// SHA-256 of its secret part is stored, and verification compares digests in constant time.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Prefix = "rxck_";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Creates a key; the returned text is the only copy of its secret.</summary>
    public async Task<(string ApiKey, ApiKeyIdentity Identity)> CreateAsync(ApiKeyRole role, string? tenantId, CancellationToken cancellationToken = default)
    {
        var keyId = RandomText(12);
        var secret = RandomText(40);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO api_keys (key_id, secret_digest, role, tenant_id, created_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.AddWithValue(keyId);
        command.Parameters.AddWithValue(Digest(secret));
        command.Parameters.AddWithValue(ApiKeyRoles.Name(role));
        command.Parameters.AddWithValue((object?)tenantId ?? DBNull.Value);
        command.Parameters.AddWithValue(time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ($"{Prefix}{keyId}_{secret}", new ApiKeyIdentity(keyId, role, tenantId));
    }

    /// <summary>The key's identity, or null for an unknown, revoked or malformed key.</summary>
    public async Task<ApiKeyIdentity?> VerifyAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length != Prefix.Length + 12 + 1 + 40 || presented[Prefix.Length + 12] != '_')
        {
            return null;
        }

        var keyId = presented.Substring(Prefix.Length, 12);
        var secret = presented[(Prefix.Length + 13)..];
        // Whatever the client sent stays out of SQL unless it has the shape of a key we made.
        if (!keyId.All(Alphabet.Contains) || !secret.All(Alphabet.Contains))
        {
            return null;
        }

        await using var command = dataSource.CreateCommand(
            "SELECT secret_digest, role, tenant_id FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL");
        command.Parameters.AddWithValue(keyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stored = (byte[])reader[0];
        if (!CryptographicOperations.FixedTimeEquals(stored, Digest(secret)))
        {
            return null;
        }

        // A role the code does not know grants nothing.
        return ApiKeyRoles.TryParse(reader.GetString(1), out var role)
            ? new ApiKeyIdentity(keyId, role, reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
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
