using Microsoft.Extensions.Configuration;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// Flat environment names (those of the source documents, such as <c>PG_DSN</c>, and the ones the
/// scripts write) mapped onto configuration keys. They are read after the standard sources, so a
/// flat name that is set wins over the same setting given as <c>Section__Key</c>.
/// </summary>
public static class ConfigurationAliases
{
    /// <summary>Environment name → configuration key.</summary>
    public static readonly IReadOnlyDictionary<string, string> Map = new Dictionary<string, string>(StringComparer.Ordinal)
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
        ["NATS_URL"] = "Nats:Url",
        ["OPERATOR_SEED_PATH"] = "Nats:OperatorSeedPath",
        ["NATS_SYSTEM_CREDS_PATH"] = "Nats:SystemUserCredsPath",
        ["NATS_SYSTEM_ACCOUNT_JWT_PATH"] = "Nats:SystemAccountJwtPath",
        ["ACCOUNT_SEED_ENCRYPTION_KEY"] = "Nats:AccountSeedEncryptionKey",
        ["COMMAND_STREAM_NAME"] = "Nats:CommandStreamName",
        ["BACKEND_SHARED_SECRET"] = "Provisioner:SharedSecret",
        ["AUDIT_HMAC_KEY"] = "Audit:HmacKey",
    };

    /// <summary>Adds the flat environment names that are set as configuration keys.</summary>
    public static IConfigurationBuilder AddEnvironmentAliases(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (environmentName, key) in Map)
        {
            var value = Environment.GetEnvironmentVariable(environmentName);
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }

        return builder.AddInMemoryCollection(values);
    }

    /// <summary>The names under which an operator can set <paramref name="key"/>, for error messages.</summary>
    public static string Describe(string key)
    {
        var flat = Map.Where(pair => string.Equals(pair.Value, key, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Key).FirstOrDefault();
        var hierarchical = key.Replace(":", "__", StringComparison.Ordinal);
        return flat is null ? $"{key} (environment {hierarchical})" : $"{key} (environment {flat} or {hierarchical})";
    }
}
