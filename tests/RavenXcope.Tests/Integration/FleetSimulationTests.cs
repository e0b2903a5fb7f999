using System.Text.Json;
using RavenXcope.FleetSim;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The short fleet run of scripts/test.sh: a thousand real agents (Agent.Core, the code ravenxcope-sensor runs, each
/// on its own state directory with a stand-in Suricata) through the enrollment, mTLS and NATS paths of silo, gateway
/// and nats-server processes, with agents stopped and started again, a restart storm, failing commands, a nats-server
/// restart and a 5 s database outage; nothing accepted may be lost and nothing may reach the wrong sensor.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FleetSimulationTests
{
    [Fact]
    public async Task A_thousand_sensors_through_drops_a_storm_failing_commands_a_NATS_restart_and_a_database_outage_lose_and_misroute_nothing()
    {
        // Production's 30 s heartbeat interval, so that "online" means what it means for a real fleet.
        await using var stack = await ProcessStack.StartAsync("fleet", withNats: true, new Dictionary<string, string> { ["Trust__HeartbeatIntervalSeconds"] = "30" });
        var options = new SimOptions
        {
            ApiUrl = stack.Api.BaseAddress!,
            EnrollUrl = new Uri(stack.EnrollUrl),
            SensorUrl = new Uri(stack.SensorUrl),
            CaFile = stack.CaFile,
            AdminKey = stack.AdminKey,
            Sensors = 1000,
            Duration = TimeSpan.FromSeconds(40),
            SettleTimeout = TimeSpan.FromSeconds(90),
            TimeScale = 10,
            Seed = 42,
            Commands = 1000,
            FailFraction = 0.05,
            DropFraction = 0.1,
            Storm = true,
            Restarts = ["nats", "postgres"],
            Watch = new Dictionary<string, int> { ["silo"] = stack.Silo.Pid, ["gateway"] = stack.Gateway.Pid },
        };
        var restarted = 0;
        using var log = new StringWriter();
        var simulator = new FleetSimulator(options, TextWriter.Synchronized(log))
        {
            FaultHook = async (name, _) =>
            {
                if (name == "nats")
                {
                    await stack.RestartNatsAsync();
                }
                else
                {
                    Assert.Equal("postgres", name);
                    await stack.Database.OutageAsync(TimeSpan.FromSeconds(5));
                }

                restarted++;
            },
        };

        // A thousand real agents restarting at once cost this process (and a 2-core machine) tens of CPU seconds: the run
        // takes two to four minutes, most of it recovering from the faults.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(7));
        SimReport report;
        try
        {
            report = await simulator.RunAsync(deadline.Token);
        }
        finally
        {
            await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "fleetsim-test.log"), log.ToString());
        }

        await File.WriteAllTextAsync(
            Path.Combine(TestEnvironment.ArtifactsDirectory, "fleetsim-test.json"),
            JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, IncludeFields = true }));

        // The silo's and gateway's own accounts of the run, next to the report (the faults show there).
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "fleetsim-test-silo.log"), stack.Silo.Output);
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "fleetsim-test-gateway.log"), stack.Gateway.Output);

        var counts = report.Counts;
        Assert.True(report.Steady, report.Summary());
        Assert.Equal(1000, counts.SensorsEnrolled);
        Assert.Equal(1000, counts.SensorsOnline);
        Assert.Equal(0, counts.CommandsLost);
        Assert.Equal(0, counts.CommandsMisrouted);
        Assert.Equal(0, counts.OutcomeMismatches);
        Assert.Equal(2, restarted);

        // The faults happened: otherwise this run proves less than it claims.
        Assert.True(counts.CommandsAccepted >= 900, report.Summary());
        Assert.True(counts.CommandsFailed > 0, report.Summary());
        Assert.True(counts.Reconnects >= 1000, report.Summary());

        // The agents' own disk traffic: a heartbeat that changes nothing writes nothing (at most one write an agent).
        Assert.True(counts.TrustRecordWrites <= counts.SensorsEnrolled, report.Summary());
        Assert.True(counts.Heartbeats >= 5 * counts.SensorsEnrolled, report.Summary());
        Assert.Equal(0, counts.AgentErrors);
        Assert.Equal(counts.CommandsAccepted, counts.CommandsDone + counts.CommandsFailed + counts.CommandsSuperseded + counts.CommandsExpired);
    }
}
