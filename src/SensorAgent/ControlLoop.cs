using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.NKeys;
using RavenXcope.Common;
using RavenXcope.NatsAuth;
using RavenXcope.SensorAgent.Supervision;

namespace RavenXcope.SensorAgent;

/// <summary>
/// The agent's control client: gets NATS credentials over mTLS for a user key made here (<c>nats.creds</c>,
/// 0600), pulls commands from its own durable consumer, hands them to the supervisor, records each outcome
/// in the <see cref="OutcomeLedger"/> and acks it, and sends status (see <see cref="StatusReporter"/>).
/// Every retry backs off exponentially with jitter and starts again from the beginning only after a success.
/// </summary>
public sealed partial class ControlLoop(StateDirectory directory, Supervisor supervisor, ILogger<ControlLoop> logger, TimeSpan statusInterval)
{
    private sealed record CredentialsResponse(string Jwt, string NatsUrl, string InboxPrefix, string Stream, string Consumer, DateTimeOffset ExpiresAt);

    private sealed record Command(string CommandId, string Type, DateTimeOffset ExpiresAt);

    private readonly Backoff _credentialsBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    private readonly Backoff _connectBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    private readonly SemaphoreSlim _wake = new(0, 1);
    private OutcomeLedger? _ledger;
    private string? _lastCommandId;
    private string? _lastOutcome;

    /// <summary>The trust state the status messages carry (set by the heartbeat loop).</summary>
    public string TrustState { get; set; } = "trusted";

    /// <summary>
    /// Cuts the current wait short: the heartbeat loop calls it when the control plane accepts the sensor
    /// again after refusing it (enabled after a disable), so credentials are asked for now.
    /// </summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _ledger = OutcomeLedger.Load(directory.OutcomesFile);
        _ledger.Dropped += dropped => LogOutcomeDropped(logger, dropped.CommandId, dropped.Outcome);
        if (_ledger.UnconfirmedCount > 0)
        {
            LogOutcomesLoaded(logger, _ledger.UnconfirmedCount);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var (credentials, fromCache, wait) = await CredentialsAsync(cancellationToken);
                delay = credentials is null ? wait : await ConnectAndPullAsync(credentials, fromCache, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or CryptographicException)
            {
                delay = _credentialsBackoff.Failed();
                LogLocalFailure(logger, e.Message, delay);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                // Never end silently: a control loop that died would leave a heartbeating agent deaf to commands.
                delay = _connectBackoff.Failed();
                LogUnexpected(logger, NatsFailure.Describe(e), delay);
            }

            if (delay <= TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                await _wake.WaitAsync(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Credentials to connect with (cached or new), or none and how long to wait before asking again.</summary>
    private async Task<(CredentialsResponse? Credentials, bool FromCache, TimeSpan Wait)> CredentialsAsync(CancellationToken cancellationToken)
    {
        var state = directory.Load() ?? throw new IOException("not enrolled");
        if (File.Exists(directory.NatsMetaFile) && File.Exists(directory.NatsCredsFile)
            && JsonSerializer.Deserialize<CredentialsResponse>(await File.ReadAllTextAsync(directory.NatsMetaFile, cancellationToken)) is { } cached
            && cached.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1))
        {
            // Loading a cache is not a success: the backoff is reset only once the server took them.
            return (cached, true, TimeSpan.Zero);
        }

        using var user = KeyPair.CreatePair(PrefixByte.User);
        using var identity = LocalKeys.LoadIdentity(directory.CertificateFile, directory.KeyFile);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(directory.CaFile, cancellationToken));
        using var client = new ControlPlaneClient(new Uri(state.SensorApiUrl), ca, identity, TimeSpan.FromSeconds(15));
        var answer = await client.PostAsync<CredentialsResponse>("/sensor/v1/nats-credentials", new { userPublicKey = user.GetPublicKey() }, cancellationToken);
        if (!answer.IsSuccess)
        {
            var wait = _credentialsBackoff.Failed();
            if (answer.RetryAfter is { } asked && asked > wait)
            {
                wait = asked < _credentialsBackoff.Cap ? asked : _credentialsBackoff.Cap;
            }

            LogCredentialsRefused(logger, answer.Status, answer.Code ?? (answer.Status == 202 ? "pending" : "unknown"), wait);
            return (null, false, wait);
        }

        _credentialsBackoff.Succeeded();
        var credentials = answer.Value!;
        SecretFiles.WriteAtomically(directory.NatsCredsFile, NatsJwt.FormatCreds(credentials.Jwt, user.GetSeed()), secret: true);
        SecretFiles.WriteAtomically(directory.NatsMetaFile, JsonSerializer.Serialize(credentials), secret: true);
        LogCredentials(logger, credentials.Consumer, credentials.ExpiresAt);
        return (credentials, false, TimeSpan.Zero);
    }

    /// <summary>Connects, pulls until the credentials near their end or the connection fails; returns how long to wait.</summary>
    private async Task<TimeSpan> ConnectAndPullAsync(CredentialsResponse credentials, bool fromCache, CancellationToken cancellationToken)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            Name = $"ravenxcope-sensor-{credentials.Consumer}",
            AuthOpts = NatsAuthOpts.Default with { CredsFile = directory.NatsCredsFile },
            InboxPrefix = credentials.InboxPrefix,

            // The client's own reconnects back off too, with a jitter wide enough to spread a fleet; after a
            // few the connection closes and this loop's backoff takes over.
            MaxReconnectRetry = 3,
            ReconnectWaitMin = TimeSpan.FromSeconds(1),
            ReconnectWaitMax = TimeSpan.FromSeconds(8),
            ReconnectJitter = TimeSpan.FromSeconds(2),
        });

        INatsJSConsumer consumer;
        try
        {
            await connection.ConnectAsync();
            consumer = await new NatsJSContext(connection).GetConsumerAsync(credentials.Stream, credentials.Consumer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var wait = _connectBackoff.Failed();
            if (NatsFailure.IsUnreachable(e) || !await NatsFailure.ServerGreetsAsync(credentials.NatsUrl, cancellationToken))
            {
                LogNatsUnreachable(logger, NatsFailure.Describe(e), wait);
                return wait;
            }

            // The server answered and did not let this user in, however NATS.Net words it (revoked by a
            // disable, expired, account changed): drop the cached JWT and ask the control plane for a new one.
            DeleteCachedCredentials();
            LogNatsRefused(logger, NatsFailure.Describe(e));
            return fromCache ? TimeSpan.Zero : wait;
        }

        _connectBackoff.Succeeded();
        LogConnected(logger, credentials.NatsUrl);
        using var reporter = new StatusReporter(connection, StatusSubject(credentials), _ledger!, Facts, statusInterval, StatusReporter.DefaultReplyTimeout, logger);
        using var stopReporter = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = reporter.RunAsync(stopReporter.Token);
        supervisor.Changed += reporter.Trigger;
        try
        {
            while (!cancellationToken.IsCancellationRequested && credentials.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1))
            {
                var message = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = statusInterval }, cancellationToken: cancellationToken);
                if (message is { } m && m.Data is { } data)
                {
                    await ExecuteAsync(data);

                    // Acked once the outcome is on disk: a crash before this line redelivers the command,
                    // and the ledger recognises it instead of executing it again.
                    await m.AckAsync(cancellationToken: cancellationToken);
                    reporter.Trigger();
                }
            }

            return TimeSpan.Zero;
        }
        catch (Exception e) when (e is NatsException or IOException or TimeoutException or ObjectDisposedException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var wait = _connectBackoff.Failed();
            LogNatsLost(logger, NatsFailure.Describe(e), wait);
            return wait;
        }
        finally
        {
            supervisor.Changed -= reporter.Trigger;
            await stopReporter.CancelAsync();
            try
            {
                await reporting.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever the reporter ended with must not end this loop: the agent would stop taking commands.
                LogReporterFailed(logger, NatsFailure.Describe(e));
            }
        }
    }

    private async Task ExecuteAsync(byte[] data)
    {
        Command? command;
        try
        {
            command = JsonSerializer.Deserialize<Command>(data, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException)
        {
            command = null;
        }

        if (command?.CommandId is not { Length: > 0 } commandId)
        {
            LogMalformed(logger);
            return;
        }

        string outcome;
        if (_ledger!.TryGetExecuted(commandId, out var earlier))
        {
            // Delivered again (an ack lost, or a crash after the outcome was stored): report, do not repeat.
            LogRedelivered(logger, commandId, earlier);
            outcome = earlier;
        }
        else if (command.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            outcome = "expired";
            LogExpired(logger, commandId);
        }
        else
        {
            LogCommand(logger, commandId, command.Type);
            outcome = await supervisor.ApplyAsync(command.Type);
        }

        _ledger.Record(commandId, outcome);
        if (_ledger.LastSaveError is { } error)
        {
            LogLedgerSaveFailed(logger, directory.OutcomesFile, error);
        }

        _lastCommandId = commandId;
        _lastOutcome = outcome;
    }

    private StatusFacts Facts() => new(supervisor.Desired, supervisor.Observed, _lastCommandId, _lastOutcome, TrustState);

    private void DeleteCachedCredentials()
    {
        File.Delete(directory.NatsCredsFile);
        File.Delete(directory.NatsMetaFile);
    }

    private static string StatusSubject(CredentialsResponse credentials)
    {
        // cmd-<t>-<s> and _INBOX.<t>.<s> name the same sensor; the inbox prefix splits cleanly.
        var parts = credentials.InboxPrefix.Split('.');
        return $"rxc.{parts[1]}.{parts[2]}.status";
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A command message without a command id was dropped")]
    private static partial void LogMalformed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS refused this sensor's credentials ({Reason}); dropped them and asking the control plane for new ones")]
    private static partial void LogNatsRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS unreachable ({Reason}); connecting again in {Wait}")]
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
