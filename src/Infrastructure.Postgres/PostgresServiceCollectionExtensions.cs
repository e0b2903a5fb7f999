using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RavenXcope.Grains;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>Registers the database and every store over it.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// One pooled data source for <paramref name="connectionString"/> (keyword or <c>postgres://</c> form; see
    /// <see cref="PostgresConnectionString"/>), the typed stores and queries, and the grains' ports onto them. A
    /// store is made when first asked for, so a gateway never starts the read-model writer it does not use.
    /// </summary>
    /// <exception cref="FormatException">The connection string does not parse.</exception>
    public static IServiceCollection AddPostgres(this IServiceCollection services, string connectionString)
    {
        var forSchema = PostgresConnectionString.ForSchema(connectionString);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(forSchema).Build());
        services.AddSingleton(_ => new SchemaMigrator(connectionString));
        services.AddSingleton<FleetReadModel>();
        services.AddSingleton<FleetReadModelWriter>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<NatsAccountStore>();
        services.AddSingleton(sp => new ApiKeyStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new Accounts.OperatorAccountStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IFleetDirectory>(sp => sp.GetRequiredService<FleetReadModelWriter>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<AuditStore>());
        services.AddSingleton<INatsAccountDirectory>(sp => sp.GetRequiredService<NatsAccountStore>());
        return services;
    }

    /// <summary>
    /// The stores of <see cref="AddPostgres"/> for a one-shot command that has no host (<c>create-api-key</c>,
    /// <c>verify-audit</c>); disposing the provider closes the data source.
    /// </summary>
    public static ServiceProvider OpenPostgres(string connectionString) =>
        new ServiceCollection().AddPostgres(connectionString).BuildServiceProvider();
}
