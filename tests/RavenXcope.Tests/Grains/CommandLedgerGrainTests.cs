using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Tests.Grains;

/// <summary>The sensor grain's command ledger when publishing fails, with the clock moved by the test.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class CommandLedgerGrainTests(InMemoryClusterFixture fixture)
{
    [Theory]
    [InlineData("nats")]
    [InlineData("cancelled")]
    public async Task A_command_whose_publication_failed_is_accepted_and_published_by_the_retry_timer(string failure)
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        await fixture.EnrollAsync(sensor);

        // NATS going away, or the operator's call cancelled mid-publish: either way the command is taken.
        fixture.Publisher.FailNext(failure == "nats" ? new NATS.Client.Core.NatsException("connection lost") : new OperationCanceledException());
        var submitted = await sensor.SubmitCommandAsync(CommandType.Start, "retry-key", null);
        Assert.True(submitted.IsSuccess, submitted.ErrorDetail);
        Assert.Equal(CommandStatus.Accepted, submitted.Value!.Status);
        await Eventually.WaitAsync(
            () => sensor.GetCommandAsync(submitted.Value.CommandId),
            c => c?.Detail?.StartsWith("not published yet", StringComparison.Ordinal) == true,
            "the failed publication to be noted on the command");

        // The operator's retry with the same key gets the same command, and the grain's timer publishes it.
        Assert.Equal(submitted.Value.CommandId, (await sensor.SubmitCommandAsync(CommandType.Start, "retry-key", null)).Value!.CommandId);
        await Eventually.WaitAsync(
            async () =>
            {
                fixture.Time.Advance(TimeSpan.FromSeconds(5));
                return (await sensor.GetCommandAsync(submitted.Value.CommandId))?.Status == CommandStatus.Published;
            },
            "the retry timer to publish the command");
    }

    [Fact]
    public async Task A_command_is_accepted_and_the_sensor_answers_while_the_publisher_waits_on_nats()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        await fixture.EnrollAsync(sensor);

        var release = fixture.Publisher.Hold();
        try
        {
            // Each call would wait for the held publication if accepting a command waited on NATS; the bound here is
            // far below the hold, which lasts until released.
            var submitted = await sensor.SubmitCommandAsync(CommandType.Start, null, null).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(CommandStatus.Accepted, submitted.Value!.Status);
            Assert.NotNull(await sensor.GetAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            var second = await sensor.SubmitCommandAsync(CommandType.Stop, null, null).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(CommandStatus.Superseded, (await sensor.GetCommandAsync(submitted.Value.CommandId))!.Status);
            Assert.Equal(CommandStatus.Accepted, (await sensor.GetCommandAsync(second.Value!.CommandId))!.Status);
            release();
            await Eventually.WaitAsync(
                () => sensor.GetCommandAsync(second.Value.CommandId),
                c => c?.Status == CommandStatus.Published,
                "the stop to be published once NATS answers");
        }
        finally
        {
            release();
        }
    }

    [Fact]
    public async Task An_outcome_the_agent_reports_for_a_superseded_command_replaces_superseded_and_is_acknowledged()
    {
        var (sensor, _, _) = await fixture.RegisteredSensorAsync();
        await fixture.EnrollAsync(sensor);

        var start = (await sensor.SubmitCommandAsync(CommandType.Start, null, null)).Value!;
        await Eventually.WaitAsync(() => sensor.GetCommandAsync(start.CommandId), c => c?.Status == CommandStatus.Published, "the start to be published");
        var stop = (await sensor.SubmitCommandAsync(CommandType.Stop, null, null)).Value!;
        Assert.Equal(CommandStatus.Superseded, (await sensor.GetCommandAsync(start.CommandId))!.Status);

        // The agent had taken the start before the stop arrived, and ran both.
        var recorded = await sensor.RecordStatusAsync(new SensorStatusReport(
            "stopped", "stopped", stop.CommandId, "done", "trusted", "test",
            [new ReportedOutcome(start.CommandId, "done"), new ReportedOutcome(stop.CommandId, "done"), new ReportedOutcome("cmd_unknown", "done")]));

        Assert.Equal(CommandStatus.Done, (await sensor.GetCommandAsync(start.CommandId))!.Status);
        Assert.Equal(CommandStatus.Done, (await sensor.GetCommandAsync(stop.CommandId))!.Status);
        Assert.Equal(new[] { stop.CommandId, start.CommandId, "cmd_unknown" }.Order(), recorded.Order());
    }

    [Fact]
    public async Task A_failed_command_is_written_to_the_read_model_as_the_sensors_latest_failure()
    {
        var (sensor, tenantId, sensorId) = await fixture.RegisteredSensorAsync();
        await fixture.EnrollAsync(sensor);
        Assert.Null(fixture.Directory.Sensors[$"{tenantId}/{sensorId}"].LastFailedCommand);

        // Suricata is reported stopped before and after: the failure alone must reach the read model.
        await sensor.RecordStatusAsync(new SensorStatusReport("stopped", "stopped", null, null, "trusted", "test", []));
        var start = (await sensor.SubmitCommandAsync(CommandType.Start, null, null)).Value!;
        await Eventually.WaitAsync(() => sensor.GetCommandAsync(start.CommandId), c => c?.Status == CommandStatus.Published, "the start to be published");
        await sensor.RecordStatusAsync(new SensorStatusReport(
            "stopped", "stopped", start.CommandId, "failed", "trusted", "test", [new ReportedOutcome(start.CommandId, "failed", "suricata: no rules")]));

        var failed = fixture.Directory.Sensors[$"{tenantId}/{sensorId}"].LastFailedCommand;
        Assert.NotNull(failed);
        Assert.Equal(start.CommandId, failed.CommandId);
        Assert.Equal(CommandStatus.Failed, failed.Status);
        Assert.Equal("suricata: no rules", failed.Detail);
    }
}
