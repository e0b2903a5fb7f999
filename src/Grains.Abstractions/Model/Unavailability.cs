using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;

namespace RavenXcope.Grains.Model;

/// <summary>
/// What "the database or the cluster is away for now" looks like to a caller of grains, in one place: the gateway
/// answers it with a 503, the audit retry and the status bridge try again later.
/// </summary>
public static class Unavailability
{
    /// <summary>Problem code for a database that is away.</summary>
    public const string Storage = "storage_unavailable";

    /// <summary>Problem code for a cluster that did not answer.</summary>
    public const string Cluster = "cluster_unavailable";

    /// <summary><see cref="Storage"/> or <see cref="Cluster"/> when <paramref name="exception"/> means "away for now", else null.</summary>
    public static string? Code(Exception exception) => exception switch
    {
        StorageUnavailableException or DbException => Storage,
        TimeoutException or OrleansException => Cluster,
        _ => null,
    };

    /// <summary>
    /// Lets the database driver's exceptions cross between silo and clients with their type (Orleans carries only a few
    /// namespaces by default; any other exception fails the whole response, and a storage error read during a grain's
    /// activation would reach the gateway as a serialization failure instead of "the database is away"). Silo and
    /// clients both call it.
    /// </summary>
    public static IServiceCollection AddDatabaseExceptionCrossing(this IServiceCollection services) =>
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
}
