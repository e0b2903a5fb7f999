using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Agent.Suricata;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.Tests.Suricata;

/// <summary>The supervisor with the real Suricata 7 on the loopback interface.</summary>
[Collection(SuricataCollection.Name)]
public sealed class SuricataSupervisorTests
{
    [Fact]
    public async Task A_start_runs_suricata_answering_its_socket_with_its_counters_and_a_stop_ends_it()
    {
        using var suricata = RealSuricata.Create();
        await using var supervisor = new Supervisor(new SuricataProgram(suricata.Options()), NullLogger<Supervisor>.Instance);

        var started = await supervisor.ApplyAsync("start");

        Assert.Equal(SupervisorOutcome.Done, started);
        Assert.Equal(("running", "running"), (supervisor.Desired, supervisor.Observed));
        var pid = supervisor.Pid!.Value;
        Assert.True(File.Exists(Path.Combine(suricata.RuntimeDirectory, "suricata.socket")), "the command socket is in the runtime directory");
        var report = supervisor.Report!;
        Assert.StartsWith("7.", report.Version, StringComparison.Ordinal);
        Assert.Equal(1, report.RulesLoaded);
        Assert.Equal(0, report.RulesFailed);

        // What Suricata captured on lo, from its own counters. Its socket can answer before its capture threads take
        // packets, so packets are sent on every look until the counter shows them, not once.
        var captured = await Eventually.WaitAsync(
            () =>
            {
                suricata.SendPackets(5);
                return Task.FromResult(supervisor.Report);
            },
            r => r?.Packets >= 20,
            "Suricata to count the packets sent to its port");
        Assert.NotNull(captured.KernelDrops);
        Assert.NotNull(captured.UptimeSeconds);

        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("stop"));
        Assert.Equal(("stopped", "stopped"), (supervisor.Desired, supervisor.Observed));
        Assert.False(Processes.Alive(pid), $"Suricata (pid {pid}) is gone after the stop");
        Assert.Null(supervisor.Pid);
    }

    [Fact]
    public async Task Suricata_killed_with_SIGKILL_is_seen_and_started_again()
    {
        using var suricata = RealSuricata.Create();
        await using var supervisor = new Supervisor(new SuricataProgram(suricata.Options()), NullLogger<Supervisor>.Instance);
        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("start"));
        var first = supervisor.Pid!.Value;
        var crashed = false;
        supervisor.Changed += () => crashed |= supervisor.Observed == "crashed";

        Processes.Signal(first, "KILL");

        await Eventually.WaitAsync(
            () => Task.FromResult(supervisor.Observed == "running" && supervisor.Pid is { } pid && pid != first && supervisor.Report?.Version is not null),
            "a new Suricata answering its socket after the kill", TimeSpan.FromSeconds(60));
        Assert.True(crashed, "the kill was seen as a crash");
        Assert.Equal(1, supervisor.Report!.Restarts);
        Assert.Contains("killed by signal 9", supervisor.Report.Error, StringComparison.Ordinal);
        Assert.False(Processes.Alive(first));
    }

    [Fact]
    public async Task A_hung_suricata_whose_socket_does_not_answer_is_killed_and_started_again()
    {
        using var suricata = RealSuricata.Create();
        await using var supervisor = new Supervisor(new SuricataProgram(suricata.Options()), NullLogger<Supervisor>.Instance);
        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("start"));
        var first = supervisor.Pid!.Value;

        // Stopped, not dead: the process is there and its socket accepts, but nothing answers.
        Processes.Signal(first, "STOP");

        await Eventually.WaitAsync(
            () => Task.FromResult(supervisor.Observed == "running" && supervisor.Pid is { } pid && pid != first),
            "a new Suricata after the hung one", TimeSpan.FromSeconds(60));
        Assert.Contains("did not answer on its command socket", supervisor.Report!.Error, StringComparison.Ordinal);
        await Eventually.WaitAsync(() => Task.FromResult(!Processes.Alive(first)), "the hung Suricata to be gone");
    }

    [Fact]
    public async Task A_broken_configuration_fails_the_start_with_suricatas_own_error_and_starts_nothing()
    {
        using var suricata = RealSuricata.Create();
        await using var supervisor = new Supervisor(new SuricataProgram(suricata.Options(suricata.BrokenConfig())), NullLogger<Supervisor>.Instance);

        var outcome = await supervisor.ApplyAsync("start");

        Assert.Equal("failed", outcome.Outcome);
        Assert.Contains("suricata -T", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("configuration file must begin with", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal("failed", supervisor.Observed);
        Assert.Null(supervisor.Pid);
        Assert.False(File.Exists(Path.Combine(suricata.RuntimeDirectory, "suricata.socket")));
        Assert.Equal(outcome.Detail, supervisor.Report!.Error);
    }

    [Fact]
    public async Task A_missing_suricata_fails_the_start_saying_so()
    {
        using var suricata = RealSuricata.Create();
        var options = suricata.Options() with { Program = Path.Combine(suricata.Directory, "no-such-suricata") };
        await using var supervisor = new Supervisor(new SuricataProgram(options), NullLogger<Supervisor>.Instance);

        var outcome = await supervisor.ApplyAsync("start");

        Assert.Equal("failed", outcome.Outcome);
        Assert.Contains("Suricata cannot be run", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("apt-get install", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal("failed", supervisor.Observed);
    }

    [Fact]
    public async Task A_restart_with_a_configuration_that_became_broken_fails_and_leaves_the_running_suricata_running()
    {
        using var suricata = RealSuricata.Create();
        var config = Path.Combine(suricata.Directory, "suricata.yaml");
        File.Copy("/etc/suricata/suricata.yaml", config);
        await using var supervisor = new Supervisor(new SuricataProgram(suricata.Options(config)), NullLogger<Supervisor>.Instance);
        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("start"));
        var pid = supervisor.Pid!.Value;

        File.WriteAllText(config, "broken: [\n");
        var outcome = await supervisor.ApplyAsync("restart");

        Assert.Equal("failed", outcome.Outcome);
        Assert.Contains("left running", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(pid, supervisor.Pid);
        Assert.True(Processes.Alive(pid));
        Assert.Equal("running", supervisor.Observed);
    }

    [Fact]
    public async Task A_restarted_agent_starts_suricata_again_when_it_was_meant_to_run_and_not_when_it_was_stopped()
    {
        using var suricata = RealSuricata.Create();
        var desired = Path.Combine(suricata.Directory, "suricata.desired");
        Supervisor New() => new(new SuricataProgram(suricata.Options()), NullLogger<Supervisor>.Instance, desired);
        int pid;
        await using (var first = New())
        {
            await first.RestoreAsync();
            Assert.Null(first.Pid);
            Assert.Equal(SupervisorOutcome.Done, await first.ApplyAsync("start"));
            pid = first.Pid!.Value;
        }

        // The agent stopped, and its Suricata with it: the next agent starts it again.
        Assert.False(Processes.Alive(pid), "stopping the agent stops Suricata");
        await using (var second = New())
        {
            Assert.Equal("running", second.Desired);
            await second.RestoreAsync();
            Assert.Equal("running", second.Observed);
            Assert.NotNull(second.Report?.Version);
            Assert.Equal(SupervisorOutcome.Done, await second.ApplyAsync("stop"));
        }

        await using (var third = New())
        {
            await third.RestoreAsync();
            Assert.Equal(("stopped", "stopped"), (third.Desired, third.Observed));
            Assert.Null(third.Pid);
        }
    }
}
