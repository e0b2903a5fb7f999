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

    /// <summary>
    /// Gives a stable <c>code</c> (and our <c>type</c>) to the problems the framework writes on its own: routing's 404 and
    /// 405, and any empty-bodied error status that <c>UseStatusCodePages</c> turns into a problem.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = CodeForStatus(status);
        problem.Extensions["code"] = code;
        problem.Type = $"https://ravenxcope.dev/problems/{code}";
        problem.Detail ??= status switch
        {
            StatusCodes.Status404NotFound => "nothing is served at this path on this port",
            StatusCodes.Status405MethodNotAllowed => "this path does not take this method",
            _ => null,
        };
    }

    /// <summary>The code of a problem known only by its status.</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status406NotAcceptable => "not_acceptable",
        StatusCodes.Status408RequestTimeout => "request_timeout",
        StatusCodes.Status411LengthRequired => "length_required",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status414UriTooLong => "uri_too_long",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "request_headers_too_large",
        StatusCodes.Status500InternalServerError => "internal_error",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable",
        _ => $"http_{status}",
    };

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
