namespace RavenXcope.Grains.Model;

/// <summary>The control bus as one silo sees it (for health checks).</summary>
/// <param name="Enabled">False when NATS is not configured at all.</param>
/// <param name="Connected">NATS answers and every tenant connection of the bridge is open.</param>
/// <param name="OpenConnections">Bridge connections that are open.</param>
/// <param name="DownConnections">Bridge connections that are not (reconnecting).</param>
/// <param name="AwaitingPublication">Commands this silo's grains accepted and have not published yet.</param>
/// <param name="Detail">One line for a person.</param>
[GenerateSerializer, Immutable, Alias("RavenXcope.ControlBusStatus")]
public sealed record ControlBusStatus(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] bool Connected,
    [property: Id(2)] int OpenConnections,
    [property: Id(3)] int DownConnections,
    [property: Id(4)] long AwaitingPublication,
    [property: Id(5)] string Detail);
