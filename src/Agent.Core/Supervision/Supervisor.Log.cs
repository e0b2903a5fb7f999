using Microsoft.Extensions.Logging;

namespace RavenXcope.Agent.Supervision;

/// <summary>The supervisor's log lines.</summary>
public sealed partial class Supervisor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata started (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata (pid {Pid}) answers on its command socket: version {Version}, {Rules} rules loaded")]
    private static partial void LogAnswering(ILogger logger, int pid, string version, long rules);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata stopped (pid {Pid}, exit code {ExitCode})")]
    private static partial void LogStopped(ILogger logger, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Suricata could not be started: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suricata (pid {Pid}) does not answer on its command socket: {Reason}")]
    private static partial void LogUnanswered(ILogger logger, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Suricata (pid {Pid}) is hung: {Reason}")]
    private static partial void LogHung(ILogger logger, int pid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}; restarting in {DelaySeconds} s")]
    private static partial void LogRestarting(ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata was running before the agent stopped; starting it again")]
    private static partial void LogRestoring(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the desired state in {File}: {Reason}; an agent restart will not know it")]
    private static partial void LogKeepFailed(ILogger logger, string file, string reason);
}
