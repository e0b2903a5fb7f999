using Microsoft.Extensions.Logging;

namespace RavenXcope.Agent;

/// <summary>The control loop's log messages.</summary>
public sealed partial class ControlLoop
{
    [LoggerMessage(Level = LogLevel.Information, Message = "NATS credentials for consumer {Consumer}, valid until {ExpiresAt}")]
    private static partial void LogCredentials(ILogger logger, string consumer, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS credentials not given ({Status} {Code}); asking again in {Wait}")]
    private static partial void LogCredentialsRefused(ILogger logger, int status, string code, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to NATS at {Url}; waiting for commands")]
    private static partial void LogConnected(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId}: {Type}")]
    private static partial void LogCommand(ILogger logger, string commandId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} expired before it arrived; not executed")]
    private static partial void LogExpired(ILogger logger, string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} delivered again; already executed ({Outcome}), not executed again")]
    private static partial void LogRedelivered(ILogger logger, string commandId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command message was dropped: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS refused this sensor's credentials ({Reason}); dropped them and asking the control plane for new ones")]
    private static partial void LogNatsRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS unreachable or busy ({Reason}); connecting again in {Wait}")]
    private static partial void LogNatsUnreachable(ILogger logger, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS connection lost ({Reason}); connecting again in {Wait}")]
    private static partial void LogNatsLost(ILogger logger, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS loop: {Reason}; trying again in {Wait}")]
    private static partial void LogLocalFailure(ILogger logger, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS loop failed unexpectedly ({Reason}); trying again in {Wait}")]
    private static partial void LogUnexpected(ILogger logger, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The status sender stopped with {Reason}")]
    private static partial void LogReporterFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} command outcomes from before the restart wait for the control plane's confirmation")]
    private static partial void LogOutcomesLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {File}: {Reason}; the outcomes are kept in memory and written with the next change")]
    private static partial void LogLedgerSaveFailed(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outcome {Outcome} of command {CommandId} dropped unconfirmed: too many outcomes wait for the control plane")]
    private static partial void LogOutcomeDropped(ILogger logger, string commandId, string outcome);
}
