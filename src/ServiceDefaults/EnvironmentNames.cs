using Microsoft.Extensions.Configuration;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// The one table of flat environment names (those of the source documents, such as <c>PG_DSN</c>, and the ones
/// the scripts and compose files set) and the configuration key each one sets. Every setting can also be given
/// as <c>Section__Key</c>; a flat name that is set wins, because it is read after the standard sources.
/// </summary>
public static class EnvironmentNames
{
    /// <summary>Environment name → configuration key.</summary>
    public static readonly IReadOnlyDictionary<string, string> Table = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PG_DSN"] = "Database:ConnectionString",
        ["CLUSTER_ID"] = "Cluster:ClusterId",
        ["SERVICE_ID"] = "Cluster:ServiceId",
        ["SILO_PORT"] = "Cluster:SiloPort",
        ["SILO_GATEWAY_PORT"] = "Cluster:GatewayPort",
        ["ADVERTISED_IP"] = "Cluster:AdvertisedIPAddress",
        ["SILO_LISTEN_ANY"] = "Cluster:ListenOnAnyHostAddress",
        ["DASHBOARD_USER"] = "Dashboard:Username",
        ["DASHBOARD_PASSWORD"] = "Dashboard:Password",
        ["CA_CERT_FILE"] = "CertificateAuthority:CertificatePath",
        ["CA_KEY_FILE"] = "CertificateAuthority:KeyPath",
        ["GATEWAY_TLS_CERT_FILE"] = "Gateway:TlsCertificatePath",
        ["GATEWAY_TLS_KEY_FILE"] = "Gateway:TlsKeyPath",
        ["GATEWAY_HTTP_PORT"] = "Gateway:HttpPort",
        ["GATEWAY_ENROLL_PORT"] = "Gateway:EnrollPort",
        ["GATEWAY_MTLS_PORT"] = "Gateway:MtlsPort",
        ["GATEWAY_BIND_ADDRESS"] = "Gateway:BindAddress",
        ["GATEWAY_PUBLIC_ENROLL_URL"] = "Gateway:PublicEnrollmentUrl",
        ["NATS_URL"] = "Nats:Url",
        ["OPERATOR_SEED_PATH"] = "Nats:OperatorSeedPath",
        ["NATS_SYSTEM_CREDS_PATH"] = "Nats:SystemUserCredsPath",
        ["NATS_SYSTEM_ACCOUNT_JWT_PATH"] = "Nats:SystemAccountJwtPath",
        ["ACCOUNT_SEED_ENCRYPTION_KEY"] = "Nats:AccountSeedEncryptionKey",
        ["COMMAND_STREAM_NAME"] = "Nats:CommandStreamName",
        ["BACKEND_SHARED_SECRET"] = "Provisioner:SharedSecret",
        ["AUDIT_HMAC_KEY"] = "Audit:HmacKey",
        ["NATS_PUBLIC_URL"] = "Nats:PublicUrl",
        [Common.Logging.ConsoleLog.EnvironmentName] = Common.Logging.ConsoleLog.ConfigurationKey,
    };

    /// <summary>Adds the flat environment names that are set, as their configuration keys.</summary>
    public static IConfigurationBuilder AddEnvironmentNames(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (environmentName, key) in Table)
        {
            var value = Environment.GetEnvironmentVariable(environmentName);
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }

        return builder.AddInMemoryCollection(values);
    }

    /// <summary>
    /// The configuration every process and command of ours reads: <c>appsettings.json</c> next to the program, the
    /// environment, then the flat names. For commands that run without a host.
    /// </summary>
    public static IConfiguration BuildConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddEnvironmentNames()
        .Build();

    /// <summary>
    /// Sets the process's environment from a file of <c>KEY=value</c> lines (blank lines and <c>#</c> comments
    /// skipped, no quoting: the value is the rest of the line), such as the <c>.data/up.env</c> of a local stack, so that
    /// every command reads the stack's settings as its processes do. A value in the file wins over the environment.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException(e.Message, e);
        }

        foreach (var line in lines)
        {
            var separator = line.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && !line.TrimStart().StartsWith('#'))
            {
                Environment.SetEnvironmentVariable(line[..separator].Trim(), line[(separator + 1)..]);
            }
        }
    }

    /// <summary>The names under which an operator can set <paramref name="key"/>, for error messages.</summary>
    public static string Describe(string key)
    {
        var flat = Table.Where(pair => string.Equals(pair.Value, key, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Key).FirstOrDefault();
        var hierarchical = key.Replace(":", "__", StringComparison.Ordinal);
        return flat is null ? $"{key} (environment {hierarchical})" : $"{key} (environment {flat} or {hierarchical})";
    }
}
