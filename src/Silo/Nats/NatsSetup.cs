using NATS.NKeys;
using RavenXcope.Common;
using RavenXcope.Grains.Nats;
using RavenXcope.ServiceDefaults;

namespace RavenXcope.Silo.Nats;

/// <summary>Loads the control bus's secrets at start, failing fast with the setting and the fix.</summary>
public static class NatsSetup
{
    /// <summary>
    /// Fills the SYS user's credentials and the SYS account's JWT paths, when not given, with the files that
    /// <c>init-operator</c> writes next to the operator seed. Runs before validation, wherever the settings are read.
    /// </summary>
    public static void ApplyDefaults(NatsSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.OperatorSeedPath))!;
        if (string.IsNullOrWhiteSpace(settings.SystemUserCredsPath))
        {
            settings.SystemUserCredsPath = Path.Combine(directory, OperatorFiles.SystemUserCreds);
        }

        if (string.IsNullOrWhiteSpace(settings.SystemAccountJwtPath))
        {
            settings.SystemAccountJwtPath = Path.Combine(directory, OperatorFiles.SystemAccountJwt);
        }
    }

    /// <summary>The operator key and the seed vault, or nothing when the control bus is off.</summary>
    public static (KeyPair? Operator, SeedVault? Vault) Load(NatsSettings settings)
    {
        if (!settings.Enabled)
        {
            return (null, null);
        }

        SeedVault vault;
        try
        {
            vault = new SeedVault(settings.AccountSeedEncryptionKey);
        }
        catch (FormatException e)
        {
            throw new InvalidConfigurationException($"{EnvironmentNames.Describe("Nats:AccountSeedEncryptionKey")}: {e.Message} (make one with: head -c 32 /dev/urandom | base64)");
        }

        try
        {
            SecretFiles.RequireOwnerOnly(settings.SystemUserCredsPath);
            if (!File.Exists(settings.SystemAccountJwtPath))
            {
                throw new FileNotFoundException($"{settings.SystemAccountJwtPath} does not exist; run ravenxcope-silo init-operator", settings.SystemAccountJwtPath);
            }

            return (OperatorFiles.LoadSeed(settings.OperatorSeedPath), vault);
        }
        catch (InsecureKeyFileException e)
        {
            throw new InvalidConfigurationException($"{EnvironmentNames.Describe("Nats:OperatorSeedPath")}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NKeysException)
        {
            throw new InvalidConfigurationException($"the NATS operator files cannot be used: {e.Message}");
        }
    }
}
