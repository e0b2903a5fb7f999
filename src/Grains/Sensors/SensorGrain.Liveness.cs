using RavenXcope.Grains.State;

namespace RavenXcope.Grains.Sensors;

/// <summary>
/// Liveness from heartbeats and status messages, kept in memory; a grain timer notices a change of class
/// (see <see cref="LivenessEvaluator"/>) and only then writes it.
/// </summary>
public sealed partial class SensorGrain
{
    private IGrainTimer? _livenessTimer;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _livenessTimer = this.RegisterGrainTimer(
            CheckLivenessAsync,
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)) { Interleave = false, KeepAlive = false });
        ResumePublishing();
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _livenessTimer?.Dispose();
        Telemetry.ControlPlaneMetrics.AwaitingPublication(-_awaitingCounted);
        _awaitingCounted = 0;
        ForgetSuricata();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private string CurrentLiveness()
    {
        // A sensor that was given NATS credentials is expected to speak on both planes.
        return LivenessEvaluator.Evaluate(S.Lifecycle, _lastHeartbeatAt, _lastStatusAt, S.NatsUserPublicKey is not null, time.GetUtcNow(), policy.HeartbeatInterval);
    }

    private async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists || S.Lifecycle != SensorLifecycle.Enrolled)
        {
            return;
        }

        var liveness = CurrentLiveness();
        if (liveness != S.Liveness)
        {
            LogLiveness(logger, S.TenantId, S.SensorId, S.Liveness ?? "unknown", liveness);
            S.Liveness = liveness;
            await WriteAndListAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: liveness {From} -> {To}")]
    private static partial void LogLiveness(ILogger logger, string tenantId, string sensorId, string from, string to);
}
