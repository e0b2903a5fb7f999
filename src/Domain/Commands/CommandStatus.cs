using System.Text.Json.Serialization;

namespace RavenXcope.Domain;

/// <summary>A command's place in the ledger. Stored by name: never rename a member.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommandStatus>))]
public enum CommandStatus
{
    /// <summary>Recorded; not yet in the stream.</summary>
    Accepted,

    /// <summary>In the sensor's JetStream stream.</summary>
    Published,

    /// <summary>The agent took it.</summary>
    Delivered,

    /// <summary>The agent carried it out.</summary>
    Done,

    /// <summary>The agent could not carry it out.</summary>
    Failed,

    /// <summary>It expired before the agent carried it out.</summary>
    Expired,

    /// <summary>A later command made it moot (a stop after a pending start).</summary>
    Superseded,
}
