using Npgsql;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults;

namespace RavenXcope.Tests.Unit;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void The_URI_form_of_PG_DSN_is_understood()
    {
        var builder = PostgresConnectionString.Parse("postgres://rxc:p%40ss%3Aword@db.internal:6543/fleet?sslmode=disable&application_name=silo");
        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("fleet", builder.Database);
        Assert.Equal("rxc", builder.Username);
        Assert.Equal("p@ss:word", builder.Password);
        Assert.Equal(SslMode.Disable, builder.SslMode);
        Assert.Equal("silo", builder.ApplicationName);
    }

    [Fact]
    public void The_URI_form_defaults_to_port_5432()
    {
        Assert.Equal(5432, PostgresConnectionString.Parse("postgresql://u@localhost/db").Port);
    }

    [Fact]
    public void The_keyword_form_is_kept_and_the_schema_search_path_is_added_for_Orleans()
    {
        var value = PostgresConnectionString.ForSchema("Host=127.0.0.1;Port=5433;Username=u;Password=p;Database=d");
        var builder = new NpgsqlConnectionStringBuilder(value);
        Assert.Equal("ravenxcope", builder.SearchPath);
        Assert.Equal(5433, builder.Port);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=u;Database=d", PostgresConnectionString.DefaultMaxPoolSize)]
    [InlineData("postgres://u@127.0.0.1/d", PostgresConnectionString.DefaultMaxPoolSize)]
    [InlineData("Host=127.0.0.1;Username=u;Database=d;Maximum Pool Size=100", 100)]
    [InlineData("Host=127.0.0.1;Username=u;Database=d;MaxPoolSize=7", 7)]
    [InlineData("postgres://u@127.0.0.1/d?max_pool_size=40", 40)]
    public void The_pool_is_bounded_unless_the_address_bounds_it_itself(string value, int expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ForSchema(value));
        Assert.Equal(expected, builder.MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=u;Database=d", PostgresConnectionString.DefaultMaxAutoPrepare)]
    [InlineData("Host=127.0.0.1;Username=u;Database=d;Max Auto Prepare=0", 0)]
    public void Statements_are_prepared_automatically_unless_the_address_says_otherwise(string value, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresConnectionString.ForSchema(value)).MaxAutoPrepare);
    }

    [Fact]
    public void Pooled_connections_are_not_reset_unless_the_address_asks_for_it()
    {
        Assert.True(new NpgsqlConnectionStringBuilder(PostgresConnectionString.ForSchema("Host=h;Database=d")).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(PostgresConnectionString.ForSchema("Host=h;Database=d;No Reset On Close=false")).NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=x;NoSuchKeyword=secret-value")]
    [InlineData("postgres://u:secret-value@host/db?sslmode=sometimes")]
    public void A_bad_connection_string_is_refused_without_echoing_it(string value)
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnectionString.Parse(value));
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }
}
