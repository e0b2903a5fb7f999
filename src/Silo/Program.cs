using System.CommandLine;
using RavenXcope.ServiceDefaults;
using RavenXcope.Silo.Database;
using RavenXcope.Silo.Hosting;

var root = new RootCommand("RavenXcope silo: hosts the tenant, sensor and claim-code grains.");

var serve = new Command("serve", "Run the silo (the default when no command is given).");
serve.TreatUnmatchedTokensAsErrors = false;
serve.SetAction((result, cancellationToken) => Serve(result.UnmatchedTokens.ToArray(), cancellationToken));
root.Subcommands.Add(serve);

var dsnOption = new Option<string?>("--connection-string")
{
    Description = "PostgreSQL connection string or postgres:// URI (default: Database:ConnectionString, PG_DSN).",
};
var migrate = new Command("migrate", "Apply the database schema (idempotent) and exit.") { dsnOption };
migrate.SetAction((result, cancellationToken) => Migrate(result.GetValue(dsnOption), cancellationToken));
root.Subcommands.Add(migrate);

var checkSchema = new Command("check-schema", "Exit 0 when the database schema is current, 3 when it is behind.") { dsnOption };
checkSchema.SetAction((result, cancellationToken) => CheckSchema(result.GetValue(dsnOption), cancellationToken));
root.Subcommands.Add(checkSchema);

root.TreatUnmatchedTokensAsErrors = false;
root.SetAction((result, cancellationToken) => Serve(result.UnmatchedTokens.ToArray(), cancellationToken));

return await root.Parse(args).InvokeAsync();

static async Task<int> Serve(string[] args, CancellationToken cancellationToken)
{
    try
    {
        await using var app = await SiloApplication.BuildAsync(args, cancellationToken: cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }
    catch (InvalidConfigurationException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: configuration error:{Environment.NewLine}{e.Message}");
        return 2;
    }
    catch (SchemaMismatchException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: refusing to start: {e.Message}");
        return 3;
    }
    catch (Npgsql.NpgsqlException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: refusing to start: database unreachable: {e.Message}");
        return 1;
    }
}

static async Task<int> Migrate(string? connectionString, CancellationToken cancellationToken)
{
    if (ResolveConnectionString(connectionString) is not { } dsn)
    {
        return 2;
    }

    try
    {
        var applied = await new SchemaMigrator(dsn).MigrateAsync(cancellationToken);
        foreach (var migration in applied)
        {
            Console.WriteLine($"applied {migration.Version:D4}_{migration.Name}");
        }

        var status = await new SchemaMigrator(dsn).GetStatusAsync(cancellationToken);
        Console.WriteLine(applied.Count == 0 ? $"nothing to do: {status.Describe()}" : status.Describe());
        return 0;
    }
    catch (SchemaMismatchException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo migrate: {e.Message}");
        return 3;
    }
    catch (Npgsql.NpgsqlException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo migrate: database error: {e.Message}");
        return 1;
    }
}

static async Task<int> CheckSchema(string? connectionString, CancellationToken cancellationToken)
{
    if (ResolveConnectionString(connectionString) is not { } dsn)
    {
        return 2;
    }

    try
    {
        var status = await new SchemaMigrator(dsn).GetStatusAsync(cancellationToken);
        Console.WriteLine(status.Describe());
        return status.IsCurrent ? 0 : 3;
    }
    catch (Exception e) when (e is SchemaMismatchException or Npgsql.NpgsqlException)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo check-schema: {e.Message}");
        return 1;
    }
}

static string? ResolveConnectionString(string? fromCommandLine)
{
    if (!string.IsNullOrWhiteSpace(fromCommandLine))
    {
        return fromCommandLine;
    }

    var configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddEnvironmentAliases()
        .Build();
    try
    {
        var settings = SettingsLoader.Load<DatabaseSettings>(configuration, DatabaseSettings.SectionName);
        PostgresConnectionString.Parse(settings.ConnectionString);
        return settings.ConnectionString;
    }
    catch (Exception e) when (e is InvalidConfigurationException or FormatException)
    {
        Console.Error.WriteLine($"ravenxcope-silo: configuration error:{Environment.NewLine}{e.Message}");
        return null;
    }
}
