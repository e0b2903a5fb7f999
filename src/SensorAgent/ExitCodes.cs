using RavenXcope.Agent;

namespace RavenXcope.SensorAgent;

/// <summary>The agent's exit codes, one per failure mode (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Not enrolled (status), or stopped by a signal after a clean shutdown is not an error.</summary>
    public const int NotEnrolled = 1;

    /// <summary>Bad arguments or configuration.</summary>
    public const int Usage = 2;

    /// <summary>The control plane refused: invalid claim code, revoked or disabled sensor.</summary>
    public const int Refused = 3;

    /// <summary>The control plane could not be reached, or its certificate is not trusted.</summary>
    public const int Unreachable = 4;

    /// <summary>The control plane answered with an unexpected error.</summary>
    public const int ServerError = 5;

    /// <summary>The state directory could not be written or read.</summary>
    public const int LocalError = 6;

    /// <summary>The sensor was revoked: the agent stops; enroll again with a new claim code.</summary>
    public const int Revoked = 7;

    /// <summary>The control plane's CA (or the CA file) is not the one the claim code's fingerprint names: nothing was sent.</summary>
    public const int CaMismatch = 8;

    /// <summary>Enrolled, but the agent (<c>run</c>) is not running (status).</summary>
    public const int AgentNotRunning = 9;

    /// <summary>The agent runs, but Suricata, meant to run, failed to start or crashed (status).</summary>
    public const int SuricataDown = 10;

    /// <summary>Every code and its meaning, for <c>--help</c>.</summary>
    public static string Describe() => string.Join("; ", new[]
    {
        $"{Ok} done", $"{NotEnrolled} not enrolled (enroll again)", $"{Usage} bad arguments or a malformed claim code",
        $"{Refused} refused by the control plane", $"{Unreachable} control plane unreachable or not trusted", $"{ServerError} unexpected answer",
        $"{LocalError} state directory or service not usable", $"{Revoked} revoked", $"{CaMismatch} the control plane's CA is not the one the code names",
        $"{AgentNotRunning} the agent is not running (status)", $"{SuricataDown} Suricata failed or crashed (status)",
    });

    /// <summary>The exit code of an enrollment.</summary>
    public static int Of(EnrollOutcome outcome) => outcome switch
    {
        EnrollOutcome.Enrolled or EnrollOutcome.AlreadyEnrolled => Ok,
        EnrollOutcome.BadCaFile or EnrollOutcome.MalformedCode => Usage,
        EnrollOutcome.CaMismatch => CaMismatch,
        EnrollOutcome.LocalError => LocalError,
        EnrollOutcome.Unreachable => Unreachable,
        EnrollOutcome.Refused => Refused,
        _ => ServerError,
    };

    /// <summary>The exit code of a run.</summary>
    public static int Of(AgentExit exit) => exit switch
    {
        AgentExit.Revoked => Revoked,
        AgentExit.NotEnrolled => NotEnrolled,
        _ => Ok,
    };
}
