using System.Text.Json;
using System.Text.Json.Serialization;

namespace RavenXcope.Benchmarks;

/// <summary>One line between the benchmark and a fleet process: what the child reports (JSON on its standard output).
/// Requests to the child are the bare words <see cref="Status"/> and <see cref="Stop"/>.</summary>
public sealed record FleetLine(string Kind)
{
    /// <summary>The fleet is enrolled and connected: tenants, sensors and enrollment figures follow.</summary>
    public const string Ready = "ready";

    /// <summary>An agent took a command (<see cref="CommandId"/>, <see cref="At"/>).</summary>
    public const string Received = "received";

    /// <summary>Request: a status from every agent; reply: how many were sent.</summary>
    public const string Status = "status";

    /// <summary>Request: stop the agents and exit.</summary>
    public const string Stop = "stop";

    /// <summary>The child could not do what it was asked (<see cref="Error"/>).</summary>
    public const string Failed = "failed";

    public IReadOnlyList<string>? Tenants { get; init; }

    public IReadOnlyList<FleetMember>? Sensors { get; init; }

    public double EnrollPerSecond { get; init; }

    public double EnrollP99 { get; init; }

    public Dictionary<string, double>? EnrollCpuMsPerSensor { get; init; }

    public string? CommandId { get; init; }

    /// <summary>When the command was taken: a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public long At { get; init; }

    public int Sent { get; init; }

    public string? Error { get; init; }
}

/// <summary>A sensor of a fleet process, by its ids.</summary>
public sealed record FleetMember(string TenantId, string SensorId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FleetLine))]
internal sealed partial class FleetLineJson : JsonSerializerContext;
