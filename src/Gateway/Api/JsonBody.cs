using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// Reads a JSON request body with clear problems for what goes wrong (not JSON, wrong shape, too
/// large, unreadable framing or a stalled upload) instead of the framework's bare 400 or a 500.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            Protocol.ProtocolJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The problem for a body larger than the route accepts.</summary>
    public static ProblemHttpResult RequestTooLarge() =>
        Problems.Of(ProblemCodes.RequestTooLarge, "the request body is larger than this route accepts");

    /// <summary>The problem for a body the server could not read to its end.</summary>
    public static ProblemHttpResult BodyUnreadable() =>
        Problems.Of(ProblemCodes.RequestBodyInvalid, "the request body could not be read: malformed framing (chunked encoding, Content-Length), or it stopped arriving");

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Of(ProblemCodes.UnsupportedMediaType, "send the body as application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? (null, Problems.Of(ProblemCodes.InvalidJson, "the body must be a JSON object"))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Of(ProblemCodes.InvalidJson, $"the body is not valid JSON for this request (at {e.Path ?? "$"})"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, RequestTooLarge());
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            // The server could not read what the client sent (malformed chunked encoding, a body that stopped
            // arriving, a connection reset mid-body): the client's fault, and nothing for the log.
            return (null, BodyUnreadable());
        }
    }
}
