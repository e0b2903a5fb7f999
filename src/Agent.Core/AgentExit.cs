namespace RavenXcope.Agent;

/// <summary>Why <see cref="AgentRunner.RunAsync"/> returned.</summary>
public enum AgentExit
{
    /// <summary>Stopped from outside (cancelled).</summary>
    Stopped,

    /// <summary>No complete, usable identity in the state directory: enroll (again).</summary>
    NotEnrolled,

    /// <summary>The operator revoked the sensor: the agent stops for good; enroll again with a new claim code.</summary>
    Revoked,
}
