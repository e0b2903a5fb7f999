using RavenXcope.Protocol.Messages;

namespace RavenXcope.Domain;

/// <summary>
/// A sensor's command ledger: <c>accepted → published (stream sequence) → delivered → done | failed | expired</c>,
/// and <c>superseded</c> for a start that a later stop made moot before the agent took it. It holds the
/// transitions only; the grain validates, calls one of them, persists, then does the side effects (metrics,
/// publication, audit) that the returned value calls for. Pure: no Orleans, no clock, no NATS.
/// </summary>
public sealed class CommandLedger<TEntry>(List<TEntry> entries)
    where TEntry : class, ICommandEntry, new()
{
    /// <summary>Entries kept; older ones are dropped as new ones come.</summary>
    public const int Capacity = 50;

    /// <summary>How long a command stays executable when its submitter gives no lifetime.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>The entry with <paramref name="id"/>, or null.</summary>
    public TEntry? Find(string id) => entries.FirstOrDefault(c => c.Id == id);

    /// <summary>The entry an earlier submission with <paramref name="idempotencyKey"/> made, or null.</summary>
    public TEntry? FindByIdempotencyKey(string? idempotencyKey) =>
        idempotencyKey is null ? null : entries.FirstOrDefault(c => c.IdempotencyKey == idempotencyKey);

    /// <summary>Commands accepted and not yet in the stream.</summary>
    public int AwaitingPublication => entries.Count(c => c.Status == CommandStatus.Accepted);

    /// <summary>
    /// Accepts a new command <paramref name="id"/>. A stop supersedes the starts that are still accepted or
    /// published (the agent has not taken them). The ledger keeps the last <see cref="Capacity"/> entries.
    /// </summary>
    public CommandAccepted<TEntry> Accept(string id, CommandType type, string? idempotencyKey, TimeSpan? lifetime, DateTimeOffset now)
    {
        var command = new TEntry
        {
            Id = id,
            Type = type,
            Status = CommandStatus.Accepted,
            IdempotencyKey = idempotencyKey,
            IssuedAt = now,
            ExpiresAt = now + (lifetime ?? DefaultLifetime),
            UpdatedAt = now,
        };

        var superseded = new List<TEntry>();
        if (type == CommandType.Stop)
        {
            foreach (var pending in entries.Where(c => c.Type == CommandType.Start && c.Status is CommandStatus.Accepted or CommandStatus.Published))
            {
                pending.Status = CommandStatus.Superseded;
                pending.Detail = $"superseded by {command.Id}";
                pending.UpdatedAt = now;
                superseded.Add(pending);
            }
        }

        entries.Add(command);
        if (entries.Count > Capacity)
        {
            entries.RemoveRange(0, entries.Count - Capacity);
        }

        return new CommandAccepted<TEntry>(command, superseded);
    }

    /// <summary>The oldest accepted command still executable that <paramref name="inFlight"/> does not hold, or null.</summary>
    public TEntry? NextToPublish(Func<string, bool> inFlight, DateTimeOffset now) =>
        entries.FirstOrDefault(c => c.Status == CommandStatus.Accepted && !inFlight(c.Id) && c.ExpiresAt > now);

    /// <summary>True while an accepted command waits for publication that <paramref name="inFlight"/> does not hold.</summary>
    public bool HasUnpublished(Func<string, bool> inFlight) =>
        entries.Any(c => c.Status == CommandStatus.Accepted && !inFlight(c.Id));

    /// <summary>
    /// Records the stream sequence of a PubAck. True when the command moved to published; a command the agent
    /// already reported on keeps its status (the sequence is recorded all the same).
    /// </summary>
    public bool RecordPublished(string id, ulong streamSequence, DateTimeOffset now)
    {
        if (Find(id) is not { } command)
        {
            return false;
        }

        command.StreamSequence = streamSequence;
        if (command.Status != CommandStatus.Accepted)
        {
            return false;
        }

        command.Status = CommandStatus.Published;
        command.Detail = null;
        command.UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Applies an outcome the agent reported (<c>accepted</c>, <c>done</c>, <c>failed</c>, <c>expired</c>); returns
    /// the new status, or null when nothing changed (unknown command or outcome, the same status again, or a final
    /// one already). An outcome replaces <c>superseded</c>: that was the ledger's guess, the outcome is what happened.
    /// </summary>
    public CommandStatus? RecordOutcome(string id, string? reported, DateTimeOffset now, string? detail = null)
    {
        if (Find(id) is not { } command)
        {
            return null;
        }

        var outcome = reported switch
        {
            CommandOutcomes.Accepted => CommandStatus.Delivered,
            CommandOutcomes.Done => CommandStatus.Done,
            CommandOutcomes.Failed => CommandStatus.Failed,
            CommandOutcomes.Expired => CommandStatus.Expired,
            _ => command.Status,
        };

        var open = command.Status is not (CommandStatus.Done or CommandStatus.Failed or CommandStatus.Expired);
        if (outcome == command.Status || !open)
        {
            return null;
        }

        if (command.Status == CommandStatus.Superseded)
        {
            command.Detail = $"executed by the agent although a later command superseded it ({command.Detail})";
        }

        command.Status = outcome;
        command.UpdatedAt = now;
        if (detail is not null && outcome == CommandStatus.Failed)
        {
            // Why it failed, in the agent's words (Suricata's own error when it gave one).
            command.Detail = command.Detail is null ? detail : $"{detail} ({command.Detail})";
        }

        return outcome;
    }

    /// <summary>Expires the accepted commands whose time ran out before they were published; returns them.</summary>
    public IReadOnlyList<TEntry> ExpireUnpublished(DateTimeOffset now, string reason)
    {
        var expired = entries.Where(c => c.Status == CommandStatus.Accepted && now >= c.ExpiresAt).ToList();
        foreach (var command in expired)
        {
            command.Status = CommandStatus.Expired;
            command.Detail = $"expired before it could be published ({reason})";
            command.UpdatedAt = now;
        }

        return expired;
    }

    /// <summary>Notes why the command is not published yet; it stays accepted.</summary>
    public static void RecordPublishFailure(TEntry command, string reason) => command.Detail = $"not published yet: {reason}";
}
