namespace RavenXcope.Gateway.Nats;

/// <summary>The routes kept from the former NATS provisioner. Without a shared secret they are off.</summary>
public sealed class ProvisionerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Provisioner";

    /// <summary>The secret a backend sends in <c>X-Backend-Shared-Secret</c> (<c>BACKEND_SHARED_SECRET</c>); empty turns the routes off.</summary>
    public string? SharedSecret { get; set; }
}
