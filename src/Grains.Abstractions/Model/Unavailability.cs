using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Model;

/// <summary>
/// What "the database or the cluster is away for now" looks like to a caller of grains, in one place: the gateway
/// answers it with a 503, the audit retry and the status bridge try again later.
/// </summary>
public static class Unavailability
{
    /// <summary>The problem of a database that is away.</summary>
    public static ProblemCode Storage => ProblemCodes.StorageUnavailable;

    /// <summary>The problem of a cluster that did not answer.</summary>
    public static ProblemCode Cluster => ProblemCodes.ClusterUnavailable;

    /// <summary><see cref="Storage"/> or <see cref="Cluster"/> when <paramref name="exception"/> means "away for now", else null.</summary>
    public static ProblemCode? Code(Exception exception) => exception switch
    {
        StorageUnavailableException => Storage,
        DbException db => IsConnectionFailure(db) ? Storage : null,
        TimeoutException or OrleansException => Cluster,
        _ => null,
    };

    /// <summary>
    /// True when the database could not be reached or dropped the connection: SQLSTATE classes 08 (connection
    /// exception), 53 (insufficient resources), 57P (operator intervention: shutdown, restart) and a database closed to
    /// new connections (55000 with PostgreSQL's "not currently accepting connections"); without a SQLSTATE,
    /// a driver failure on the way to the server (socket, stream, timeout). Anything else the server refused (a NUL
    /// byte in a text, a constraint) is about the statement, not the database, and retrying it would fail again.
    /// </summary>
    public static bool IsConnectionFailure(DbException exception) => SqlState(exception) switch
    {
        null => exception.IsTransient || exception.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        var state => state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal)
            || (state == "55000" && exception.Message.Contains("not currently accepting connections", StringComparison.Ordinal)),
    };

    /// <summary>True when the database refused the statement's data (SQLSTATE class 22: invalid text, value out of range).</summary>
    public static bool IsDataRefusal(Exception exception) =>
        exception is DbException db && SqlState(db) is { } state && state.StartsWith("22", StringComparison.Ordinal);

    // A server error that crossed from a silo has lost its SqlState (Orleans' exception codec carries the type, the
    // message and the inner exception only), but the driver's message starts with it: "57P01: terminating connection…".
    private static string? SqlState(DbException exception)
    {
        if (!string.IsNullOrEmpty(exception.SqlState))
        {
            return exception.SqlState;
        }

        var message = exception.Message;
        return message.Length > 6 && message[5] == ':' && message[..5].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
            ? message[..5]
            : null;
    }

    /// <summary>
    /// Lets the database driver's exceptions cross between silo and clients with their type (Orleans carries only a few
    /// namespaces by default; any other exception fails the whole response, and a storage error read during a grain's
    /// activation would reach the gateway as a serialization failure instead of "the database is away"). Silo and
    /// clients both call it.
    /// </summary>
    public static IServiceCollection AddDatabaseExceptionCrossing(this IServiceCollection services) =>
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
}
