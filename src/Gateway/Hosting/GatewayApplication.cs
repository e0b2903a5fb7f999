using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orleans.Configuration;
using RavenXcope.Gateway.Health;
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

        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        return app;
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
