using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.Agent.Tests;

/// <summary>The agent's supervisor and launcher with the stand-in Suricata (a real child process).</summary>
public sealed class SupervisorTests
{
    private static string StandIn => Path.Combine(ServiceProcess.RepositoryRoot, "tests", "standin", "suricata-standin.sh");

    [Fact]
    public async Task Start_runs_the_program_and_stop_ends_it_with_SIGTERM()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"rxc-standin-{Guid.NewGuid():N}.pid");
        var launcher = new Launcher($"env RXC_STANDIN_PIDFILE={pidFile} {StandIn}", NullLogger<Launcher>.Instance);
        await using var supervisor = new Supervisor(launcher, NullLogger<Supervisor>.Instance);

        Assert.Equal("done", await supervisor.ApplyAsync("start"));
        Assert.Equal("running", supervisor.Observed);
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), "the stand-in to write its pid");

        Assert.Equal("done", await supervisor.ApplyAsync("stop"));
        Assert.Equal(("stopped", "stopped"), (supervisor.Desired, supervisor.Observed));
        Assert.False(File.Exists(pidFile), "the stand-in removes its pid file only on SIGTERM");
        Assert.Equal("failed", await supervisor.ApplyAsync("dance"));
    }

    [Fact]
    public async Task A_crash_while_it_should_run_is_restarted_with_backoff()
    {
        var starts = Path.Combine(Path.GetTempPath(), $"rxc-standin-{Guid.NewGuid():N}.log");
        var launcher = new Launcher($"sh -c 'echo start >> {starts}; RXC_STANDIN_CRASH=1 exec {StandIn}'", NullLogger<Launcher>.Instance);
        await using var supervisor = new Supervisor(launcher, NullLogger<Supervisor>.Instance);
        var crashes = 0;
        supervisor.Changed += () =>
        {
            if (supervisor.Observed == "crashed")
            {
                Interlocked.Increment(ref crashes);
            }
        };

        await supervisor.ApplyAsync("start");
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(starts) && File.ReadAllLines(starts).Length >= 2), "a restart after the first crash");
        Assert.True(crashes >= 1);

        Assert.Equal("done", await supervisor.ApplyAsync("stop"));
        Assert.Equal("stopped", supervisor.Desired);
        Assert.NotEqual("running", supervisor.Observed);
        File.Delete(starts);
    }

    [Fact]
    public async Task A_restarted_agent_starts_suricata_again_when_it_was_meant_to_run_and_not_when_it_was_stopped()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"rxc-standin-{Guid.NewGuid():N}.pid");
        var desired = Path.Combine(Path.GetTempPath(), $"rxc-desired-{Guid.NewGuid():N}");
        Launcher NewLauncher() => new($"env RXC_STANDIN_PIDFILE={pidFile} {StandIn}", NullLogger<Launcher>.Instance);
        try
        {
            await using (var first = new Supervisor(NewLauncher(), NullLogger<Supervisor>.Instance, desired))
            {
                await first.RestoreAsync();
                Assert.False(File.Exists(pidFile), "nothing was meant to run yet");
                Assert.Equal("done", await first.ApplyAsync("start"));
                await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), "the stand-in to run");
            }

            // The agent stopped (its Suricata with it): the next agent starts it again.
            Assert.False(File.Exists(pidFile), "stopping the agent stops Suricata");
            await using (var second = new Supervisor(NewLauncher(), NullLogger<Supervisor>.Instance, desired))
            {
                Assert.Equal("running", second.Desired);
                await second.RestoreAsync();
                Assert.Equal("running", second.Observed);
                await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), "the stand-in to run again after the agent's restart");
                Assert.Equal("done", await second.ApplyAsync("stop"));
            }

            await using (var third = new Supervisor(NewLauncher(), NullLogger<Supervisor>.Instance, desired))
            {
                await third.RestoreAsync();
                Assert.Equal(("stopped", "stopped"), (third.Desired, third.Observed));
            }
        }
        finally
        {
            File.Delete(desired);
        }
    }
}
