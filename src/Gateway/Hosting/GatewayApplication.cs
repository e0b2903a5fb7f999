using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
using RavenXcope.Gateway.OperatorConsole;

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
        builder.Configuration.AddEnvironmentNames();

        // The console's one script (the framework's blazor.web.js) comes with the framework's package: a build run in
        // place finds it through the build's static-asset manifest (a published one has it under wwwroot).
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);
        builder.AddRavenXcopeLogging();

        // Read now, through the same validators as the options registered below: Orleans' client and Kestrel's
        // listeners need them while the host is being built, and the TLS files are loaded before anything listens.
        var configuration = builder.Configuration;
        var database = configuration.ReadValidated<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName);
        var cluster = configuration.ReadValidated<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName);
        var gateway = configuration.ReadValidated<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName);
        var ca = configuration.ReadValidated<CaTrustOptions, CaTrustOptionsValidator>(CaTrustOptions.SectionName);
        var (serverCertificate, caTrust) = LoadTls(gateway, ca.CertificatePath);
        var bindAddress = IPAddress.Parse(gateway.BindAddress);

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
        var connectionString = PostgresConnectionString.ForSchema(database.ConnectionString);

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
        builder.Services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.SectionName);
        builder.Services.AddValidatedOptions<OrleansClusterOptions, OrleansClusterOptionsValidator>(OrleansClusterOptions.SectionName);
        builder.Services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName);
        builder.Services.AddValidatedOptions<CaTrustOptions, CaTrustOptionsValidator>(CaTrustOptions.SectionName);
        builder.Services.AddOptions<ProvisionerOptions>().BindConfiguration(ProvisionerOptions.SectionName);
        builder.Services.AddSingleton(caTrust);
        builder.Services.AddSingleton<JoinCommand>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddPostgres(database.ConnectionString);
        builder.Services.AddAuditTrail();
        builder.Services.AddSingleton<FleetQueries>();
        builder.Services.AddSingleton<ApiKeyAdministration>();
        builder.Services.AddRavenXcopeMetrics("ravenxcope-gateway");
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, RavenXcope.Protocol.ProtocolJson.Default));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Api.Problems.Complete);
        builder.Services.AddExceptionHandler<Api.UnavailableExceptionHandler>();

        // A route or query value that does not bind is thrown, so that the handler answers it with a problem that says
        // which parameter, instead of the framework's empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOpenApi(options => options.AddRavenXcopeTransformers());
        builder.Services.AddListenerRouting();
        builder.Services.AddHealthTransitions();
        builder.Services.AddOperatorConsole();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster").AddCheck<NatsHealthCheck>("nats");

        var app = builder.Build();
        app.StartMetrics(Telemetry.GatewayMetrics.Register, AuditTrail.RegisterMetrics);
        app.UseRequestLimits();

        // An outage is logged once per request by the handler, as a warning without a stack trace; a client's mistake
        // at most as a debug line.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => Api.UnavailableExceptionHandler.IsExpected(context.Exception),
        });
        app.UseStatusCodePages();
        app.UseOperatorConsole();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).ServedOn(Listener.Operator, Listener.Enrollment);
        var operatorPort = app.MapGroup(string.Empty).ServedOn(Listener.Operator);
        operatorPort.MapOpenApi();
        operatorPort.MapPrometheusScrapingEndpoint("/metrics");
        operatorPort.MapApiReference();
        operatorPort.MapOperatorApi();
        operatorPort.MapAccountResolver();
        app.MapOperatorConsole();
        operatorPort.MapProvisionerApi(app.Services.GetRequiredService<IOptions<ProvisionerOptions>>().Value.SharedSecret);
        app.MapSensorApi(gateway.MaxSensorRequestBytes);
        Listeners.RequireAssigned(app);
        return app;
    }

    private static (X509Certificate2 Server, CaTrust Ca) LoadTls(GatewayOptions gateway, string caPath)
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
            throw new InvalidConfigurationException($"{EnvironmentNames.Describe("Gateway:TlsKeyPath")}: {e.Message}");
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
