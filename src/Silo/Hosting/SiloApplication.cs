using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.Dashboard;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using RavenXcope.Grains.Model;
using RavenXcope.Grains;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Nats;
using RavenXcope.Common;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Infrastructure.Nats;
using RavenXcope.ServiceDefaults;
using RavenXcope.Silo.Audit;
using RavenXcope.Silo.Dashboard;
using RavenXcope.Silo.Health;
using RavenXcope.Silo.Nats;
using RavenXcope.Silo.Trust;

namespace RavenXcope.Silo.Hosting;

/// <summary>
/// Builds the silo process: Orleans with clustering, grain storage and reminders on PostgreSQL, and an
/// HTTP port that serves <c>/healthz</c> and the Orleans Dashboard behind authentication.
/// </summary>
public static class SiloApplication
{
    /// <summary>Where the silo's HTTP port (health, dashboard) listens unless <c>Urls</c> / <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8090";

    /// <summary>
    /// Builds the silo after checking that the database schema is current: a silo never joins the
    /// cluster against a schema that is behind this build. <paramref name="configure"/> lets tests add
    /// configuration and services.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">A setting is missing or invalid.</exception>
    /// <exception cref="SchemaMismatchException">The schema is behind this build, or was edited.</exception>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentNames();
        configure?.Invoke(builder);
        builder.AddRavenXcopeLogging();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Read now, through the same validators as the options registered below: Orleans' providers, the dashboard's
        // route and the secrets loaded before the silo joins need them while the host is being built.
        var configuration = builder.Configuration;
        var database = configuration.ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName);
        var cluster = configuration.ReadValidated<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName);
        var dashboard = configuration.ReadValidated<DashboardSecurityOptions, DashboardSecurityOptionsValidator>(DashboardSecurityOptions.SectionName);
        var authorityOptions = configuration.ReadValidated<AuthorityOptions, AuthorityOptionsValidator>(AuthorityOptions.SectionName);
        var natsSettings = configuration.ReadValidated<NatsSettings, NatsSettingsValidator>(NatsSettings.SectionName, NatsSetup.ApplyDefaults);
        var connectionString = PostgresConnectionString.ForSchema(database.ConnectionString);
        var advertised = ResolveAdvertisedAddress(cluster.AdvertisedIPAddress);

        var schema = await new SchemaMigrator(database.ConnectionString).GetStatusAsync(cancellationToken);
        if (!schema.IsCurrent)
        {
            throw new SchemaMismatchException(schema.Describe());
        }

        var authority = LoadAuthority(authorityOptions);
        var (operatorKey, vault) = NatsSetup.Load(natsSettings);

        builder.Services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName);
        builder.Services.AddValidatedOptions<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName);
        builder.Services.AddValidatedOptions<DashboardSecurityOptions, DashboardSecurityOptionsValidator>(DashboardSecurityOptions.SectionName);
        builder.Services.AddValidatedOptions<AuthorityOptions, AuthorityOptionsValidator>(AuthorityOptions.SectionName);
        builder.Services.AddValidatedOptions<NatsSettings, NatsSettingsValidator>(NatsSettings.SectionName, NatsSetup.ApplyDefaults);
        builder.Services.AddValidatedOptions<TrustOptions, TrustOptionsValidator>(TrustOptions.SectionName);
        builder.Services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName);
        builder.Services.AddSingleton(authority);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TrustOptions>().ToPolicy());
        builder.Services.AddSingleton(sp => sp.GetRequiredService<AuditOptions>().ToKey());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddPostgres(database.ConnectionString);
        builder.Services.AddNatsInfrastructure(operatorKey, vault);
        builder.Services.AddHostedService<SystemAccountPublisher>();
        builder.Services.AddDatabaseExceptionCrossing();
        builder.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o =>
            o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.ListenOnAnyHostAddress);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            // Counters every 5 s instead of every second: each sample enumerates Orleans' grain directory
            // cache, which grows with the fleet (7 % of the silo's CPU at 1 s while it routed status traffic).
            silo.AddDashboard(o => o.CounterUpdateIntervalMs = 5000);
        });

        builder.Services
            .AddAuthentication(BasicAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("dashboard", policy => policy.AddAuthenticationSchemes(BasicAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddSingleton<FleetGauges>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetGauges>());
        RavenXcope.Grains.Audit.AuditTrailServiceCollectionExtensions.AddAuditTrail(builder.Services);
        builder.Services.AddRavenXcopeMetrics("ravenxcope-silo");
        builder.Services.AddHealthTransitions();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ClusterHealthCheck>("cluster")
            .AddCheck<NatsHealthCheck>("nats");

        var app = builder.Build();
        app.StartMetrics(RavenXcope.Grains.Telemetry.ControlPlaneMetrics.Register, RavenXcope.Grains.Audit.AuditTrail.RegisterMetrics);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        app.MapRavenXcopeMetrics();
        app.MapOrleansDashboard(dashboard.Path).RequireAuthorization("dashboard");
        app.MapGet("/", () => Results.Redirect(dashboard.Path + "/")).ExcludeFromDescription();
        return app;
    }

    private static IPAddress ResolveAdvertisedAddress(string value)
    {
        if (IPAddress.TryParse(value, out var address))
        {
            return address;
        }

        try
        {
            var addresses = System.Net.Dns.GetHostAddresses(value);
            return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidConfigurationException($"{EnvironmentNames.Describe("Cluster:AdvertisedIPAddress")}: '{value}' is neither an IP address nor a resolvable host name");
        }
    }

    private static CertificateAuthority LoadAuthority(AuthorityOptions settings)
    {
        try
        {
            return CertificateAuthority.Load(settings.CertificatePath, settings.KeyPath);
        }
        catch (InsecureKeyFileException e)
        {
            throw new InvalidConfigurationException($"{EnvironmentNames.Describe("CertificateAuthority:KeyPath")}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidConfigurationException($"the CA in {settings.CertificatePath} / {settings.KeyPath} cannot be loaded: {e.Message}");
        }
    }
}
