using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.ServiceDefaults;

/// <summary>Which Orleans cluster a process belongs to, and where a silo listens (Orleans' own <c>ClusterOptions</c> are set from it).</summary>
public sealed class OrleansClusterOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Cluster";

    /// <summary>Identifies one deployment; silos and clients must agree on it.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ClusterId { get; set; } = "ravenxcope";

    /// <summary>Identifies the service across deployments; grain state and reminders are keyed by it.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ServiceId { get; set; } = "ravenxcope";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port that clients (the gateway) connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo on: an IP, or a host name resolved at start (containers).</summary>
    [Required]
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only the advertised address (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }
}

/// <summary>Checks <see cref="OrleansClusterOptions"/>' annotations (generated: no reflection at start).</summary>
[OptionsValidator]
public sealed partial class OrleansClusterOptionsValidator : IValidateOptions<OrleansClusterOptions>;
