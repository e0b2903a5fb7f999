using Npgsql;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// Turns the configured database address into an Npgsql connection string. Both Npgsql's keyword form
/// (<c>Host=…;Database=…</c>) and the URI form of the source documents' <c>PG_DSN</c>
/// (<c>postgres://user:pass@host:port/db?sslmode=disable</c>) are accepted.
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>The schema that holds every table of ours and of Orleans.</summary>
    public const string Schema = "ravenxcope";

    /// <summary>Parses <paramref name="value"/>; throws <see cref="FormatException"/> without echoing it (it may hold a password).</summary>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        try
        {
            return value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUri(new Uri(value))
                : new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or KeyNotFoundException)
        {
            throw new FormatException($"the database connection string does not parse: {e.GetType().Name}");
        }
    }

    /// <summary>
    /// Connections one process opens at most unless the address says otherwise (<c>Maximum Pool Size</c>,
    /// or <c>max_pool_size</c> in the URI form). Npgsql's own default, 100, lets a single busy silo take every
    /// connection a default PostgreSQL allows (<c>max_connections</c> 100) and the others fail with 53300
    /// "too many clients"; more connections than this do not make a small database server faster.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>Statements each connection prepares automatically unless the address says otherwise (<c>Max Auto Prepare</c>).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection string with the search path set to our schema, as the Orleans providers need it, the
    /// pool bounded by <see cref="DefaultMaxPoolSize"/>, automatic preparation on (<see cref="DefaultMaxAutoPrepare"/>)
    /// and no reset of a pooled connection, where the address does not say otherwise.
    /// </summary>
    public static string ForSchema(string value)
    {
        var builder = Parse(value);
        builder.SearchPath = Schema;
        var given = builder.ConnectionString;
        if (!given.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        // Orleans' storage and reminder queries and the read model's upserts are the same few texts over and
        // over: prepared once per connection, PostgreSQL stops parsing and planning them on every call.
        if (!given.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        // Nothing of ours leaves session state on a connection (no SET, temporary tables, LISTEN or advisory
        // locks), so a connection back from the pool needs no reset: without this, every use of a pooled
        // connection that has prepared statements starts with five reset statements.
        if (!given.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(kv[0]);
            var setting = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            switch (name.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = setting.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new ArgumentException($"unknown sslmode '{setting}'"),
                    };
                    break;
                case "application_name":
                    builder.ApplicationName = setting;
                    break;
                case "max_pool_size":
                    builder.MaxPoolSize = int.Parse(setting, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(setting, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    builder[name] = setting;
                    break;
            }
        }

        return builder;
    }
}
