using System.Security.Cryptography;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Infrastructure.Postgres.Accounts;
using RavenXcope.ServiceDefaults;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>
/// <c>ravenxcope-gateway create-operator --user NAME --role admin|operator|reader [--tenant ID] [--password-stdin]
/// [--connection-string DSN]</c>: creates a console account, the first admin included. Without
/// <c>--password-stdin</c> it makes a password and prints it (shown once). Exit 0 created, 1 the name is taken, 2 bad input.
/// </summary>
public static class CreateOperatorCommand
{
    /// <summary>The subcommand's name.</summary>
    public const string Name = "create-operator";

    /// <summary>How it is called, for --help and the gateway's own usage.</summary>
    public const string Usage = $"{Name} --user NAME --role admin|operator|reader [--tenant ID] [--password-stdin] [--connection-string DSN]";

    /// <summary>Runs the subcommand with the arguments after its name.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? user = null, role = null, tenant = null, dsn = null;
        var fromStdin = false;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--user": user = Next(); break;
                case "--role": role = Next(); break;
                case "--tenant": tenant = Next(); break;
                case "--connection-string": dsn = Next(); break;
                case "--password-stdin": fromStdin = true; break;
                case "--help" or "-h" or "-?":
                    Console.WriteLine($"Usage: ravenxcope-gateway {Usage}\nCreates a console account; without --password-stdin it makes a password and prints it (shown once).\nThe database: --connection-string, else PG_DSN.\nExit 0 created, 1 the name is taken, 2 bad input.");
                    return 0;
                default: return await Fail($"unknown argument '{args[i]}' (try --help)");
            }
        }

        if (!OperatorAccountStore.IsUserName(user))
        {
            return await Fail("--user must be 2 to 64 lower-case letters, digits, '.', '_', '-' or '@'");
        }

        if (!ApiKeyRoles.TryParse(role, out var parsedRole))
        {
            return await Fail("--role must be admin, operator or reader");
        }

        if (tenant is not null && !Grains.Model.Identifiers.IsValid(tenant))
        {
            return await Fail("--tenant is not a valid tenant id");
        }

        var password = fromStdin ? (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n') : RandomPassword();
        if (ConsoleAccounts.WeakPassword(password) is { } weak)
        {
            return await Fail(weak);
        }

        try
        {
            dsn ??= EnvironmentNames.BuildConfiguration().ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName).ConnectionString;
        }
        catch (InvalidConfigurationException e)
        {
            return await Fail($"configuration error:{Environment.NewLine}{e.Message}");
        }

        await using var database = PostgresServiceCollectionExtensions.OpenPostgres(dsn);
        if (tenant is not null && !await database.GetRequiredService<AuditStore>().TenantExistsAsync(tenant, CancellationToken.None))
        {
            return await Fail($"tenant {tenant} does not exist: create it first (POST /api/v1/tenants, or the console's Tenants page)");
        }

        var store = database.GetRequiredService<OperatorAccountStore>();
        if (!await store.CreateAsync(user!, ConsoleAccounts.Hash(password!), parsedRole, tenant))
        {
            await Console.Error.WriteLineAsync($"ravenxcope-gateway {Name}: the user {user} exists already (kept as it is)");
            return 1;
        }

        if (!fromStdin)
        {
            Console.WriteLine(password);
        }

        return 0;
    }

    // 24 characters of a 32-letter alphabet without look-alikes: 120 bits.
    private static string RandomPassword() => RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 24);

    private static async Task<int> Fail(string message)
    {
        await Console.Error.WriteLineAsync($"ravenxcope-gateway {Name}: {message}");
        return 2;
    }
}
