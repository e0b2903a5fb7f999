using System.Text.Json.Serialization;

namespace RavenXcope.Domain;

/// <summary>What an operator can ask of a sensor's Suricata.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommandType>))]
public enum CommandType
{
    /// <summary>Start Suricata.</summary>
    Start,

    /// <summary>Stop Suricata.</summary>
    Stop,

    /// <summary>Stop, then start.</summary>
    Restart,
}
