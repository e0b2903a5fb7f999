using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Unit;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void Migrations_are_numbered_from_one_without_gaps_and_carry_a_checksum()
    {
        Assert.NotEmpty(Migration.All);
        Assert.Equal(Enumerable.Range(1, Migration.All.Count), Migration.All.Select(m => m.Version));
        Assert.All(Migration.All, m => Assert.Equal(64, m.Checksum.Length));
        Assert.Equal("orleans", Migration.All[0].Name);
    }

    [Fact]
    public void The_status_message_names_the_missing_migrations_and_the_command()
    {
        var status = new SchemaStatus(1, 2, [Migration.All[1]]);
        Assert.False(status.IsCurrent);
        Assert.Equal(
            "database schema is at version 1, this build needs version 2 (missing: 0002_ravenxcope); apply it with: ravenxcope-silo migrate",
            status.Describe());
    }
}
