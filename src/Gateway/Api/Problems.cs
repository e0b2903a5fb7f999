using Microsoft.AspNetCore.Http.HttpResults;

namespace RavenXcope.Gateway.Api;

/// <summary>RFC 9457 problem details with a stable <c>code</c> member.</summary>
public static class Problems
{
    /// <summary>A problem response.</summary>
    public static ProblemHttpResult Of(int status, string code, string detail) =>
        TypedResults.Problem(
            statusCode: status,
            title: Title(code),
            detail: detail,
            type: $"https://ravenxcope.dev/problems/{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>Maps a grain refusal code to its HTTP status.</summary>
    public static ProblemHttpResult FromRefusal(string code, string detail) => Of(StatusFor(code), code, detail);

    private static int StatusFor(string code) => code switch
    {
        "tenant_not_found" or "sensor_not_found" => StatusCodes.Status404NotFound,
        "tenant_exists" or "sensor_exists" or "sensor_already_enrolled" or "sensor_not_enrolled" or "sensor_revoked"
            or "sensor_disabled" or "concurrent_update" => StatusCodes.Status409Conflict,
        "enrollment_refused" => StatusCodes.Status403Forbidden,
        _ when code.StartsWith("csr_", StringComparison.Ordinal) => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string Title(string code) => code switch
    {
        "unauthenticated" => "Authentication required",
        "forbidden" => "Not allowed for this API key",
        "enrollment_refused" => "Enrollment refused",
        _ => string.Join(' ', code.Split('_')) is var words && words.Length > 0 ? char.ToUpperInvariant(words[0]) + words[1..] : code,
    };
}
