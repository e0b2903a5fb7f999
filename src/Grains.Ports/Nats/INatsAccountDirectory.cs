namespace RavenXcope.Grains.Nats;

/// <summary>Where account JWTs are published for the gateway's account resolver.</summary>
public interface INatsAccountDirectory
{
    /// <summary>Inserts or replaces the JWT of an account.</summary>
    Task UpsertAsync(string publicKey, string? tenantId, bool isSystem, string jwt, CancellationToken cancellationToken = default);
}
