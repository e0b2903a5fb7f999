using Microsoft.Extensions.Configuration;
using RavenXcope.ServiceDefaults;
using RavenXcope.Silo.Dashboard;

namespace RavenXcope.Tests.Unit;

public sealed class SettingsTests
{
    [Fact]
    public void A_missing_connection_string_names_the_setting_and_its_environment_names()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            SettingsLoader.Load<DatabaseSettings>(new ConfigurationBuilder().Build(), DatabaseSettings.SectionName));
        Assert.Contains("Database:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("PG_DSN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_never_runs_without_a_credential_and_the_password_is_never_echoed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dashboard:Username"] = "sre",
            ["Dashboard:Password"] = "short-secret",
        }).Build();
        var error = Assert.Throws<InvalidConfigurationException>(() =>
            SettingsLoader.Load<DashboardSecurityOptions>(configuration, DashboardSecurityOptions.SectionName));
        Assert.Contains("DASHBOARD_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 16", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.Message, StringComparison.Ordinal);

        Assert.Throws<InvalidConfigurationException>(() =>
            SettingsLoader.Load<DashboardSecurityOptions>(new ConfigurationBuilder().Build(), DashboardSecurityOptions.SectionName));
    }

    [Fact]
    public void Cluster_settings_have_sensible_defaults_and_reject_bad_ports()
    {
        var defaults = SettingsLoader.Load<ClusterSettings>(new ConfigurationBuilder().Build(), ClusterSettings.SectionName);
        Assert.Equal("ravenxcope", defaults.ClusterId);
        Assert.Equal(11111, defaults.SiloPort);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:SiloPort"] = "70000" }).Build();
        var error = Assert.Throws<InvalidConfigurationException>(() => SettingsLoader.Load<ClusterSettings>(configuration, ClusterSettings.SectionName));
        Assert.Contains("SILO_PORT", error.Message, StringComparison.Ordinal);
    }
}
