using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>The PostgreSQL database that holds Orleans' tables and ours.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Database";

    /// <summary>Npgsql keyword form or a <c>postgres://</c> URI (<c>PG_DSN</c>).</summary>
    [Required(ErrorMessage = "is required")]
    public string ConnectionString { get; set; } = string.Empty;
}

/// <summary>Checks that <see cref="DatabaseOptions"/> has a connection string that parses (without echoing it: it may hold a password).</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    private readonly DatabaseOptionsAnnotations _annotations = new();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            return annotations;
        }

        try
        {
            PostgresConnectionString.Parse(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail($"{nameof(DatabaseOptions.ConnectionString)}: {e.Message}");
        }
    }
}

/// <summary>The annotations of <see cref="DatabaseOptions"/> (generated).</summary>
[OptionsValidator]
internal sealed partial class DatabaseOptionsAnnotations : IValidateOptions<DatabaseOptions>;
