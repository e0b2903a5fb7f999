using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults;
using RavenXcope.Silo.Audit;
using RavenXcope.Silo.Dashboard;
using RavenXcope.Silo.Trust;

namespace RavenXcope.Tests.Unit;

public sealed class SettingsTests
{
    [Fact]
    public void A_missing_connection_string_names_the_setting_and_its_environment_names()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration().ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName));
        Assert.Contains("Database:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("PG_DSN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_that_does_not_parse_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Database:ConnectionString", "postgres://u:s3cret-pw@[bad")).ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName));
        Assert.Contains("PG_DSN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_never_runs_without_a_credential_and_the_password_is_never_echoed()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Dashboard:Username", "sre"), ("Dashboard:Password", "short-secret"))
                .ReadValidated<DashboardSecurityOptions, DashboardSecurityOptionsValidator>(DashboardSecurityOptions.SectionName));
        Assert.Contains("DASHBOARD_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 16", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidConfigurationException>(() =>
            Configuration().ReadValidated<DashboardSecurityOptions, DashboardSecurityOptionsValidator>(DashboardSecurityOptions.SectionName));
    }

    [Fact]
    public void Cluster_settings_have_sensible_defaults_and_reject_bad_ports()
    {
        var defaults = Configuration().ReadValidated<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName);
        Assert.Equal("ravenxcope", defaults.ClusterId);
        Assert.Equal(11111, defaults.SiloPort);

        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Cluster:SiloPort", "70000")).ReadValidated<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName));
        Assert.Contains("SILO_PORT", error.Message, StringComparison.Ordinal);

        var unbound = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Cluster:SiloPort", "eleven")).ReadValidated<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName));
        Assert.Contains("SILO_PORT", unbound.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eleven", unbound.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_refuses_a_bind_address_that_is_no_ip_and_ports_that_collide()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Gateway:BindAddress", "localhost"), ("Gateway:MtlsPort", "8080"), ("Gateway:TlsCertificatePath", "c"), ("Gateway:TlsKeyPath", "k"))
                .ReadValidated<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName));
        Assert.Contains("GATEWAY_BIND_ADDRESS", error.Message, StringComparison.Ordinal);
        Assert.Contains("GATEWAY_MTLS_PORT", error.Message, StringComparison.Ordinal);
        Assert.Contains("three different ports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_audit_key_is_refused_and_none_turns_auditing_off()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            Configuration(("Audit:HmacKey", Convert.ToBase64String(new byte[16]))).ReadValidated<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName));
        Assert.Contains("AUDIT_HMAC_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 32 bytes", error.Message, StringComparison.Ordinal);

        Assert.Null(Configuration().ReadValidated<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName).ToKey().Key);
    }

    [Fact]
    public async Task Options_read_through_the_container_are_validated_when_the_host_starts_with_the_key_named()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Trust:HeartbeatIntervalSeconds"] = "0" });
        builder.Services.AddValidatedOptions<TrustOptions, TrustOptionsValidator>(TrustOptions.SectionName);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(CancellationToken.None));
        var message = ValidatedOptions.DescribeStartFailure(error);
        Assert.NotNull(message);
        Assert.Contains("Trust:HeartbeatIntervalSeconds (environment Trust__HeartbeatIntervalSeconds)", message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
}
