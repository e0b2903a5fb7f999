using System.CommandLine;

namespace RavenXcope.SensorAgent.Cli;

/// <summary>Options more than one subcommand takes, each with its environment variable and default.</summary>
internal static class AgentOptionsCli
{
    /// <summary>The state directory of a host's one agent (the package's, and the systemd unit's).</summary>
    public const string DefaultStateDir = "/var/lib/ravenxcope-sensor";

    /// <summary>The runtime directory that goes with <see cref="DefaultStateDir"/> (the unit's RuntimeDirectory).</summary>
    public const string DefaultRuntimeDir = "/run/ravenxcope-sensor";

    /// <summary>The state directory: identity, trust record, credentials, outcomes.</summary>
    public static Option<string> StateDir() => new("--state-dir")
    {
        Description = $"Where the key, certificates and trust record live (env RXC_STATE_DIR; default {DefaultStateDir}).",
        DefaultValueFactory = _ => Env("RXC_STATE_DIR") ?? DefaultStateDir,
    };

    /// <summary>The runtime directory: Suricata's command socket and the agent's live status.</summary>
    public static Option<string?> RuntimeDir() => new("--runtime-dir")
    {
        Description = $"Where Suricata's command socket and the agent's live status live (env RXC_RUNTIME_DIR; under systemd its RuntimeDirectory; {DefaultRuntimeDir} with the default state directory; else <state-dir>/run).",
    };

    /// <summary>
    /// The runtime directory to use: the option, RXC_RUNTIME_DIR, systemd's RUNTIME_DIRECTORY, the unit's for the default
    /// state directory (so that <c>status</c> in a root shell finds the service's), or one in the state directory.
    /// </summary>
    public static string ResolveRuntimeDir(string? given, string stateDir) => Path.GetFullPath(
        given is { Length: > 0 } ? given
        : Env("RXC_RUNTIME_DIR") is { } fromEnv ? fromEnv
        : Env("RUNTIME_DIRECTORY") is { } fromSystemd ? fromSystemd.Split(':')[0]
        : Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDir)) == DefaultStateDir ? DefaultRuntimeDir
        : Path.Combine(stateDir, "run"));

    /// <summary>An environment variable's value, or null when unset or empty.</summary>
    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>A list from an environment variable: separated by commas or white space.</summary>
    public static string[] EnvList(string name) =>
        Env(name)?.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
