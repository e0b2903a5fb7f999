namespace RavenXcope.Domain.Tests;

public sealed class CommandLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Accepting_stores_an_accepted_entry_with_its_expiry()
    {
        var entries = new List<Entry>();
        var accepted = new CommandLedger<Entry>(entries).Accept("c1", CommandType.Start, "key-1", TimeSpan.FromMinutes(5), T0);

        Assert.Same(accepted.Command, Assert.Single(entries));
        Assert.Equal(CommandStatus.Accepted, accepted.Command.Status);
        Assert.Equal(T0 + TimeSpan.FromMinutes(5), accepted.Command.ExpiresAt);
        Assert.Empty(accepted.Superseded);
        Assert.Equal(T0 + CommandLedger<Entry>.DefaultLifetime, new CommandLedger<Entry>([]).Accept("c2", CommandType.Stop, null, null, T0).Command.ExpiresAt);
    }

    [Fact]
    public void A_stop_supersedes_the_starts_the_agent_has_not_taken_and_nothing_else()
    {
        var ledger = new CommandLedger<Entry>([]);
        var accepted = ledger.Accept("start-accepted", CommandType.Start, null, null, T0).Command;
        var published = ledger.Accept("start-published", CommandType.Start, null, null, T0).Command;
        ledger.RecordPublished(published.Id, 7, T0);
        var delivered = ledger.Accept("start-delivered", CommandType.Start, null, null, T0).Command;
        ledger.RecordOutcome(delivered.Id, "accepted", T0);
        var restart = ledger.Accept("restart", CommandType.Restart, null, null, T0).Command;

        var stop = ledger.Accept("stop", CommandType.Stop, null, null, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal([accepted, published], stop.Superseded);
        Assert.All(stop.Superseded, c => Assert.Equal(CommandStatus.Superseded, c.Status));
        Assert.Equal("superseded by stop", accepted.Detail);
        Assert.Equal(CommandStatus.Delivered, delivered.Status);
        Assert.Equal(CommandStatus.Accepted, restart.Status);
    }

    [Fact]
    public void An_outcome_reported_for_a_superseded_command_replaces_the_guess()
    {
        var ledger = new CommandLedger<Entry>([]);
        var start = ledger.Accept("start", CommandType.Start, null, null, T0).Command;
        ledger.Accept("stop", CommandType.Stop, null, null, T0);

        Assert.Equal(CommandStatus.Done, ledger.RecordOutcome("start", "done", T0 + TimeSpan.FromSeconds(3)));
        Assert.Equal(CommandStatus.Done, start.Status);
        Assert.StartsWith("executed by the agent although a later command superseded it", start.Detail, StringComparison.Ordinal);
        Assert.Equal(T0 + TimeSpan.FromSeconds(3), start.UpdatedAt);
    }

    [Fact]
    public void Outcomes_move_forward_once_and_a_final_status_stays()
    {
        var ledger = new CommandLedger<Entry>([]);
        var command = ledger.Accept("c", CommandType.Restart, null, null, T0).Command;

        Assert.True(ledger.RecordPublished("c", 3, T0));
        Assert.Equal(3UL, command.StreamSequence);
        Assert.Equal(CommandStatus.Delivered, ledger.RecordOutcome("c", "accepted", T0));
        Assert.Null(ledger.RecordOutcome("c", "accepted", T0));
        Assert.Equal(CommandStatus.Failed, ledger.RecordOutcome("c", "failed", T0));
        Assert.Null(ledger.RecordOutcome("c", "done", T0));
        Assert.Null(ledger.RecordOutcome("c", "whatever", T0));
        Assert.Null(ledger.RecordOutcome("no-such", "done", T0));
        Assert.Equal(CommandStatus.Failed, command.Status);
    }

    [Fact]
    public void A_late_pub_ack_records_the_sequence_but_does_not_undo_what_the_agent_said()
    {
        var ledger = new CommandLedger<Entry>([]);
        var command = ledger.Accept("c", CommandType.Start, null, null, T0).Command;
        ledger.RecordOutcome("c", "done", T0);

        Assert.False(ledger.RecordPublished("c", 9, T0));
        Assert.Equal(9UL, command.StreamSequence);
        Assert.Equal(CommandStatus.Done, command.Status);
    }

    [Fact]
    public void Only_accepted_commands_past_their_expiry_expire_unpublished()
    {
        var ledger = new CommandLedger<Entry>([]);
        var old = ledger.Accept("old", CommandType.Start, null, TimeSpan.FromMinutes(1), T0).Command;
        var fresh = ledger.Accept("fresh", CommandType.Restart, null, TimeSpan.FromHours(1), T0).Command;
        var published = ledger.Accept("published", CommandType.Restart, null, TimeSpan.FromMinutes(1), T0).Command;
        ledger.RecordPublished("published", 1, T0);

        var expired = ledger.ExpireUnpublished(T0 + TimeSpan.FromMinutes(2), "NATS unavailable");

        Assert.Equal([old], expired);
        Assert.Equal("expired before it could be published (NATS unavailable)", old.Detail);
        Assert.Equal(CommandStatus.Accepted, fresh.Status);
        Assert.Equal(CommandStatus.Published, published.Status);
        Assert.Same(fresh, ledger.NextToPublish(_ => false, T0 + TimeSpan.FromMinutes(2)));
        Assert.Null(ledger.NextToPublish(id => id == "fresh", T0 + TimeSpan.FromMinutes(2)));
        Assert.Equal(1, ledger.AwaitingPublication);
    }

    [Fact]
    public void The_ledger_keeps_the_latest_entries_and_finds_an_earlier_submission_by_its_key()
    {
        var entries = new List<Entry>();
        var ledger = new CommandLedger<Entry>(entries);
        for (var i = 0; i < CommandLedger<Entry>.Capacity + 5; i++)
        {
            ledger.Accept($"c{i}", CommandType.Restart, $"key-{i}", null, T0);
        }

        Assert.Equal(CommandLedger<Entry>.Capacity, entries.Count);
        Assert.Null(ledger.Find("c0"));
        Assert.Equal("c54", ledger.FindByIdempotencyKey("key-54")?.Id);
        Assert.Null(ledger.FindByIdempotencyKey(null));
    }

    private sealed class Entry : ICommandEntry
    {
        public string Id { get; set; } = string.Empty;

        public CommandType Type { get; set; }

        public CommandStatus Status { get; set; }

        public string? IdempotencyKey { get; set; }

        public DateTimeOffset IssuedAt { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public ulong? StreamSequence { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        public string? Detail { get; set; }
    }
}
