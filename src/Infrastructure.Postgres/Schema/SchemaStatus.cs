namespace RavenXcope.Infrastructure.Postgres;

/// <summary>What the database holds compared with what this build needs.</summary>
/// <param name="AppliedVersion">The highest migration applied, 0 for an empty database.</param>
/// <param name="RequiredVersion">The highest migration this build ships.</param>
/// <param name="Pending">Migrations of this build not yet applied.</param>
public sealed record SchemaStatus(int AppliedVersion, int RequiredVersion, IReadOnlyList<Migration> Pending)
{
    /// <summary>True when every migration of this build is applied.</summary>
    public bool IsCurrent => Pending.Count == 0;

    /// <summary>The message an operator sees when the silo refuses to start.</summary>
    public string Describe() => IsCurrent
        ? $"database schema is at version {AppliedVersion} (this build needs {RequiredVersion})"
        : $"database schema is at version {AppliedVersion}, this build needs version {RequiredVersion} " +
          $"(missing: {string.Join(", ", Pending.Select(m => $"{m.Version:D4}_{m.Name}"))}); " +
          "apply it with: ravenxcope-silo migrate";
}
