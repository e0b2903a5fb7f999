using Microsoft.AspNetCore.Diagnostics;
using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// A database or cluster that is away (restarting, failing over) is a 503 with a stable code and a Retry-After, logged
/// as one line, not a 500 with a stack trace per request; anything else is a 500 <c>internal_error</c> problem.
/// </summary>
public sealed partial class UnavailableExceptionHandler(ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var code = Unavailability.Code(exception);
        if (code is null)
        {
            await Problems.Of(StatusCodes.Status500InternalServerError, "internal_error", $"an unexpected error; it is logged with trace id {httpContext.TraceIdentifier}").ExecuteAsync(httpContext);
            return true;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, code, exception.GetType().Name, exception.Message);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var detail = code == Unavailability.Storage
            ? "the database is unavailable for now; retry shortly (with the same Idempotency-Key, where the route takes one)"
            : "the control-plane cluster did not answer; the request may or may not have been applied: retry shortly (with the same Idempotency-Key, where the route takes one)";
        await Problems.Of(StatusCodes.Status503ServiceUnavailable, code, detail).ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: 503 {Code} ({ErrorType}: {Error})")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string code, string errorType, string error);
}
