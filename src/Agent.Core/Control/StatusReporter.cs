using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent;

/// <summary>What a status message says besides the outcomes.</summary>
/// <param name="Desired">Suricata's desired state.</param>
/// <param name="Observed">Suricata's observed state.</param>
/// <param name="LastCommandId">The last command taken, if any.</param>
/// <param name="LastCommandOutcome">Its outcome.</param>
/// <param name="TrustState">The trust state the heartbeat last reported.</param>
/// <param name="Suricata">What Suricata itself last said, if anything.</param>
public sealed record StatusFacts(string Desired, string Observed, string? LastCommandId, string? LastCommandOutcome, string TrustState, SuricataReport? Suricata = null);

/// <summary>
/// Sends the agent's status as a NATS request on its status subject, on a timer and whenever it is
/// triggered, one request at a time (triggers that arrive meanwhile are folded into the next). Each
/// carries the oldest unconfirmed outcomes; the control plane's <see cref="StatusReply"/> confirms
/// them. No reply within the timeout confirms nothing: the same outcomes go out with the next status.
/// </summary>
public sealed partial class StatusReporter(
    INatsConnection connection,
    string subject,
    OutcomeLedger ledger,
    Func<StatusFacts> facts,
    TimeSpan interval,
    TimeSpan replyTimeout,
    ILogger logger,
    TimeProvider? time = null,
    IAgentObserver? observer = null) : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IAgentObserver _observer = observer ?? IAgentObserver.None;

    /// <summary>How long the agent waits for the control plane to confirm a status.</summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _trigger = new(0, 1);
    private bool _unconfirmedLogged;

    /// <summary>Asks for a status to be sent now (or right after the one in flight).</summary>
    public void Trigger()
    {
        try
        {
            _trigger.Release();
        }
        catch (SemaphoreFullException)
        {
            // One is already due: it will carry the latest state.
        }
    }

    /// <summary>Sends status until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Stopping while a request waits for its reply is the usual case, not an error: it ends quietly.
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await SendOnceAsync(cancellationToken);
                await WaitForTriggerAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends one status and applies the reply; returns how many outcomes it confirmed.</summary>
    public async Task<int> SendOnceAsync(CancellationToken cancellationToken)
    {
        var pending = ledger.Pending();
        byte[] body = Build(facts(), pending);

        // With nothing to confirm there is nothing to wait for: a plain publish, no reply for the bridge to send.
        if (pending.Length == 0)
        {
            try
            {
                await connection.PublishAsync(subject, body, cancellationToken: cancellationToken);
                _observer.StatusSent(true);
            }
            catch (Exception e) when (e is NatsException or ObjectDisposedException)
            {
                _observer.StatusSent(false);
                LogPublishFailed(logger, e.GetType().Name);
            }

            return 0;
        }

        // A request on a connection that is failing may wait on its publish, not only on the reply: bounded too.
        using var bound = new CancellationTokenSource(replyTimeout + replyTimeout + TimeSpan.FromSeconds(1), _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            var reply = await connection.RequestAsync<byte[], byte[]>(
                subject, body, replyOpts: new NatsSubOpts { Timeout = replyTimeout }, cancellationToken: deadline.Token);
            var confirmed = reply.HasNoResponders || reply.Data is null ? 0 : ledger.Confirm(ProtocolReader.ReadStatusReply(reply.Data));
            _observer.StatusSent(true);
            if (_unconfirmedLogged && pending.Length > 0 && confirmed > 0)
            {
                _unconfirmedLogged = false;
                LogConfirmedAgain(logger, confirmed, ledger.UnconfirmedCount);
            }

            return confirmed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Nothing confirmed: the outcomes stay and are sent again. Said once, not on every status.
            _observer.StatusSent(false);
            if (pending.Length > 0 && !_unconfirmedLogged)
            {
                _unconfirmedLogged = true;
                LogUnconfirmed(logger, pending.Length, e.GetType().Name);
            }

            return 0;
        }
    }

    /// <summary>The status message, with the oldest unconfirmed outcomes (at most <see cref="ProtocolLimits.MaxRecentOutcomes"/>).</summary>
    public static byte[] Build(StatusFacts facts, IReadOnlyList<CommandOutcome> pending) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new StatusMessage(facts.Desired, facts.Observed, facts.LastCommandId, facts.LastCommandOutcome, pending, facts.TrustState, HostInfo.Version,
                Suricata: facts.Suricata is { Error: { } error } report ? report with { Error = OutcomeLedger.Shorten(error, ProtocolLimits.MaxSuricataErrorLength) } : facts.Suricata),
            ProtocolJson.Default.StatusMessage);

    /// <inheritdoc />
    public void Dispose() => _trigger.Dispose();

    // The interval runs on the agent's clock (TimeProvider), a trigger cuts it short.
    private async Task WaitForTriggerAsync(CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(interval, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _trigger.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval is over.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Status not confirmed by the control plane ({Reason}); keeping {Count} outcomes to send again")]
    private static partial void LogUnconfirmed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The control plane confirmed {Confirmed} outcomes; {Remaining} still unconfirmed")]
    private static partial void LogConfirmedAgain(ILogger logger, int confirmed, int remaining);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status not sent ({Reason}); the next one follows on the timer")]
    private static partial void LogPublishFailed(ILogger logger, string reason);
}
