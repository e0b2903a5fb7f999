using System.Data.Common;
using System.Net.Sockets;
using Npgsql;
using RavenXcope.Grains.Model;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Unit;

/// <summary>What counts as "the database is away" and what as the client's mistake; role names read strictly.</summary>
public sealed class BadInputClassificationTests
{
    [Theory]
    [InlineData("08006")]
    [InlineData("08001")]
    [InlineData("53300")]
    [InlineData("57P01")]
    [InlineData("57P03")]
    public void A_connection_class_sqlstate_is_an_outage(string state) =>
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new PostgresException("away", "FATAL", "FATAL", state)));

    [Fact]
    public void A_database_closed_to_connections_is_an_outage_and_other_prerequisite_refusals_are_not()
    {
        // What PostgreSQL answers while the database is closed for maintenance (ALLOW_CONNECTIONS false).
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new PostgresException("database \"ravenxcope\" is not currently accepting connections", "FATAL", "FATAL", "55000")));
        Assert.Null(Unavailability.Code(new PostgresException("cannot refresh materialized view concurrently", "ERROR", "ERROR", "55000")));
    }

    [Theory]
    [InlineData("22021")]
    [InlineData("22P02")]
    [InlineData("23505")]
    [InlineData("42601")]
    [InlineData("57014")]
    public void A_statement_the_server_refused_is_not_an_outage(string state) =>
        Assert.Null(Unavailability.Code(new PostgresException("refused", "ERROR", "ERROR", state)));

    [Fact]
    public void A_driver_failure_on_the_way_to_the_server_is_an_outage()
    {
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new StorageUnavailableException()));
        Assert.Null(Unavailability.Code(new NpgsqlException("something else")));
    }

    [Fact]
    public void A_server_error_that_crossed_from_a_silo_without_its_sqlstate_is_judged_by_its_message()
    {
        Assert.Equal(Unavailability.Storage, Unavailability.Code(new Crossed("57P01: terminating connection due to administrator command")));
        Assert.Null(Unavailability.Code(new Crossed("22021: invalid byte sequence for encoding \"UTF8\": 0x00")));
        Assert.True(Unavailability.IsDataRefusal(new Crossed("22021: invalid byte sequence for encoding \"UTF8\": 0x00")));
    }

    [Theory]
    [InlineData("reader", ApiKeyRole.Reader)]
    [InlineData("operator", ApiKeyRole.Operator)]
    [InlineData("admin", ApiKeyRole.Admin)]
    [InlineData("Admin", ApiKeyRole.Admin)]
    public void A_role_name_is_read(string text, ApiKeyRole expected)
    {
        Assert.True(ApiKeyRoles.TryParse(text, out var role));
        Assert.Equal(expected, role);
    }

    [Theory]
    [InlineData("reader,admin")]
    [InlineData("reader, admin")]
    [InlineData(" admin")]
    [InlineData("admin\n")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_one_role_name_is_refused(string? text) => Assert.False(ApiKeyRoles.TryParse(text, out _));

    private sealed class Crossed(string message) : DbException(message);
}
