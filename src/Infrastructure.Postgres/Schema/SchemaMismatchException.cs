namespace RavenXcope.Infrastructure.Postgres;

/// <summary>The database's schema cannot be used by this build; the message says why and what fixes it.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
