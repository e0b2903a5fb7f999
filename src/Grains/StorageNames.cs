namespace RavenXcope.Grains;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>PostgreSQL grain storage for every RavenXcope grain.</summary>
    public const string Default = "ravenxcope";
}
