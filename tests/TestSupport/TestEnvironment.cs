namespace RavenXcope.TestSupport;

/// <summary>
/// What scripts/test.sh provides to the tests. A missing value is a failure that says how to get it,
/// never a silent skip.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Connection string of the private PostgreSQL (maintenance database).</summary>
    public static string PostgresAdmin => Require(
        "RXC_TEST_PG",
        "a PostgreSQL server for the integration tests: run scripts/test.sh, which installs PostgreSQL if needed and starts a private one on 127.0.0.1");

    /// <summary>The folder holding the npm packages of tests/interop.</summary>
    public static string InteropDirectory => Require(
        "RXC_INTEROP_DIR",
        "the official NATS JavaScript packages: run scripts/test.sh, which installs them with 'npm ci' in tests/interop");

    private static string Require(string name, string what)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{name} is not set. This test needs {what}.");
        }

        return value;
    }
}
