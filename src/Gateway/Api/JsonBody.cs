using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// Reads a JSON request body with clear problems for what goes wrong (not JSON, wrong shape, too
/// large) instead of the framework's bare 400.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            Sensors.SensorJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send the body as application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid_json", "the body must be a JSON object"))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid_json", $"the body is not valid JSON for this request (at {e.Path ?? "$"})"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, "request_too_large", "the request body is larger than this route accepts"));
        }
    }
}
