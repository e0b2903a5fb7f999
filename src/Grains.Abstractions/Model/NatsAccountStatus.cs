using System.Text.Json.Serialization;

namespace RavenXcope.Grains.Model;

/// <summary>A tenant's NATS account: <c>Pending → Provisioned</c>. Stored by name: never rename a member.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NatsAccountStatus>))]
public enum NatsAccountStatus
{
    /// <summary>Not yet (completely) in NATS; the reconcile reminder keeps trying.</summary>
    Pending,

    /// <summary>Account, control user and command stream exist.</summary>
    Provisioned,
}
