using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.Agent.Tests;

/// <summary>
/// The supervisor running a command line instead of Suricata (<c>--suricata-command</c>): the stand-in shows what the
/// real program cannot be made to do on demand, a program that crashes at every start, and that a command line is
/// run as given, with neither check nor socket.
/// </summary>
public sealed class CommandLineSupervisorTests
{
    private static string StandIn => Path.Combine(ServiceProcess.RepositoryRoot, "tests", "standin", "suricata-standin.sh");

    [Fact]
    public async Task A_command_line_runs_as_given_and_stops_with_SIGTERM()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"rxc-standin-{Guid.NewGuid():N}.pid");
        await using var supervisor = new Supervisor(new CommandLineProgram($"env RXC_STANDIN_PIDFILE={pidFile} {StandIn}"), NullLogger<Supervisor>.Instance);

        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("start"));
        Assert.Equal("running", supervisor.Observed);
        Assert.Null(supervisor.Report);
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), "the stand-in to write its pid");

        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("stop"));
        Assert.Equal(("stopped", "stopped"), (supervisor.Desired, supervisor.Observed));
        Assert.False(File.Exists(pidFile), "the stand-in removes its pid file only on SIGTERM");
        var unknown = await supervisor.ApplyAsync("dance");
        Assert.Equal(("failed", "unknown command type 'dance'"), (unknown.Outcome, unknown.Detail));
    }

    [Fact]
    public async Task A_program_that_crashes_at_every_start_is_restarted_with_backoff_and_says_why()
    {
        var starts = Path.Combine(Path.GetTempPath(), $"rxc-standin-{Guid.NewGuid():N}.log");
        await using var supervisor = new Supervisor(new CommandLineProgram($"sh -c 'echo start >> {starts}; RXC_STANDIN_CRASH=1 exec {StandIn}'"), NullLogger<Supervisor>.Instance);
        var crashes = 0;
        supervisor.Changed += () =>
        {
            if (supervisor.Observed == "crashed")
            {
                Interlocked.Increment(ref crashes);
            }
        };

        await supervisor.ApplyAsync("start");
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(starts) && File.ReadAllLines(starts).Length >= 3), "two restarts after the first crash");
        Assert.True(crashes >= 2);
        Assert.Contains("exit code 3", supervisor.Report!.Error, StringComparison.Ordinal);
        Assert.Contains("standin: crashing", supervisor.Report.Error, StringComparison.Ordinal);
        Assert.True(supervisor.Report.Restarts >= 2);

        Assert.Equal(SupervisorOutcome.Done, await supervisor.ApplyAsync("stop"));
        Assert.Equal("stopped", supervisor.Desired);
        Assert.Null(supervisor.Report);
        File.Delete(starts);
    }
}
