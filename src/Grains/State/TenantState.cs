namespace RavenXcope.Grains.State;

/// <summary>Persisted state of a tenant grain.</summary>
[GenerateSerializer, Alias("RavenXcope.TenantState")]
public sealed class TenantState
{
    /// <summary>False until created.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Tenant id.</summary>
    [Id(1)] public string TenantId { get; set; } = string.Empty;

    /// <summary>Display name.</summary>
    [Id(2)] public string Name { get; set; } = string.Empty;

    /// <summary>Creation time.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
}
