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
        var (key, csr) = Csrs.EcP256();
        using (key)
        {
            var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
            Assert.True((await fixture.Client.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, InMemoryClusterFixture.Host)).IsSuccess);
        }

        // NATS going away, or the operator's call cancelled mid-publish: either way the command is taken.
        fixture.Publisher.FailNext(failure == "nats" ? new NATS.Client.Core.NatsException("connection lost") : new OperationCanceledException());
        var submitted = await sensor.SubmitCommandAsync(CommandType.Start, "retry-key", null);
        Assert.True(submitted.IsSuccess, submitted.ErrorDetail);
        Assert.Equal(CommandStatus.Accepted, submitted.Value!.Status);
        Assert.StartsWith("not published yet", submitted.Value.Detail, StringComparison.Ordinal);

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
}
