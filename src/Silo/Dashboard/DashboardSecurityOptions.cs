using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.Silo.Dashboard;

/// <summary>The credential that guards the Orleans Dashboard. There is no anonymous access.</summary>
public sealed class DashboardSecurityOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>User name for HTTP Basic authentication.</summary>
    [Required(ErrorMessage = "is required (the dashboard never runs without a credential)")]
    [RegularExpression("^[^:\\s]{1,64}$", ErrorMessage = "must be 1 to 64 characters without ':' or spaces")]
    public string Username { get; set; } = string.Empty;

    /// <summary>Password for HTTP Basic authentication; at least 16 characters.</summary>
    [Required(ErrorMessage = "is required (the dashboard never runs without a credential)")]
    [MinLength(16, ErrorMessage = "must be at least 16 characters")]
    public string Password { get; set; } = string.Empty;

    /// <summary>Path under which the dashboard is served on the silo's HTTP port.</summary>
    [Required, RegularExpression("^/[A-Za-z0-9/_-]*$")]
    public string Path { get; set; } = "/dashboard";
}

/// <summary>Checks <see cref="DashboardSecurityOptions"/>' annotations (generated).</summary>
[OptionsValidator]
public sealed partial class DashboardSecurityOptionsValidator : IValidateOptions<DashboardSecurityOptions>;
