using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using RavenXcope.Agent;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The agent's status request against a real nats-server, with the test playing the control plane:
/// confirmed outcomes are dropped, a silent or absent responder confirms nothing.
/// </summary>
public sealed class StatusReporterNatsTests
{
    private const string Subject = "rxc.acme.edge-1.status";

    [Fact]
    public async Task Outcomes_are_dropped_only_once_the_responder_says_it_recorded_them()
    {
        var port = FreePort.Next();
        await using var server = ServiceProcess.Start("nats-server", NatsServer.Program, ["-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Dictionary<string, string>());
        await using var agent = new NatsConnection(new NatsOpts { Url = $"nats://127.0.0.1:{port}", InboxPrefix = "_INBOX.acme.edge-1" });
        await using var silo = new NatsConnection(new NatsOpts { Url = $"nats://127.0.0.1:{port}" });
        await Eventually.WaitAsync(async () => { await agent.ConnectAsync(); await silo.ConnectAsync(); return true; }, "nats-server to take connections");

        var ledger = OutcomeLedger.InMemory();
        for (var i = 1; i <= 12; i++)
        {
            ledger.Record($"cmd_{i}", "done");
        }

        // Where no answer comes, the reporter waits its whole reply timeout: short for those cases, and long where an
        // answer comes (it returns as soon as it has one), so that a slow machine does not pass for a silent one.
        StatusFacts Facts() => new("running", "running", "cmd_12", "done", "trusted");
        using var unanswered = new StatusReporter(agent, Subject, ledger, Facts, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500), NullLogger.Instance);
        using var reporter = new StatusReporter(agent, Subject, ledger, Facts, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30), NullLogger.Instance);

        // No control plane at all: nothing confirmed, everything kept.
        Assert.Equal(0, await unanswered.SendOnceAsync(CancellationToken.None));
        Assert.Equal(12, ledger.UnconfirmedCount);

        // A control plane that hears but does not answer (one not yet speaking this protocol): the same.
        var seen = new List<string[]>();
        var mode = "silent";
        using var stop = new CancellationTokenSource();
        var subscription = await silo.SubscribeCoreAsync<byte[]>(Subject, cancellationToken: stop.Token);
        var responder = Task.Run(async () =>
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(stop.Token))
            {
                using var status = JsonDocument.Parse(message.Data!);
                var ids = status.RootElement.GetProperty("recentOutcomes").EnumerateArray().Select(o => o.GetProperty("commandId").GetString()!).ToArray();
                lock (seen)
                {
                    seen.Add(ids);
                }

                if (Volatile.Read(ref mode) != "silent")
                {
                    // Records all but the last one it was sent, as a control plane that stored only some would.
                    var recorded = Volatile.Read(ref mode) == "some" ? ids[..^1] : ids;
                    await message.ReplyAsync(JsonSerializer.SerializeToUtf8Bytes(new { recorded }));
                }
            }
        });
        await silo.PingAsync();

        Assert.Equal(0, await unanswered.SendOnceAsync(CancellationToken.None));
        Assert.Equal(12, ledger.UnconfirmedCount);

        Volatile.Write(ref mode, "some");
        Assert.Equal(11, await reporter.SendOnceAsync(CancellationToken.None));
        Assert.Equal(["cmd_12"], ledger.Pending().Select(o => o.CommandId));

        Volatile.Write(ref mode, "all");
        ledger.Record("cmd_13", "failed");
        Assert.Equal(2, await reporter.SendOnceAsync(CancellationToken.None));
        Assert.Equal(0, ledger.UnconfirmedCount);

        lock (seen)
        {
            Assert.True(seen.Count == 3, $"expected 3 status messages, the responder saw {seen.Count}: {string.Join(" | ", seen.Select(ids => string.Join(",", ids)))}");
            Assert.All(seen.Take(2), ids => Assert.Equal(Enumerable.Range(1, 12).Select(i => $"cmd_{i}"), ids));
            Assert.Equal(["cmd_12", "cmd_13"], seen[2]);
        }

        await stop.CancelAsync();
        try
        {
            await responder;
        }
        catch (OperationCanceledException)
        {
            // The responder ends with the test.
        }

        await subscription.DisposeAsync();
    }
}
