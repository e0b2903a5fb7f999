using System.Text.Json;
using Microsoft.Extensions.Logging;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Grains.State;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Sensors;

/// <summary>
/// The command ledger (its transitions: <see cref="CommandLedger{TEntry}"/>): <c>accepted → published (stream
/// sequence) → delivered → done | failed | expired | superseded</c>. The grain validates, lets the ledger
/// transition, persists, then counts, publishes and audits. The ledger is also the sensor's outbox: accepting a command only stores it, and the
/// grain publishes what is accepted in the background, in order, one at a time, outside any call's turn
/// (the command id is the JetStream <c>Nats-Msg-Id</c>, so a publication repeated after a crash is
/// deduplicated). A call never waits on NATS; while NATS is away a timer retries and keeps the activation.
/// </summary>
public sealed partial class SensorGrain
{
    private static readonly TimeSpan PublishRetryPeriod = TimeSpan.FromSeconds(2);

    // Acks the background publisher got, waiting for the one-way turn that stores them.
    private readonly Dictionary<string, ulong> _acked = new(StringComparer.Ordinal);
    private IGrainTimer? _publishRetry;
    private bool _publishing;
    private string? _publishFailure;
    private int _awaitingCounted;
    private DateTimeOffset? _lastStatusAt;

    private CommandLedger<CommandRecord> Ledger => new(S.Commands);

    private ICommandPublisher? Publisher => ServiceProvider.GetService(typeof(ICommandPublisher)) is ICommandPublisher { Enabled: true } publisher ? publisher : null;

    /// <inheritdoc />
    public async Task<Result<CommandSnapshot>> SubmitCommandAsync(CommandType type, string? idempotencyKey, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return Result<CommandSnapshot>.Fail(ProblemCodes.SensorNotFound, "no such sensor");
        }

        if (SensorLifecycleMachine.Renew(S.Lifecycle).Refusal is { } refusal)
        {
            return Result<CommandSnapshot>.Fail(refusal);
        }

        var ledger = Ledger;
        if (ledger.FindByIdempotencyKey(idempotencyKey) is { } earlier)
        {
            return Result<CommandSnapshot>.Ok(Snapshot(earlier));
        }

        // A stop makes a start that the agent has not taken yet moot. Should the agent have taken it after all,
        // its outcome replaces "superseded" (see RecordStatusAsync): the ledger says what happened.
        var (command, superseded) = ledger.Accept($"cmd_{Guid.NewGuid():N}", type, idempotencyKey, lifetime, time.GetUtcNow());
        foreach (var _ in superseded)
        {
            Telemetry.ControlPlaneMetrics.Command("superseded");
        }

        await state.WriteOrResetAsync(this, cancellationToken);
        CountAwaitingPublication();
        StartPublishing();
        await AuditAsync($"command.{type.ToString().ToLowerInvariant()}", "done", command.Id, cancellationToken);
        return Result<CommandSnapshot>.Ok(Snapshot(command));
    }

    /// <inheritdoc />
    public Task<CommandSnapshot?> GetCommandAsync(string commandId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Ledger.Find(commandId) is { } command ? Snapshot(command) : null);

    /// <inheritdoc />
    public Task<CommandSnapshot[]?> ListCommandsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(S.Exists ? S.Commands.AsEnumerable().Reverse().Select(Snapshot).ToArray() : null);

    /// <inheritdoc />
    public async Task RecordPublishedAsync()
    {
        if (_acked.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var ledger = Ledger;
        foreach (var (id, sequence) in _acked)
        {
            if (ledger.RecordPublished(id, sequence, now))
            {
                Telemetry.ControlPlaneMetrics.Command("published");
            }
        }

        _acked.Clear();
        await state.WriteOrResetAsync(this, CancellationToken.None);
        CountAwaitingPublication();
    }

    /// <inheritdoc />
    public async Task<string[]> RecordStatusAsync(SensorStatusReport status, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return [];
        }

        _lastStatusAt = time.GetUtcNow();
        ObserveSuricata(status.Desired, status.Observed, status.Suricata, _lastStatusAt.Value);
        var changed = false;
        var listed = false; // what the read model shows changed: Suricata's state or the latest failed command
        List<string>? recorded = null; // most status messages carry no outcome: nothing allocated for them
        var ledger = Ledger;
        foreach (var (id, reported, detail) in Outcomes(status))
        {
            (recorded ??= []).Add(id);
            if (ledger.RecordOutcome(id, reported, _lastStatusAt.Value, detail) is { } outcome)
            {
                Telemetry.ControlPlaneMetrics.Command(outcome.ToString().ToLowerInvariant());
                changed = true;
                listed |= outcome is CommandStatus.Failed or CommandStatus.Expired;
            }
        }

        // Suricata's state is what an operator cares about; the telemetry around it stays in memory.
        if (status.Observed != S.SuricataObserved)
        {
            S.SuricataObserved = status.Observed;
            changed = true;
            listed = true;
        }

        // The sensor list filters by Suricata's state and the fleet view lists failed commands: the read model
        // follows their changes, not every status.
        if (listed)
        {
            await WriteAndListAsync(cancellationToken);
        }
        else if (changed)
        {
            await state.WriteOrResetAsync(this, cancellationToken);
        }

        if (changed)
        {
            CountAwaitingPublication();
        }

        // Stored (or nothing to store): the agent may forget these outcomes.
        return recorded is null ? [] : [.. recorded.Distinct(StringComparer.Ordinal)];
    }

    // The outcomes the agent has not had confirmed (with their details), then the latest. Applying one twice changes
    // nothing: the second finds the entry already in that state or final.
    private static IEnumerable<(string Id, string? Outcome, string? Detail)> Outcomes(SensorStatusReport status)
    {
        foreach (var recent in status.RecentOutcomes ?? [])
        {
            yield return (recent.CommandId, recent.Outcome, recent.Detail);
        }

        if (status.LastCommandId is { } last)
        {
            yield return (last, status.LastCommandOutcome, null);
        }
    }

    /// <summary>After a deactivation or a silo restart, commands accepted but not yet published are published.</summary>
    private void ResumePublishing()
    {
        CountAwaitingPublication();
        StartPublishing();
    }

    /// <summary>Starts the background publisher unless it runs already or there is nothing to publish.</summary>
    private void StartPublishing()
    {
        if (_publishing || Publisher is null || Ledger.AwaitingPublication == 0)
        {
            return;
        }

        _publishing = true;
        _ = PublishAcceptedAsync();
    }

    /// <summary>
    /// Publishes the accepted commands oldest first. It runs on the grain's scheduler but is no call's turn: other
    /// calls proceed while it waits for a PubAck. It only reads the ledger; what it learns is stored by a one-way
    /// turn of its own (<see cref="RecordPublishedAsync"/>), and a failure leaves the rest to the retry timer.
    /// </summary>
    private async Task PublishAcceptedAsync()
    {
        try
        {
            var publisher = Publisher!;
            while (Ledger.NextToPublish(_acked.ContainsKey, time.GetUtcNow()) is { } command)
            {
                ulong sequence;
                try
                {
                    sequence = await publisher.PublishAsync(S.TenantId, S.SensorId, command.Id, Payload(command), CancellationToken.None);
                }
                catch (Exception e)
                {
                    // However publishing failed (NATS away or restarting, a JetStream error), the command stays
                    // accepted and stored; the timer tries again. Said once per outage, not on every attempt.
                    var reason = $"{e.GetType().Name}: {e.Message}";
                    CommandLedger<CommandRecord>.RecordPublishFailure(command, reason);
                    if (_publishFailure is null)
                    {
                        LogNotPublished(logger, S.TenantId, S.SensorId, command.Id, reason, PublishRetryPeriod.TotalSeconds);
                    }

                    _publishFailure = reason;
                    EnsurePublishRetry();
                    return;
                }

                if (_publishFailure is not null)
                {
                    LogPublishedAgain(logger, S.TenantId, S.SensorId);
                    _publishFailure = null;
                }

                _acked[command.Id] = sequence;
                this.AsReference<ISensorGrain>().RecordPublishedAsync().Ignore();
            }

            StopPublishRetry();
        }
        catch (Exception e)
        {
            // Nothing awaits this task: whatever escaped is said here, and the timer starts over.
            LogPublisherFailed(logger, S.TenantId, S.SensorId, e);
            EnsurePublishRetry();
        }
        finally
        {
            _publishing = false;
        }
    }

    private static byte[] Payload(CommandRecord command) => JsonSerializer.SerializeToUtf8Bytes(
        new CommandMessage(command.Id, command.Type.ToString().ToLowerInvariant(), command.IssuedAt, command.ExpiresAt),
        ProtocolJson.Default.CommandMessage);

    private void EnsurePublishRetry()
    {
        // A turn of its own that only expires what is past its time and restarts the publisher: quick, so it
        // holds nobody. It keeps the activation while something waits for publication.
        _publishRetry ??= this.RegisterGrainTimer(
            async ct =>
            {
                await ExpireUnpublishedAsync(ct);
                StartPublishing();
            },
            new GrainTimerCreationOptions(PublishRetryPeriod, PublishRetryPeriod) { Interleave = false, KeepAlive = true });
    }

    private void StopPublishRetry()
    {
        if (!Ledger.HasUnpublished(_acked.ContainsKey))
        {
            _publishRetry?.Dispose();
            _publishRetry = null;
        }
    }

    private async Task ExpireUnpublishedAsync(CancellationToken cancellationToken)
    {
        var expired = Ledger.ExpireUnpublished(time.GetUtcNow(), _publishFailure ?? "NATS unavailable");
        foreach (var _ in expired)
        {
            Telemetry.ControlPlaneMetrics.Command("expired");
        }

        if (expired.Count > 0)
        {
            await WriteAndListAsync(cancellationToken);
            CountAwaitingPublication();
        }

        StopPublishRetry();
    }

    /// <summary>Keeps this activation's share of the silo's "awaiting publication" gauge equal to its ledger.</summary>
    private void CountAwaitingPublication()
    {
        var awaiting = Ledger.AwaitingPublication;
        Telemetry.ControlPlaneMetrics.AwaitingPublication(awaiting - _awaitingCounted);
        _awaitingCounted = awaiting;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} of {TenantId}/{SensorId} not published yet ({Reason}); retrying every {Seconds} s")]
    private static partial void LogNotPublished(ILogger logger, string tenantId, string sensorId, string commandId, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Commands of {TenantId}/{SensorId} are being published again")]
    private static partial void LogPublishedAgain(ILogger logger, string tenantId, string sensorId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command publisher of {TenantId}/{SensorId} failed; retrying")]
    private static partial void LogPublisherFailed(ILogger logger, string tenantId, string sensorId, Exception exception);

    // The newest command that failed or expired, which the read model keeps for the fleet view.
    private CommandSnapshot? LastFailedCommand() =>
        S.Commands.Where(c => c.Status is CommandStatus.Failed or CommandStatus.Expired).MaxBy(c => c.UpdatedAt) is { } failed ? Snapshot(failed) : null;

    private static CommandSnapshot Snapshot(CommandRecord c) =>
        new(c.Id, c.Type, c.Status, c.IssuedAt, c.ExpiresAt, c.StreamSequence, c.UpdatedAt, c.Detail);
}
