using System.Text.Json.Serialization;

namespace RavenXcope.Domain;

/// <summary>Where a sensor stands in its life. Stored by name: never rename a member.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SensorLifecycle>))]
public enum SensorLifecycle
{
    /// <summary>Created by an operator; no certificate yet.</summary>
    Registered,

    /// <summary>Holds a certificate issued by our CA.</summary>
    Enrolled,

    /// <summary>Suspended by an operator; reversible.</summary>
    Disabled,

    /// <summary>Revoked by an operator; final.</summary>
    Revoked,
}
