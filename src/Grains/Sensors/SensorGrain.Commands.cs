using Microsoft.Extensions.Logging;
using System.Text.Json;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Grains.State;

namespace RavenXcope.Grains.Sensors;

/// <summary>
/// The command ledger: <c>accepted → published (stream sequence) → delivered → done | failed | expired |
/// superseded</c>. A command that could not be published yet is retried by a grain timer.
/// </summary>
public sealed partial class SensorGrain
{
    private const int LedgerSize = 50;
    private static readonly TimeSpan DefaultCommandLifetime = TimeSpan.FromHours(1);
    private IGrainTimer? _publishRetry;
    private string? _suricataReported;
    private DateTimeOffset? _lastStatusAt;

    /// <inheritdoc />
    public async Task<Result<CommandSnapshot>> SubmitCommandAsync(CommandType type, string? idempotencyKey, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return Result<CommandSnapshot>.Fail(Domain.RefusalCodes.SensorNotFound, "no such sensor");
        }

        if (Domain.SensorLifecycleMachine.Renew(S.Lifecycle).Refusal is { } refusal)
        {
            return Result<CommandSnapshot>.Fail(refusal.Code, refusal.Detail);
        }

        if (idempotencyKey is not null && S.Commands.FirstOrDefault(c => c.IdempotencyKey == idempotencyKey) is { } earlier)
        {
            return Result<CommandSnapshot>.Ok(Snapshot(earlier));
        }

        var now = time.GetUtcNow();
        var command = new CommandRecord
        {
            Id = $"cmd_{Guid.NewGuid():N}",
            Type = type,
            Status = CommandStatus.Accepted,
            IdempotencyKey = idempotencyKey,
            IssuedAt = now,
            ExpiresAt = now + (lifetime ?? DefaultCommandLifetime),
            UpdatedAt = now,
        };

        // A stop makes a start that the agent has not taken yet moot.
        if (type == CommandType.Stop)
        {
            foreach (var pending in S.Commands.Where(c => c.Type == CommandType.Start && c.Status is CommandStatus.Accepted or CommandStatus.Published))
            {
                pending.Status = CommandStatus.Superseded;
                Telemetry.ControlPlaneMetrics.Command("superseded");
                pending.Detail = $"superseded by {command.Id}";
                pending.UpdatedAt = now;
            }
        }

        S.Commands.Add(command);
        if (S.Commands.Count > LedgerSize)
        {
            S.Commands.RemoveRange(0, S.Commands.Count - LedgerSize);
        }

        await state.WriteOrResetAsync(this, cancellationToken);
        await PublishPendingAsync(cancellationToken);
        return Result<CommandSnapshot>.Ok(Snapshot(command));
    }

    /// <inheritdoc />
    public Task<CommandSnapshot?> GetCommandAsync(string commandId, CancellationToken cancellationToken = default) =>
        Task.FromResult(S.Commands.FirstOrDefault(c => c.Id == commandId) is { } command ? Snapshot(command) : null);

    /// <inheritdoc />
    public async Task RecordStatusAsync(SensorStatusReport status, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return;
        }

        _lastStatusAt = time.GetUtcNow();
        _suricataReported = status.Observed;
        var changed = false;
        foreach (var (id, reported) in Outcomes(status))
        {
            if (S.Commands.FirstOrDefault(c => c.Id == id) is not { } command)
            {
                continue;
            }

            var outcome = reported switch
            {
                "accepted" => CommandStatus.Delivered,
                "done" => CommandStatus.Done,
                "failed" => CommandStatus.Failed,
                "expired" => CommandStatus.Expired,
                _ => command.Status,
            };
            if (outcome != command.Status && command.Status is not (CommandStatus.Done or CommandStatus.Failed or CommandStatus.Expired or CommandStatus.Superseded))
            {
                command.Status = outcome;
                command.UpdatedAt = _lastStatusAt.Value;
                Telemetry.ControlPlaneMetrics.Command(outcome.ToString().ToLowerInvariant());
                changed = true;
            }
        }

        // Suricata's state is what an operator cares about; the telemetry around it stays in memory.
        if (status.Observed != S.SuricataObserved)
        {
            S.SuricataObserved = status.Observed;
            changed = true;
        }

        if (changed)
        {
            await state.WriteOrResetAsync(this, cancellationToken);
        }
    }

    // The latest outcome, then the ones the agent repeats. Applying one twice changes nothing: the second
    // finds the entry already in that state or final.
    private static IEnumerable<(string Id, string? Outcome)> Outcomes(SensorStatusReport status)
    {
        if (status.LastCommandId is { } last)
        {
            yield return (last, status.LastCommandOutcome);
        }

        foreach (var recent in status.RecentOutcomes ?? [])
        {
            yield return (recent.CommandId, recent.Outcome);
        }
    }

    private async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        var publisher = ServiceProvider.GetService(typeof(ICommandPublisher)) as ICommandPublisher;
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var command in S.Commands.Where(c => c.Status == CommandStatus.Accepted).ToList())
        {
            if (now >= command.ExpiresAt)
            {
                command.Status = CommandStatus.Expired;
                command.UpdatedAt = now;
                Telemetry.ControlPlaneMetrics.Command("expired");
                changed = true;
                continue;
            }

            if (publisher is null)
            {
                break;
            }

            try
            {
                var payload = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    commandId = command.Id,
                    type = command.Type.ToString().ToLowerInvariant(),
                    issuedAt = command.IssuedAt,
                    expiresAt = command.ExpiresAt,
                });
                command.StreamSequence = await publisher.PublishAsync(S.TenantId, S.SensorId, command.Id, payload, cancellationToken);
                command.Status = CommandStatus.Published;
                Telemetry.ControlPlaneMetrics.Command("published");
                command.UpdatedAt = time.GetUtcNow();
                changed = true;
            }
            catch (Exception e)
            {
                // The command is accepted and stored: however publishing failed (NATS away or restarting, the
                // caller gone, a JetStream error), it stays accepted, says why, and the timer below retries it.
                // Letting the error escape would fail a call whose command was taken, with nothing to retry it.
                command.Detail = $"not published yet: {e.Message}";
                LogNotPublished(logger, S.TenantId, S.SensorId, command.Id, e.GetType().Name, e.Message);
                break;
            }
        }

        if (publisher is not null && S.Commands.Any(c => c.Status == CommandStatus.Accepted))
        {
            EnsurePublishRetry();
        }

        if (changed)
        {
            await state.WriteOrResetAsync(this, cancellationToken);
        }
    }

    /// <summary>After a deactivation or a silo restart, commands accepted but not yet published are retried.</summary>
    private void ResumePublishing()
    {
        if (S.Commands.Any(c => c.Status == CommandStatus.Accepted) && ServiceProvider.GetService(typeof(ICommandPublisher)) is not null)
        {
            EnsurePublishRetry();
        }
    }

    private void EnsurePublishRetry()
    {
        _publishRetry ??= this.RegisterGrainTimer(
            async ct =>
            {
                await PublishPendingAsync(ct);
                if (!S.Commands.Any(c => c.Status == CommandStatus.Accepted))
                {
                    _publishRetry?.Dispose();
                    _publishRetry = null;
                }
            },
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)) { Interleave = false });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} of {TenantId}/{SensorId} not published yet ({ErrorType}: {Error}); retrying every 5 s")]
    private static partial void LogNotPublished(ILogger logger, string tenantId, string sensorId, string commandId, string errorType, string error);

    private static CommandSnapshot Snapshot(CommandRecord c) =>
        new(c.Id, c.Type, c.Status, c.IssuedAt, c.ExpiresAt, c.StreamSequence, c.UpdatedAt, c.Detail);
}
