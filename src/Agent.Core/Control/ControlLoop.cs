using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.NKeys;
using RavenXcope.Agent.Supervision;
using RavenXcope.Common;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>
/// The agent's control client: gets NATS credentials over the shared mTLS channel for a user key made here
/// (<c>nats.creds</c>, 0600), pulls commands from its own durable consumer, hands them to the supervisor, records
/// each outcome in the <see cref="OutcomeLedger"/> and acks it, and sends status (see <see cref="StatusReporter"/>).
/// Every retry backs off exponentially with jitter and starts again from the beginning only after a success.
/// </summary>
public sealed partial class ControlLoop(
    StateDirectory directory, AgentState identity, SensorLink link, ISupervisor supervisor, AgentOptions options, IAgentObserver observer, TimeProvider time, ILogger logger)
{
    private const int UnexplainedFailuresBeforeNewCredentials = 3;
    private static readonly TimeSpan CredentialsMargin = TimeSpan.FromHours(1);
    private readonly Backoff _credentialsBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    private readonly Backoff _connectBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    private readonly SemaphoreSlim _wake = new(0, 1);
    private OutcomeLedger? _ledger;
    private StatusReporter? _reporter;
    private NatsConnection? _connection;
    private string? _lastCommandId;
    private string? _lastOutcome;
    private int _unexplainedFailures;

    /// <summary>The trust state the status messages carry (set by the heartbeat loop).</summary>
    public string TrustState { get; set; } = "trusted";

    /// <summary>The state of the NATS connection, or null while there is none.</summary>
    public NatsConnectionState? ConnectionState => Volatile.Read(ref _connection)?.ConnectionState;

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

    /// <summary>Sends one status now, as the status timer would; false when not connected to NATS.</summary>
    public async Task<bool> SendStatusAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _reporter) is not { } reporter)
        {
            return false;
        }

        await reporter.SendOnceAsync(cancellationToken);
        return true;
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
                using var timer = new CancellationTokenSource(delay, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
                await _wake.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The wait is over.
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Credentials to connect with (cached or new), or none and how long to wait before asking again.</summary>
    private async Task<(NatsCredentialsResponse? Credentials, bool FromCache, TimeSpan Wait)> CredentialsAsync(CancellationToken cancellationToken)
    {
        if (NatsCredentialsFile.Load(directory, time.GetUtcNow() + CredentialsMargin) is { } cached)
        {
            // Loading a cache is not a success: the backoff is reset only once the server took them.
            return (cached, true, TimeSpan.Zero);
        }

        using var user = KeyPair.CreatePair(PrefixByte.User);
        var answer = await link.Channel.NatsCredentialsAsync(user.GetPublicKey(), cancellationToken);
        if (!answer.IsSuccess)
        {
            observer.CredentialsNotIssued(answer.Status);
            var wait = _credentialsBackoff.Failed();
            if (answer.RetryAfter is { } asked && asked > wait)
            {
                wait = asked < _credentialsBackoff.Cap ? asked : _credentialsBackoff.Cap;
            }

            LogCredentialsRefused(logger, answer.Status, answer.Code ?? (answer.Status == 202 ? "pending" : "unknown"), wait);
            observer.NatsDown(answer.Status == 202
                ? "NATS credentials pending: the tenant's account is not provisioned yet"
                : $"NATS credentials not issued ({(answer.Status == 0 ? "no answer" : answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} {answer.Code ?? answer.Detail ?? string.Empty})".TrimEnd(),
                failed: false);
            return (null, false, wait);
        }

        _credentialsBackoff.Succeeded();
        var credentials = answer.Value!;
        NatsCredentialsFile.Save(directory, credentials, user.GetSeed());
        observer.CredentialsIssued();
        LogCredentials(logger, credentials.Consumer, credentials.ExpiresAt);
        return (credentials, false, TimeSpan.Zero);
    }

    /// <summary>Connects, pulls until the credentials near their end or the connection fails; returns how long to wait.</summary>
    private async Task<TimeSpan> ConnectAndPullAsync(NatsCredentialsResponse credentials, bool fromCache, CancellationToken cancellationToken)
    {
        var opts = NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            Name = $"ravenxcope-sensor-{credentials.Consumer}",
            AuthOpts = NatsAuthOpts.Default with { CredsFile = directory.NatsCredsFile },
            InboxPrefix = credentials.InboxPrefix,

            // Longer than NATS.Net's 2 s: a server or host busy with a fleet reconnecting at once answers slower, and a
            // connect given up early is tried again after a backoff that grows (in a 1 000-agent restart storm, 2 s
            // made about three attempts an agent fail and doubled the time to reconnect).
            ConnectTimeout = TimeSpan.FromSeconds(10),

            // The client's own reconnects back off too, with a jitter wide enough to spread a fleet; after a
            // few the connection closes and this loop's backoff takes over.
            MaxReconnectRetry = 3,
            ReconnectWaitMin = TimeSpan.FromSeconds(1),
            ReconnectWaitMax = TimeSpan.FromSeconds(8),
            ReconnectJitter = TimeSpan.FromSeconds(2),
        };
        if (options.NatsBufferBytes is { } buffer)
        {
            opts = opts with { WriterBufferSize = buffer, ReaderBufferSize = buffer };
        }

        await using var connection = new NatsConnection(opts);
        INatsJSConsumer consumer;
        try
        {
            await connection.ConnectAsync();
            consumer = await new NatsJSContext(connection).GetConsumerAsync(credentials.Stream, credentials.Consumer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var wait = _connectBackoff.Failed();
            if (!await RefusedAsync(e, credentials, cancellationToken))
            {
                // Credentials that may still be good are kept: asking for new ones adds load where there already is some.
                LogNatsUnreachable(logger, NatsFailure.Describe(e), wait);
                observer.NatsDown($"cannot connect to {credentials.NatsUrl}: {NatsFailure.Describe(e)}", failed: true);
                return wait;
            }

            // The server did not let this user in (revoked by a disable, expired, account changed): drop the cached
            // JWT and ask the control plane for a new one.
            _unexplainedFailures = 0;
            NatsCredentialsFile.Delete(directory);
            LogNatsRefused(logger, NatsFailure.Describe(e));
            observer.NatsDown($"{credentials.NatsUrl} refused the credentials ({NatsFailure.Describe(e)}); asking for new ones", failed: true);
            return fromCache ? TimeSpan.Zero : wait;
        }

        _connectBackoff.Succeeded();
        _unexplainedFailures = 0;
        LogConnected(logger, credentials.NatsUrl);
        using var reporter = new StatusReporter(connection, NatsNames.StatusSubject(identity.TenantId, identity.SensorId), _ledger!, Facts, options.StatusInterval, StatusReporter.DefaultReplyTimeout, logger, time, observer);
        using var stopReporter = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = reporter.RunAsync(stopReporter.Token);
        supervisor.Changed += reporter.Trigger;
        Volatile.Write(ref _connection, connection);
        Volatile.Write(ref _reporter, reporter);
        observer.NatsConnected();
        try
        {
            while (!cancellationToken.IsCancellationRequested && credentials.ExpiresAt > time.GetUtcNow() + CredentialsMargin)
            {
                var message = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = options.StatusInterval }, cancellationToken: cancellationToken);
                if (message is { } m && m.Data is { } data)
                {
                    // A start checks Suricata's configuration and waits for it to answer: longer than JetStream's ack
                    // wait with a large ruleset. Telling the server the work goes on keeps it from redelivering meanwhile.
                    using (var working = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                    {
                        var progress = KeepInProgressAsync(m, working.Token);
                        try
                        {
                            await ExecuteAsync(data);
                        }
                        finally
                        {
                            await working.CancelAsync();
                            await progress;
                        }
                    }

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
            observer.NatsDown($"connection to {credentials.NatsUrl} lost: {NatsFailure.Describe(e)}", failed: true);
            return wait;
        }
        finally
        {
            Volatile.Write(ref _reporter, null);
            Volatile.Write(ref _connection, null);
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

    private async Task KeepInProgressAsync(INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), time, cancellationToken);
                await message.AckProgressAsync(cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException)
        {
            // The ack that follows the outcome settles it; a redelivery meanwhile is recognised by the ledger.
        }
    }

    private async Task ExecuteAsync(byte[] data)
    {
        var read = ProtocolReader.ReadCommand(data);
        if (read.Message is not { } command)
        {
            LogMalformed(logger, read.Refusal ?? "unreadable");
            return;
        }

        var commandId = command.CommandId;
        string outcome;
        string? detail = null;
        if (_ledger!.TryGetExecuted(commandId, out var earlier))
        {
            // Delivered again (an ack lost, or a crash after the outcome was stored): report, do not repeat.
            LogRedelivered(logger, commandId, earlier);
            outcome = earlier;
        }
        else if (command.ExpiresAt <= time.GetUtcNow())
        {
            outcome = CommandOutcomes.Expired;
            LogExpired(logger, commandId);
        }
        else
        {
            LogCommand(logger, commandId, command.Type);
            (outcome, detail) = await supervisor.ApplyAsync(command.Type);
        }

        _ledger.Record(commandId, outcome, detail);
        if (_ledger.LastSaveError is { } error)
        {
            LogLedgerSaveFailed(logger, directory.OutcomesFile, error);
        }

        _lastCommandId = commandId;
        _lastOutcome = outcome;
        observer.CommandTaken(commandId, command.Type, outcome);
    }

    /// <summary>
    /// Whether a failed connect means the credentials were refused. NATS.Net names a refusal (authorization violation,
    /// user or account authentication expired or revoked); a connect that timed out, or that the server ended because
    /// the client was slow to log in (a fleet reconnecting at once), says nothing of them. A failure that names nothing
    /// while the server greets counts as a refusal only the third time in a row, so that credentials refused in some
    /// unnamed way are still replaced.
    /// </summary>
    private async Task<bool> RefusedAsync(Exception failure, NatsCredentialsResponse credentials, CancellationToken cancellationToken)
    {
        switch (NatsFailure.ServerAnswer(failure))
        {
            case NatsServerAnswer.Refused:
                return true;
            case NatsServerAnswer.Busy:
                return false;
        }

        if (NatsFailure.IsUnreachable(failure) || !await NatsFailure.ServerGreetsAsync(credentials.NatsUrl, cancellationToken))
        {
            return false;
        }

        return ++_unexplainedFailures >= UnexplainedFailuresBeforeNewCredentials;
    }

    private StatusFacts Facts() => new(supervisor.Desired, supervisor.Observed, _lastCommandId, _lastOutcome, TrustState, supervisor.Report);
}
