using System.Text.Json;
using System.Text.Json.Serialization;
using RavenXcope.Common;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent;

/// <summary>
/// Every command outcome the control plane has not yet confirmed, kept in <c>outcomes.json</c> (0600,
/// written atomically, only when the set changes) so that neither an outage nor an agent restart loses
/// one. Each status carries the oldest <see cref="MaxPerStatus"/>; the control plane's reply names the
/// command ids it has stored, and only those are dropped. Confirmed ids stay remembered (the last
/// <see cref="ConfirmedMemory"/>) so that a redelivered command is recognised and not executed again.
/// Thread-safe: the command loop records, the status sender reads and confirms.
/// </summary>
public sealed class OutcomeLedger
{
    /// <summary>How many unconfirmed outcomes one status message carries, oldest first.</summary>
    public const int MaxPerStatus = ProtocolLimits.MaxRecentOutcomes;

    /// <summary>How many confirmed command ids are remembered to recognise redeliveries.</summary>
    public const int ConfirmedMemory = 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly Lock _gate = new();
    private readonly string? _path;
    private readonly int _maxUnconfirmed;
    private readonly List<CommandOutcome> _unconfirmed = [];
    private readonly LinkedList<CommandOutcome> _confirmed = [];
    private readonly Dictionary<string, CommandOutcome> _byId = new(StringComparer.Ordinal);

    private OutcomeLedger(string? path, int maxUnconfirmed)
    {
        _path = path;
        _maxUnconfirmed = maxUnconfirmed;
    }

    /// <summary>Outcomes that had to be forgotten unconfirmed because the ledger was full (reported by the caller).</summary>
    public event Action<CommandOutcome>? Dropped;

    /// <summary>The last failure to write the file, or null after a successful write.</summary>
    public string? LastSaveError { get; private set; }

    /// <summary>How many outcomes wait for confirmation.</summary>
    public int UnconfirmedCount
    {
        get
        {
            lock (_gate)
            {
                return _unconfirmed.Count;
            }
        }
    }

    /// <summary>An empty ledger kept only in memory (tests).</summary>
    public static OutcomeLedger InMemory(int maxUnconfirmed = 10_000) => new(null, maxUnconfirmed);

    /// <summary>
    /// The ledger stored at <paramref name="path"/>, or an empty one when there is none. A file that cannot be
    /// read as a ledger is kept aside as <c>.corrupt</c> rather than overwritten, and the agent starts empty.
    /// </summary>
    public static OutcomeLedger Load(string path, int maxUnconfirmed = 10_000)
    {
        var ledger = new OutcomeLedger(path, maxUnconfirmed);
        if (!File.Exists(path))
        {
            return ledger;
        }

        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            File.Move(path, path + ".corrupt", overwrite: true);
            return ledger;
        }

        foreach (var outcome in stored?.Confirmed ?? [])
        {
            ledger.RememberConfirmed(outcome);
        }

        foreach (var outcome in stored?.Unconfirmed ?? [])
        {
            if (!ledger._byId.ContainsKey(outcome.CommandId) || ledger._confirmed.Remove(ledger._byId[outcome.CommandId]))
            {
                ledger._unconfirmed.Add(outcome);
                ledger._byId[outcome.CommandId] = outcome;
            }
        }

        return ledger;
    }

    /// <summary>The outcome of a command this agent has already executed (unconfirmed or remembered), if any.</summary>
    public bool TryGetExecuted(string commandId, out string outcome)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(commandId, out var known))
            {
                outcome = known.Outcome;
                return true;
            }
        }

        outcome = string.Empty;
        return false;
    }

    /// <summary>
    /// Records an outcome to report (a new one, or an earlier one again for a redelivered command). Written to
    /// the file before it returns, so the command may be acknowledged after.
    /// </summary>
    public void Record(string commandId, string outcome, string? detail = null)
    {
        detail = Shorten(detail, ProtocolLimits.MaxOutcomeDetailLength);
        lock (_gate)
        {
            if (_byId.TryGetValue(commandId, out var known))
            {
                if (_unconfirmed.Contains(known))
                {
                    return;
                }

                // Confirmed before and delivered again: report the same outcome once more.
                _confirmed.Remove(known);
                (outcome, detail) = (known.Outcome, known.Detail);
            }

            var entry = new CommandOutcome(commandId, outcome, detail);
            _unconfirmed.Add(entry);
            _byId[commandId] = entry;
            while (_unconfirmed.Count > _maxUnconfirmed)
            {
                var oldest = _unconfirmed[0];
                _unconfirmed.RemoveAt(0);
                RememberConfirmed(oldest);
                Dropped?.Invoke(oldest);
            }

            SaveLocked();
        }
    }

    /// <summary>The oldest unconfirmed outcomes, at most <paramref name="max"/>, for a status message.</summary>
    public CommandOutcome[] Pending(int max = MaxPerStatus)
    {
        lock (_gate)
        {
            return [.. _unconfirmed.Take(max)];
        }
    }

    /// <summary>Drops the outcomes the control plane says it stored; returns how many were dropped.</summary>
    public int Confirm(IEnumerable<string> recorded)
    {
        lock (_gate)
        {
            var dropped = 0;
            foreach (var commandId in recorded)
            {
                if (_byId.TryGetValue(commandId, out var known) && _unconfirmed.Remove(known))
                {
                    RememberConfirmed(known);
                    dropped++;
                }
            }

            if (dropped > 0)
            {
                SaveLocked();
            }

            return dropped;
        }
    }

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters (the end marked), or null.</summary>
    public static string? Shorten(string? text, int max) =>
        text is null || text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private void RememberConfirmed(CommandOutcome outcome)
    {
        _confirmed.AddLast(outcome);
        _byId[outcome.CommandId] = outcome;
        while (_confirmed.Count > ConfirmedMemory)
        {
            _byId.Remove(_confirmed.First!.Value.CommandId);
            _confirmed.RemoveFirst();
        }
    }

    private void SaveLocked()
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            SecretFiles.WriteAtomically(_path, JsonSerializer.Serialize(new Stored([.. _unconfirmed], [.. _confirmed]), Json), secret: true);
            LastSaveError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Kept in memory and written with the next change; the caller logs the error.
            LastSaveError = e.Message;
        }
    }

    private sealed record Stored(
        [property: JsonPropertyName("unconfirmed")] CommandOutcome[] Unconfirmed,
        [property: JsonPropertyName("confirmed")] CommandOutcome[] Confirmed);
}
