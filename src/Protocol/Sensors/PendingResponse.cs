using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>The answer while the tenant's NATS account is not ready: 202 with Retry-After.</summary>
/// <param name="Status">Always <c>pending</c>.</param>
/// <param name="Detail">What is awaited.</param>
public sealed record PendingResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("detail")] string Detail)
{
    /// <summary>The one value of <see cref="Status"/>.</summary>
    public const string Pending = "pending";
}
