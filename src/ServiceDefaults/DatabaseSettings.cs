using System.ComponentModel.DataAnnotations;

namespace RavenXcope.ServiceDefaults;

/// <summary>The PostgreSQL database that holds Orleans' tables and ours.</summary>
public sealed class DatabaseSettings
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Database";

    /// <summary>Npgsql keyword form or a <c>postgres://</c> URI (<c>PG_DSN</c>).</summary>
    [Required(ErrorMessage = "is required: set Database:ConnectionString (environment PG_DSN or Database__ConnectionString)")]
    public string ConnectionString { get; set; } = string.Empty;
}
