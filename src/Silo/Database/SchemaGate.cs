using RavenXcope.ServiceDefaults;

namespace RavenXcope.Silo.Database;

/// <summary>
/// Runs before Orleans starts: a silo never serves against a database whose schema is behind this
/// build. Registered ahead of Orleans, so its failure stops the host before the silo joins.
/// </summary>
public sealed partial class SchemaGate(DatabaseSettings settings, ILogger<SchemaGate> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var status = await new SchemaMigrator(settings.ConnectionString).GetStatusAsync(cancellationToken);
        if (!status.IsCurrent)
        {
            throw new SchemaMismatchException(status.Describe());
        }

        LogSchemaCurrent(logger, status.AppliedVersion);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current at version {Version}")]
    private static partial void LogSchemaCurrent(ILogger logger, int version);
}
