using System.Security.Cryptography;
using System.Text;

namespace RavenXcope.Common;

/// <summary>
/// The MAC of an audit entry: HMAC-SHA256 under the audit key over the previous entry's MAC and the
/// entry's fields, each length-prefixed so that no two different entries share an input.
/// </summary>
public static class AuditChain
{
    /// <summary>The MAC of the first entry's predecessor.</summary>
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>Computes an entry's MAC.</summary>
    public static byte[] Mac(byte[] key, byte[] previousMac, string tenantId, long sequence, DateTimeOffset at, string actor, string action, string subject, string details)
    {
        using var stream = new MemoryStream();
        void Field(byte[] bytes)
        {
            stream.Write(BitConverter.GetBytes(bytes.Length));
            stream.Write(bytes);
        }

        Field(previousMac);
        foreach (var text in new[] { tenantId, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), at.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture), actor, action, subject, details })
        {
            Field(Encoding.UTF8.GetBytes(text));
        }

        return HMACSHA256.HashData(key, stream.ToArray());
    }
}
