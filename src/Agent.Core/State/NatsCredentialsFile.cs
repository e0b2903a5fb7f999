using System.Text.Json;
using RavenXcope.Common;
using RavenXcope.NatsAuth;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>
/// The NATS credentials kept in the state directory: <c>nats.creds</c> (the user JWT and the seed made here, 0600)
/// and <c>nats.json</c> (where and what they are for, as the control plane gave them; read case-insensitively, so
/// that a file an earlier agent wrote with other casing still reads), so that a restarted agent connects without asking again.
/// </summary>
public static class NatsCredentialsFile
{
    /// <summary>The kept credentials, or null when there are none or they end before <paramref name="validUntil"/>.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="JsonException"><c>nats.json</c> is not what this agent wrote.</exception>
    public static NatsCredentialsResponse? Load(StateDirectory directory, DateTimeOffset validUntil) =>
        File.Exists(directory.NatsMetaFile) && File.Exists(directory.NatsCredsFile)
        && JsonSerializer.Deserialize(File.ReadAllText(directory.NatsMetaFile), ProtocolJson.Default.NatsCredentialsResponse) is { } kept
        && kept.ExpiresAt > validUntil
            ? kept
            : null;

    /// <summary>Keeps new credentials: the creds file first, then what they are for.</summary>
    public static void Save(StateDirectory directory, NatsCredentialsResponse credentials, string userSeed)
    {
        SecretFiles.WriteAtomically(directory.NatsCredsFile, NatsJwt.FormatCreds(credentials.Jwt, userSeed), secret: true);
        SecretFiles.WriteAtomically(directory.NatsMetaFile, JsonSerializer.Serialize(credentials, ProtocolJson.Default.NatsCredentialsResponse), secret: true);
    }

    /// <summary>Forgets the credentials (NATS refused them).</summary>
    public static void Delete(StateDirectory directory)
    {
        File.Delete(directory.NatsCredsFile);
        File.Delete(directory.NatsMetaFile);
    }
}
