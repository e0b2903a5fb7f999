using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.SensorAgent.Supervision;

namespace RavenXcope.Tests.Unit;

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
}
