using NATS.NKeys;
using RavenXcope.Common;
using RavenXcope.NatsAuth;

namespace RavenXcope.Grains.Nats;

/// <summary>
/// <c>ravenxcope-silo init-operator</c>: the NATS operator (seed 0600, self-signed JWT), the SYS account and a
/// SYS user (creds 0600), and the nats-server configuration fragment (operator, system_account,
/// resolver URL). Existing files are kept: running it again changes nothing.
/// </summary>
public static class OperatorFiles
{
    /// <summary>File names in the directory.</summary>
    public const string OperatorSeed = "operator.seed", OperatorJwt = "operator.jwt", SystemAccountSeed = "sys-account.seed",
        SystemAccountJwt = "sys-account.jwt", SystemUserCreds = "sys-user.creds", ServerConfig = "nats-operator.conf";

    /// <summary>Creates what is missing in <paramref name="directory"/>; returns what it did.</summary>
    public static IReadOnlyList<string> Create(string directory, string resolverUrl, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var report = new List<string>();
        string Path(string name) => System.IO.Path.Combine(directory, name);

        using var op = LoadOrCreate(Path(OperatorSeed), PrefixByte.Operator, report);
        using var sys = LoadOrCreate(Path(SystemAccountSeed), PrefixByte.Account, report);

        // The JWTs and creds are derived from the seeds, so they are rewritten each time (the resolver URL may move).
        var operatorJwt = NatsJwt.Encode(op, op.GetPublicKey(), "ravenxcope", "operator", NatsClaims.Operator(sys.GetPublicKey(), resolverUrl), now);
        SecretFiles.WriteAtomically(Path(OperatorJwt), operatorJwt, secret: false);
        var sysJwt = NatsJwt.Encode(op, sys.GetPublicKey(), "SYS", "account", NatsClaims.Account(jetStream: false), now);
        SecretFiles.WriteAtomically(Path(SystemAccountJwt), sysJwt, secret: false);

        if (!File.Exists(Path(SystemUserCreds)))
        {
            using var user = KeyPair.CreatePair(PrefixByte.User);
            var userJwt = NatsJwt.Encode(sys, user.GetPublicKey(), "ravenxcope-sys", "user", NatsClaims.User([">"], [">"]), now);
            SecretFiles.WriteAtomically(Path(SystemUserCreds), NatsJwt.FormatCreds(userJwt, user.GetSeed()), secret: true);
            report.Add($"created the SYS user credentials {Path(SystemUserCreds)} (mode 0600)");
        }

        SecretFiles.WriteAtomically(Path(ServerConfig), $"""
            # Made by ravenxcope-silo init-operator: include it from nats-server.conf.
            operator: "{Path(OperatorJwt)}"
            system_account: {sys.GetPublicKey()}
            resolver: URL({resolverUrl})

            """, secret: false);
        report.Add($"wrote {Path(OperatorJwt)}, {Path(SystemAccountJwt)} and the server fragment {Path(ServerConfig)} (resolver {resolverUrl})");
        return report;
    }

    /// <summary>Loads a seed file, refusing one that group or others can read.</summary>
    public static KeyPair LoadSeed(string path)
    {
        SecretFiles.RequireOwnerOnly(path);
        return NKeyText.ParseSeed(File.ReadAllText(path).Trim());
    }

    private static KeyPair LoadOrCreate(string path, PrefixByte role, List<string> report)
    {
        if (File.Exists(path))
        {
            report.Add($"kept {path}");
            return LoadSeed(path);
        }

        var pair = KeyPair.CreatePair(role);
        SecretFiles.WriteNew(path, pair.GetSeed(), secret: true);
        report.Add($"created {path} (mode 0600)");
        return pair;
    }
}
