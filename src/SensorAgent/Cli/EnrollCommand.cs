using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;

namespace RavenXcope.SensorAgent.Cli;

/// <summary>
/// <c>ravenxcope-sensor enroll</c>: one command joins a host. The claim code carries the CA's fingerprint, so no CA file
/// is needed; with <c>--install</c> the service is enabled and started once the host is enrolled.
/// </summary>
internal static class EnrollCommand
{
    /// <summary>The systemd unit the Debian package installs.</summary>
    public const string Unit = "ravenxcope-sensor.service";

    public static Command Create(ILoggerFactory loggers)
    {
        var code = new Option<string>("--code")
        {
            Description = "The claim code the operator handed out (with the CA fingerprint it carries: rxc_<32 characters>_<64 hex digits>; env RXC_CLAIM_CODE).",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_CLAIM_CODE") ?? string.Empty,
        };
        var url = new Option<string>("--url")
        {
            Description = "Enrollment URL of the gateway, e.g. https://control.example:8443 (env RXC_ENROLL_URL).",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_ENROLL_URL") ?? string.Empty,
        };
        var caFile = new Option<string?>("--ca-file")
        {
            Description = "PEM file of the control plane's CA, instead of fetching it from the gateway and pinning it by the code's fingerprint (which it must match when the code has one).",
        };
        var install = new Option<bool>("--install") { Description = $"Once enrolled, enable and start {Unit} (systemd; the Debian package installs the unit)." };
        var stateDir = AgentOptionsCli.StateDir();
        var enroll = new Command("enroll", $"""
            Enroll this host with a claim code: the key is made here and never leaves it.
            Exit codes: {ExitCodes.Ok} enrolled (or already); {ExitCodes.Usage} bad arguments or malformed code (nothing sent); {ExitCodes.Refused} code or CSR refused; {ExitCodes.Unreachable} gateway unreachable or its certificate not trusted; {ExitCodes.ServerError} unexpected answer; {ExitCodes.LocalError} state directory not writable, or the service could not be started; {ExitCodes.CaMismatch} the gateway's CA is not the one the code names (nothing sent).
            """)
        {
            code, url, caFile, install, stateDir,
        };
        enroll.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(code) is not { Length: > 0 } given)
            {
                Console.Error.WriteLine("ravenxcope-sensor enroll: --code is required (or RXC_CLAIM_CODE)");
                return ExitCodes.Usage;
            }

            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps)
            {
                Console.Error.WriteLine("ravenxcope-sensor enroll: --url must be an https:// URL (or RXC_ENROLL_URL)");
                return ExitCodes.Usage;
            }

            var directory = new StateDirectory(result.GetValue(stateDir)!);
            var outcome = await new Enrollment(loggers.CreateLogger<Enrollment>()).RunAsync(given, target, result.GetValue(caFile), directory, cancellationToken);
            var exit = ExitCodes.Of(outcome);
            if (exit != ExitCodes.Ok)
            {
                return exit;
            }

            GiveToOwner(directory.Path);
            return result.GetValue(install) ? await InstallAsync(cancellationToken) : exit;
        });
        return enroll;
    }

    // Enrolled as root into a state directory the package made for the service's own user: the files go to that user,
    // or the service could not read its identity. (systemd adjusts ownership only when the directory itself differs.)
    private static void GiveToOwner(string stateDir)
    {
        if (!Environment.IsPrivilegedProcess || !Directory.Exists(stateDir))
        {
            return;
        }

        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", $"--reference={stateDir}", stateDir]) { UseShellExecute = false });
        chown?.WaitForExit();
    }

    private static async Task<int> InstallAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists("/run/systemd/system"))
        {
            Console.Error.WriteLine($"ravenxcope-sensor enroll --install: systemd is not running on this host; start the agent another way (ravenxcope-sensor run), the host is enrolled");
            return ExitCodes.LocalError;
        }

        using var systemctl = Process.Start(new ProcessStartInfo("systemctl", ["enable", "--now", Unit]) { UseShellExecute = false });
        if (systemctl is null)
        {
            return ExitCodes.LocalError;
        }

        await systemctl.WaitForExitAsync(cancellationToken);
        if (systemctl.ExitCode != 0)
        {
            Console.Error.WriteLine($"ravenxcope-sensor enroll --install: 'systemctl enable --now {Unit}' failed (exit code {systemctl.ExitCode}); is the ravenxcope-sensor package installed? The host is enrolled.");
            return ExitCodes.LocalError;
        }

        Console.WriteLine($"{Unit} enabled and started; see: ravenxcope-sensor status");
        return ExitCodes.Ok;
    }
}
