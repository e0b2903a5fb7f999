using NATS.NKeys;

namespace RavenXcope.Grains.Nats;

/// <summary>What the grains need of the control bus: the operator key, the seed vault and the bus, or nothing when it is off.</summary>
public sealed class NatsRuntime(NatsSettings settings, KeyPair? operatorKey, SeedVault? vault, INatsControlBus bus)
{
    /// <summary>The settings.</summary>
    public NatsSettings Settings { get; } = settings;

    /// <summary>True when configured.</summary>
    public bool Enabled => operatorKey is not null && vault is not null;

    /// <summary>The operator's key pair (signs account JWTs).</summary>
    public KeyPair Operator => operatorKey ?? throw new InvalidOperationException("the NATS control bus is not configured");

    /// <summary>Seals and opens seeds at rest.</summary>
    public SeedVault Vault => vault ?? throw new InvalidOperationException("the NATS control bus is not configured");

    /// <summary>Operations on NATS.</summary>
    public INatsControlBus Bus { get; } = bus;
}
