using System.CommandLine;
using RavenXcope.ServiceDefaults;
using RavenXcope.ServiceDefaults.ApiKeys;
using RavenXcope.Silo.Audit;
using RavenXcope.Silo.Hosting;
using RavenXcope.Silo.Trust;
using RavenXcope.Infrastructure.Postgres;

var root = new RootCommand("RavenXcope silo: hosts the tenant, sensor and claim-code grains.");
var logFormatOption = new Option<string?>(RavenXcope.Common.Logging.ConsoleLog.OptionName)
{
    Description = $"Console log: text (one line per event) or json (one object per line); default: {RavenXcope.Common.Logging.ConsoleLog.EnvironmentName}, else text.",
    Recursive = true,
};
logFormatOption.AcceptOnlyFromAmong([.. RavenXcope.Common.Logging.ConsoleLog.Values]);
root.Options.Add(logFormatOption);
var envFileOption = new Option<string?>("--env-file")
{
    Description = "A KEY=value file of settings, such as the .data/up.env that scripts/up.sh writes (PG_DSN, AUDIT_HMAC_KEY, …); its values win over the environment.",
    Recursive = true,
};
root.Options.Add(envFileOption);

var serve = new Command("serve", "Run the silo (the default when no command is given).");
serve.TreatUnmatchedTokensAsErrors = false;
serve.SetAction((result, cancellationToken) => Serve(HostArguments(result), cancellationToken));
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

var caDirOption = new Option<string>("--dir") { Description = "Directory for ca.cert.pem, ca.key.pem (0600), gateway.cert.pem and gateway.key.pem (0600).", Required = true };
var serverNameOption = new Option<string[]>("--server-name") { Description = "DNS name in the gateway certificate (repeatable; default: localhost).", AllowMultipleArgumentsPerToken = false };
var serverIpOption = new Option<string[]>("--server-ip") { Description = "IP address in the gateway certificate (repeatable; default: 127.0.0.1).", AllowMultipleArgumentsPerToken = false };
var initCa = new Command("init-ca", "Create the certificate authority and the gateway's TLS certificate (keeps existing files).") { caDirOption, serverNameOption, serverIpOption };
initCa.SetAction(result => InitCaCommand(result.GetValue(caDirOption)!, result.GetValue(serverNameOption) ?? [], result.GetValue(serverIpOption) ?? []));
root.Subcommands.Add(initCa);

var roleOption = new Option<string>("--role") { Description = "admin, operator or reader.", Required = true };
var tenantOption = new Option<string?>("--tenant") { Description = "Scope the key to one tenant (default: global)." };
var expiresInOption = new Option<string?>("--expires-in") { Description = "Lifetime of the key: a number with s, m, h or d, e.g. 90d (default: no expiry)." };
var createKey = new Command("create-api-key", "Create an operator API key and print it (shown once).") { roleOption, tenantOption, expiresInOption, dsnOption };
createKey.SetAction((result, cancellationToken) => CreateApiKey(result.GetValue(roleOption)!, result.GetValue(tenantOption), result.GetValue(expiresInOption), result.GetValue(dsnOption), cancellationToken));
root.Subcommands.Add(createKey);

var operatorDirOption = new Option<string>("--dir") { Description = "Directory for the operator seed (0600), JWTs, SYS user creds (0600) and the nats-server fragment.", Required = true };
var resolverOption = new Option<string>("--resolver-url") { Description = "The gateway's account resolver, e.g. http://127.0.0.1:8080/jwt/v1/accounts/", Required = true };
var initOperator = new Command("init-operator", "Create the NATS operator, the SYS account and user, and the nats-server config fragment (keeps existing seeds).") { operatorDirOption, resolverOption };
initOperator.SetAction(result =>
{
    try
    {
        foreach (var line in RavenXcope.Grains.Nats.OperatorFiles.Create(result.GetValue(operatorDirOption)!, result.GetValue(resolverOption)!, DateTimeOffset.UtcNow))
        {
            Console.WriteLine(line);
        }

        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or RavenXcope.Common.InsecureKeyFileException or NATS.NKeys.NKeysException)
    {
        Console.Error.WriteLine($"ravenxcope-silo init-operator: {e.Message}");
        return 1;
    }
});
root.Subcommands.Add(initOperator);

var auditTenantOption = new Option<string>("--tenant") { Description = "The tenant whose chain to check.", Required = true };
var verifyAudit = new Command("verify-audit", "Recompute every MAC of a tenant's audit chain (key: AUDIT_HMAC_KEY); name the first entry that does not match.") { auditTenantOption, dsnOption };
verifyAudit.SetAction((result, cancellationToken) => VerifyAudit(result.GetValue(auditTenantOption)!, result.GetValue(dsnOption), cancellationToken));
root.Subcommands.Add(verifyAudit);

root.TreatUnmatchedTokensAsErrors = false;
root.SetAction((result, cancellationToken) => Serve(HostArguments(result), cancellationToken));

var parsed = root.Parse(args);
if (parsed.Errors.Count == 0 && parsed.GetValue(envFileOption) is { } envFile)
{
    try
    {
        EnvironmentNames.LoadFile(envFile);
    }
    catch (IOException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: --env-file {envFile}: {e.Message}");
        return 2;
    }
}

return await parsed.InvokeAsync();

// What the host reads from the command line: the tokens this parser does not know, and the log format it does.
string[] HostArguments(ParseResult result) => result.GetValue(logFormatOption) is { } format
    ? [.. result.UnmatchedTokens, $"--{HostLogging.CommandLineKey}", format]
    : [.. result.UnmatchedTokens];

async Task<int> Serve(string[] args, CancellationToken cancellationToken)
{
    if (HostCommandLine.FirstStray(args) is { } stray)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: '{stray}' is neither a command ({string.Join(", ", root.Subcommands.Select(c => c.Name))}) nor a setting (--Key=value); try --help");
        return 2;
    }

    try
    {
        await using var app = await SiloApplication.BuildAsync(args, cancellationToken: cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }
    catch (Exception e) when (ValidatedOptions.DescribeStartFailure(e) is { } problem)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: configuration error:{Environment.NewLine}{problem}");
        return 2;
    }
    catch (SchemaMismatchException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo: refusing to start: {e.Message}");
        return 3;
    }
    catch (System.Data.Common.DbException e)
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
    catch (System.Data.Common.DbException e)
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
    catch (Exception e) when (e is SchemaMismatchException or System.Data.Common.DbException)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo check-schema: {e.Message}");
        return 1;
    }
}

static int InitCaCommand(string directory, string[] names, string[] addresses)
{
    var parsed = new List<System.Net.IPAddress>();
    foreach (var address in addresses.Length == 0 ? ["127.0.0.1"] : addresses)
    {
        if (!System.Net.IPAddress.TryParse(address, out var ip))
        {
            Console.Error.WriteLine($"ravenxcope-silo init-ca: '{address}' is not an IP address");
            return 2;
        }

        parsed.Add(ip);
    }

    try
    {
        foreach (var line in InitCa.Run(directory, names.Length == 0 ? ["localhost"] : names, parsed, DateTimeOffset.UtcNow))
        {
            Console.WriteLine(line);
        }

        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or RavenXcope.Common.InsecureKeyFileException)
    {
        Console.Error.WriteLine($"ravenxcope-silo init-ca: {e.Message}");
        return 1;
    }
}

static async Task<int> CreateApiKey(string role, string? tenantId, string? expiresIn, string? connectionString, CancellationToken cancellationToken)
{
    if (!ApiKeyRoles.TryParse(role, out var parsedRole))
    {
        await Console.Error.WriteLineAsync("ravenxcope-silo create-api-key: --role must be admin, operator or reader");
        return 2;
    }

    if (tenantId is not null && !RavenXcope.Grains.Model.Identifiers.IsValid(tenantId))
    {
        await Console.Error.WriteLineAsync("ravenxcope-silo create-api-key: --tenant is not a valid tenant id");
        return 2;
    }

    TimeSpan? lifetime = null;
    if (expiresIn is not null)
    {
        lifetime = ParseLifetime(expiresIn);
        if (lifetime is null)
        {
            await Console.Error.WriteLineAsync($"ravenxcope-silo create-api-key: --expires-in '{expiresIn}' is not a lifetime; give a positive number with s, m, h or d, e.g. 90d");
            return 2;
        }
    }

    if (ResolveConnectionString(connectionString) is not { } dsn)
    {
        return 2;
    }

    await using var database = PostgresServiceCollectionExtensions.OpenPostgres(dsn);
    var expiresAt = lifetime is { } span ? DateTimeOffset.UtcNow + span : (DateTimeOffset?)null;
    var (apiKey, _) = await database.GetRequiredService<ApiKeyStore>().CreateAsync(parsedRole, tenantId, expiresAt, cancellationToken);
    Console.WriteLine(apiKey);
    if (expiresAt is { } at)
    {
        // Standard error, so that scripts reading the key from standard output get the key alone.
        await Console.Error.WriteLineAsync($"expires {at:O}");
    }

    return 0;
}

static TimeSpan? ParseLifetime(string text)
{
    if (text.Length < 2 || !long.TryParse(text[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count < 1 || count > 36500L * 86400)
    {
        return null;
    }

    var lifetime = text[^1] switch
    {
        's' => TimeSpan.FromSeconds(count),
        'm' => TimeSpan.FromMinutes(count),
        'h' => TimeSpan.FromHours(count),
        'd' => TimeSpan.FromDays(count),
        _ => (TimeSpan?)null,
    };
    return lifetime is { } span && span <= TimeSpan.FromDays(36500) ? span : null;
}

static async Task<int> VerifyAudit(string tenantId, string? connectionString, CancellationToken cancellationToken)
{
    if (ResolveConnectionString(connectionString) is not { } dsn)
    {
        return 2;
    }

    RavenXcope.Grains.Audit.AuditKey key;
    try
    {
        key = EnvironmentNames.BuildConfiguration().ReadValidated<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName).ToKey();
    }
    catch (InvalidConfigurationException e)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo verify-audit: {e.Message}");
        return 2;
    }

    if (key.Key is null)
    {
        await Console.Error.WriteLineAsync("ravenxcope-silo verify-audit: set AUDIT_HMAC_KEY (the key the chain was written with), or give the stack's settings with --env-file .data/up.env");
        return 2;
    }

    await using var database = PostgresServiceCollectionExtensions.OpenPostgres(dsn);
    var audit = database.GetRequiredService<AuditStore>();
    var (count, broken) = await audit.VerifyAsync(key.Key, tenantId, cancellationToken);
    // An empty chain proves nothing about a tenant that was never made (a typo would read as "all match").
    if (count == 0 && !await audit.TenantExistsAsync(tenantId, cancellationToken))
    {
        await Console.Error.WriteLineAsync($"ravenxcope-silo verify-audit: tenant {tenantId} does not exist; nothing to verify");
        return 5;
    }

    if (broken is { } sequence)
    {
        Console.WriteLine($"audit chain of {tenantId}: entry {sequence} does not match (the first of {count} checked); it or an entry before it was altered");
        return 4;
    }

    Console.WriteLine($"audit chain of {tenantId}: {count} entries, all match");
    return 0;
}

static string? ResolveConnectionString(string? fromCommandLine)
{
    if (!string.IsNullOrWhiteSpace(fromCommandLine))
    {
        return fromCommandLine;
    }

    try
    {
        return EnvironmentNames.BuildConfiguration().ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName).ConnectionString;
    }
    catch (InvalidConfigurationException e)
    {
        // The admin commands are run by hand, most often against a local stack whose settings are in a file.
        Console.Error.WriteLine($"ravenxcope-silo: configuration error:{Environment.NewLine}{e.Message}{Environment.NewLine}"
            + "Give the database with --connection-string or PG_DSN, or the stack's settings with --env-file .data/up.env.");
        return null;
    }
}
