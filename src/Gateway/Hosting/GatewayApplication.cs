using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using RavenXcope.Grains.Model;
using RavenXcope.Gateway.Api;
using RavenXcope.Gateway.Nats;
using RavenXcope.Grains.Audit;
using RavenXcope.Gateway.ReadModel;
using RavenXcope.Gateway.Sensors;
using RavenXcope.Grains.Certificates;
using RavenXcope.Common;
using RavenXcope.ServiceDefaults.ApiKeys;
using Orleans.Configuration;
using RavenXcope.Gateway.Health;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults;

namespace RavenXcope.Gateway.Hosting;

/// <summary>
/// Builds the gateway: ASP.NET Core as an Orleans client of the cluster found through the PostgreSQL
/// membership table. It holds no signing keys.
/// </summary>
public static partial class GatewayApplication
{
    /// <summary>Builds the gateway. <paramref name="configure"/> lets tests add configuration and services.</summary>
    /// <exception cref="InvalidConfigurationException">A setting is missing or invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentAliases();
        configure?.Invoke(builder);

        var database = SettingsLoader.Load<DatabaseSettings>(builder.Configuration, DatabaseSettings.SectionName);
        var cluster = SettingsLoader.Load<ClusterSettings>(builder.Configuration, ClusterSettings.SectionName);
        var gateway = SettingsLoader.Load<GatewaySettings>(builder.Configuration, GatewaySettings.SectionName);
        var caPath = builder.Configuration["CertificateAuthority:CertificatePath"];
        if (string.IsNullOrWhiteSpace(caPath))
        {
            throw new InvalidConfigurationException($"{ConfigurationAliases.Describe("CertificateAuthority:CertificatePath")}: is required (the ca.cert.pem made by 'ravenxcope-silo init-ca')");
        }

        var (serverCertificate, caTrust) = LoadTls(gateway, caPath);
        if (new[] { gateway.HttpPort, gateway.EnrollPort, gateway.MtlsPort }.Distinct().Count() != 3)
        {
            // Each listener serves only its own routes, told apart by the port a connection arrived on.
            throw new InvalidConfigurationException($"{ConfigurationAliases.Describe("Gateway:HttpPort")}, {ConfigurationAliases.Describe("Gateway:EnrollPort")} and {ConfigurationAliases.Describe("Gateway:MtlsPort")}: must be three different ports");
        }

        if (!IPAddress.TryParse(gateway.BindAddress, out var bindAddress))
        {
            throw new InvalidConfigurationException($"{ConfigurationAliases.Describe("Gateway:BindAddress")}: not an IP address");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            RequestLimits.RaiseKestrelLimits(kestrel.Limits);
            kestrel.Listen(bindAddress, gateway.HttpPort);
            kestrel.Listen(bindAddress, gateway.EnrollPort, listen => listen.UseHttps(serverCertificate));
            kestrel.Listen(bindAddress, gateway.MtlsPort, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = caTrust.HandshakePolicy();
                https.ClientCertificateValidation = caTrust.IsValidClientCertificate;
            }));
        });
        string connectionString;
        try
        {
            connectionString = PostgresConnectionString.ForSchema(database.ConnectionString);
        }
        catch (FormatException e)
        {
            throw new InvalidConfigurationException($"{ConfigurationAliases.Describe("Database:ConnectionString")}: {e.Message}");
        }

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.UseConnectionRetryFilter<RetryUntilStopped>();
        });

        builder.Services.AddDatabaseExceptionCrossing();
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(caTrust);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddPostgres(database.ConnectionString);
        builder.Services.AddAuditTrail();
        builder.Services.AddSingleton<FleetQueries>();
        builder.Services.AddRavenXcopeMetrics();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Sensors.SensorJsonContext.Default));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Api.Problems.Complete);
        builder.Services.AddExceptionHandler<Api.UnavailableExceptionHandler>();

        // A route or query value that does not bind is thrown, so that the handler answers it with a problem that says
        // which parameter, instead of the framework's empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "RavenXcope gateway";
            document.Info.Description = "Operator API (Bearer API key), sensor enrollment (HTTPS), sensor API (mTLS), NATS account resolver and the provisioner routes of seed 001. Errors are RFC 9457 problem details with a stable `code`.";
            return Task.CompletedTask;
        }));
        builder.Services.AddListenerRouting();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster").AddCheck<NatsHealthCheck>("nats");

        var app = builder.Build();
        app.UseRequestLimits();

        // An outage is logged once per request by the handler, as a warning without a stack trace; a client's mistake
        // at most as a debug line.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => Api.UnavailableExceptionHandler.IsExpected(context.Exception),
        });
        app.UseStatusCodePages();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).ServedOn(Listener.Operator, Listener.Enrollment);
        var operatorPort = app.MapGroup(string.Empty).ServedOn(Listener.Operator);
        operatorPort.MapOpenApi();
        operatorPort.MapPrometheusScrapingEndpoint("/metrics");
        operatorPort.MapScalarApiReference("/docs");
        operatorPort.MapOperatorApi();
        operatorPort.MapAccountResolver();
        operatorPort.MapProvisionerApi(builder.Configuration["Provisioner:SharedSecret"]);
        app.MapSensorApi(gateway.MaxSensorRequestBytes);
        Listeners.RequireAssigned(app);
        return app;
    }

    private static (X509Certificate2 Server, CaTrust Ca) LoadTls(GatewaySettings gateway, string caPath)
    {
        try
        {
            SecretFiles.RequireOwnerOnly(gateway.TlsKeyPath);
            var server = X509Certificate2.CreateFromPemFile(gateway.TlsCertificatePath, gateway.TlsKeyPath);
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            return (server, new CaTrust(ca));
        }
        catch (InsecureKeyFileException e)
        {
            throw new InvalidConfigurationException($"{ConfigurationAliases.Describe("Gateway:TlsKeyPath")}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidConfigurationException($"the gateway's TLS files cannot be loaded ({gateway.TlsCertificatePath}, {gateway.TlsKeyPath}, {caPath}): {e.Message}");
        }
    }

    /// <summary>
    /// The gateway is useless without the cluster: it keeps trying to connect, with a capped backoff,
    /// until the host stops.
    /// </summary>
    private sealed partial class RetryUntilStopped(ILogger<RetryUntilStopped> logger) : IClientConnectionRetryFilter
    {
        private int _attempt;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempt);
            var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, Math.Min(attempt, 5))));
            LogRetry(logger, attempt, delay.TotalSeconds, exception.Message);
            try
            {
                await Task.Delay(delay, cancellationToken);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the Orleans cluster (attempt {Attempt}); retrying in {DelaySeconds}s: {Reason}")]
        private static partial void LogRetry(ILogger logger, int attempt, double delaySeconds, string reason);
    }
}
