using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RavenXcope.ServiceDefaults.ApiKeys;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A database, a silo and a gateway with the provisioner routes on, for the tests of what each listener serves and of
/// how bad input is answered. The gateway names the endpoint that ran in a response header, so a test can tell "the
/// route answered 404" from "no route here".
/// </summary>
public sealed class GatewayBoundaryFixture : IAsyncLifetime
{
    /// <summary>Response header naming the endpoint that handled the request.</summary>
    public const string EndpointHeader = "X-Test-Endpoint";

    /// <summary>The provisioner routes' shared secret.</summary>
    public const string ProvisionerSecret = "test-provisioner-secret-0123456789";

    private PostgresDatabase? _database;

    /// <summary>What the gateway logged at warning level or above.</summary>
    public CapturedLog Log { get; } = new();

    /// <summary>The database.</summary>
    public PostgresDatabase Database => _database!;

    /// <summary>The silo.</summary>
    public TestSilo Silo { get; private set; } = null!;

    /// <summary>The gateway.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>A global admin key.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync("boundary");
        await new SchemaMigrator(_database.ConnectionString).MigrateAsync();
        Silo = await TestSilo.StartAsync(_database.ConnectionString, "silo-boundary");
        Gateway = await TestGateway.StartAsync(
            _database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Provisioner:SharedSecret"] = ProvisionerSecret },
            configure: builder =>
            {
                builder.Services.AddSingleton<IStartupFilter, NameTheEndpoint>();
                builder.Logging.AddProvider(Log);
            });
        AdminKey = await TrustClient.CreateKeyAsync(_database.ConnectionString, ApiKeyRole.Admin);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
        await _database!.DisposeAsync();
    }

    // Outermost middleware: by the time the response starts, routing has chosen the endpoint (or none).
    private sealed class NameTheEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                context.Response.OnStarting(() =>
                {
                    if (context.GetEndpoint() is { DisplayName: { } name })
                    {
                        context.Response.Headers[EndpointHeader] = Uri.EscapeDataString(name);
                    }

                    return Task.CompletedTask;
                });
                await inner(context);
            });
            next(app);
        };
    }

    /// <summary>Keeps the gateway's log entries of warning level and above.</summary>
    public sealed class CapturedLog : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

        /// <summary>The entries so far.</summary>
        public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

        /// <summary>Forgets the entries so far.</summary>
        public void Clear() => _entries.Clear();

        /// <inheritdoc />
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        /// <inheritdoc />
        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : $" [{exception.GetType().Name}]")));
                }
            }
        }
    }
}
