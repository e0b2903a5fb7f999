using System.Net.Sockets;
using System.Text.Json;
using NATS.Client.Core;
using RavenXcope.Agent;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Tests;

public sealed class OutcomeLedgerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rxc-ledger-").FullName;

    private string FilePath => Path.Combine(_directory, "outcomes.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Twelve_outcomes_of_an_outage_are_all_kept_and_sent_oldest_first()
    {
        var ledger = OutcomeLedger.Load(FilePath);
        for (var i = 1; i <= 12; i++)
        {
            ledger.Record($"cmd_{i}", i % 3 == 0 ? "failed" : "done");
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"cmd_{i}"), ledger.Pending().Select(o => o.CommandId));
        Assert.Equal(12, ledger.UnconfirmedCount);
    }

    [Fact]
    public void A_status_carries_at_most_128_and_the_rest_follow_once_confirmed()
    {
        var ledger = OutcomeLedger.InMemory();
        for (var i = 0; i < 300; i++)
        {
            ledger.Record($"cmd_{i:D3}", "done");
        }

        var first = ledger.Pending();
        Assert.Equal(OutcomeLedger.MaxPerStatus, first.Length);
        Assert.Equal("cmd_000", first[0].CommandId);
        Assert.Equal(128, ledger.Confirm(first.Select(o => o.CommandId)));
        Assert.Equal("cmd_128", ledger.Pending()[0].CommandId);
        Assert.Equal(172, ledger.UnconfirmedCount);
    }

    [Fact]
    public void Only_the_ids_the_control_plane_recorded_are_dropped()
    {
        var ledger = OutcomeLedger.InMemory();
        ledger.Record("cmd_a", "done");
        ledger.Record("cmd_b", "failed");
        ledger.Record("cmd_c", "expired");

        Assert.Equal(1, ledger.Confirm(ProtocolReader.ReadStatusReply("""{"recorded":["cmd_b","cmd_unknown"]}"""u8)));
        Assert.Equal(["cmd_a", "cmd_c"], ledger.Pending().Select(o => o.CommandId));

        // No reply, or one that is not the contract, confirms nothing.
        Assert.Equal(0, ledger.Confirm(ProtocolReader.ReadStatusReply("not json"u8)));
        Assert.Equal(0, ledger.Confirm(ProtocolReader.ReadStatusReply("""{"recorded":"cmd_a"}"""u8)));
        Assert.Equal(0, ledger.Confirm(ProtocolReader.ReadStatusReply("[]"u8)));
        Assert.Equal(2, ledger.UnconfirmedCount);
    }

    [Fact]
    public void A_redelivered_command_is_known_with_its_earlier_outcome_before_and_after_confirmation()
    {
        var ledger = OutcomeLedger.InMemory();
        ledger.Record("cmd_1", "failed");
        Assert.True(ledger.TryGetExecuted("cmd_1", out var outcome));
        Assert.Equal("failed", outcome);
        Assert.False(ledger.TryGetExecuted("cmd_2", out _));

        // Redelivered while unconfirmed: one entry, the earlier outcome.
        ledger.Record("cmd_1", "done");
        Assert.Equal([new("cmd_1", "failed")], ledger.Pending());

        // Confirmed, then delivered again: still known, and reported once more with the same outcome.
        ledger.Confirm(["cmd_1"]);
        Assert.Empty(ledger.Pending());
        Assert.True(ledger.TryGetExecuted("cmd_1", out outcome));
        Assert.Equal("failed", outcome);
        ledger.Record("cmd_1", "done");
        Assert.Equal([new("cmd_1", "failed")], ledger.Pending());
    }

    [Fact]
    public void The_file_survives_a_restart_is_owner_only_and_is_written_only_when_the_set_changes()
    {
        var ledger = OutcomeLedger.Load(FilePath);
        Assert.False(File.Exists(FilePath), "nothing to keep, nothing written");
        ledger.Record("cmd_1", "done");
        ledger.Record("cmd_2", "failed");
        ledger.Confirm(["cmd_1"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));

        var written = File.GetLastWriteTimeUtc(FilePath);
        var content = File.ReadAllText(FilePath);
        File.SetLastWriteTimeUtc(FilePath, written.AddHours(-1));
        Assert.Equal(0, ledger.Confirm(["cmd_1", "cmd_unknown"]));
        ledger.Record("cmd_2", "failed");
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(FilePath));
        Assert.Equal(content, File.ReadAllText(FilePath));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));

        var reloaded = OutcomeLedger.Load(FilePath);
        Assert.Equal([new("cmd_2", "failed")], reloaded.Pending());
        Assert.True(reloaded.TryGetExecuted("cmd_1", out var confirmed), "a confirmed id is remembered across a restart");
        Assert.Equal("done", confirmed);
    }

    [Fact]
    public void A_corrupt_file_is_kept_aside_and_the_ledger_starts_empty()
    {
        File.WriteAllText(FilePath, "{ not json");
        var ledger = OutcomeLedger.Load(FilePath);
        Assert.Equal(0, ledger.UnconfirmedCount);
        Assert.True(File.Exists(FilePath + ".corrupt"));
    }

    [Fact]
    public void Beyond_its_bound_the_oldest_is_dropped_loudly_and_still_recognised()
    {
        var ledger = OutcomeLedger.InMemory(maxUnconfirmed: 3);
        var dropped = new List<string>();
        ledger.Dropped += o => dropped.Add(o.CommandId);
        for (var i = 1; i <= 5; i++)
        {
            ledger.Record($"cmd_{i}", "done");
        }

        Assert.Equal(["cmd_1", "cmd_2"], dropped);
        Assert.Equal(["cmd_3", "cmd_4", "cmd_5"], ledger.Pending().Select(o => o.CommandId));
        Assert.True(ledger.TryGetExecuted("cmd_1", out _));
    }

    [Fact]
    public void The_status_message_keeps_the_fields_and_names_the_bridge_reads()
    {
        var body = StatusReporter.Build(new StatusFacts("running", "running", "cmd_2", "failed", "trusted"), [new("cmd_1", "done"), new("cmd_2", "failed")]);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("running", root.GetProperty("desired").GetString());
        Assert.Equal("running", root.GetProperty("observed").GetString());
        Assert.Equal("cmd_2", root.GetProperty("lastCommandId").GetString());
        Assert.Equal("failed", root.GetProperty("lastCommandOutcome").GetString());
        Assert.Equal("trusted", root.GetProperty("trustState").GetString());
        Assert.Equal(HostInfo.Version, root.GetProperty("agentVersion").GetString());
        Assert.Equal("""[{"commandId":"cmd_1","outcome":"done"},{"commandId":"cmd_2","outcome":"failed"}]""", root.GetProperty("recentOutcomes").GetRawText());
    }

    [Fact]
    public void A_connect_failure_is_unreachable_only_for_socket_errors_and_timeouts_anywhere_in_the_chain()
    {
        Assert.True(NatsFailure.IsUnreachable(new InvalidOperationException("outer", new IOException("io", new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.True(NatsFailure.IsUnreachable(new AggregateException(new InvalidOperationException("x"), new SocketException((int)SocketError.HostNotFound))));
        Assert.True(NatsFailure.IsUnreachable(new TimeoutException("connect timed out")));
        Assert.False(NatsFailure.IsUnreachable(new InvalidOperationException("can not start to connect nats server", new InvalidOperationException("Authorization Violation"))));
        Assert.False(NatsFailure.IsUnreachable(new IOException("anything else worded any way")));
        Assert.Equal(
            "System.InvalidOperationException: outer <- System.IO.IOException: inner",
            NatsFailure.Describe(new InvalidOperationException("outer", new IOException("inner"))));
    }

    [Fact]
    public void Only_what_NATS_Net_calls_an_authentication_error_refuses_the_credentials()
    {
        Assert.Equal(NatsServerAnswer.Refused, NatsFailure.ServerAnswer(new NatsException("can not start to connect nats server", new NatsServerException("Authorization Violation"))));
        Assert.Equal(NatsServerAnswer.Refused, NatsFailure.ServerAnswer(new NatsServerException("User Authentication Revoked")));

        // Too slow to log in (a server or client busy with a fleet reconnecting): nothing said of the credentials.
        Assert.Equal(NatsServerAnswer.Busy, NatsFailure.ServerAnswer(new NatsException("can not start to connect nats server", new NatsServerException("Authentication Timeout"))));
        Assert.Equal(NatsServerAnswer.None, NatsFailure.ServerAnswer(new IOException("anything else worded any way")));
    }
}
