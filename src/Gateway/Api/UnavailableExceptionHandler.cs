using Microsoft.AspNetCore.Diagnostics;
using RavenXcope.Grains.Model;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// A database or cluster that is away (restarting, failing over) is a 503 with a stable code and a Retry-After, logged
/// as one line, not a 500 with a stack trace per request. What the client sent wrong (a body the server could not read,
/// a query value that does not bind, data the database refused) is a 400 logged at debug level at most. Anything else
/// is a 500 <c>internal_error</c> problem. A console page that fails this way is answered with a page for the browser, with the same status and code.
/// </summary>
public sealed partial class UnavailableExceptionHandler(ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>True when <paramref name="exception"/> is answered without the framework's error-level log and stack trace.</summary>
    public static bool IsExpected(Exception exception) => Unavailability.Code(exception) is not null || ClientFault(exception) is not null;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ClientFault(exception) is { } fault)
        {
            LogClientFault(logger, httpContext.Request.Method, httpContext.Request.Path, fault.StatusCode, exception.GetType().Name);
            await fault.ExecuteAsync(httpContext);
            return true;
        }

        var code = Unavailability.Code(exception);
        var page = OperatorConsole.ConsoleErrorPage.Serves(httpContext);
        if (code is null)
        {
            var internalDetail = $"an unexpected error; it is logged with trace id {httpContext.TraceIdentifier}";
            await (page
                ? OperatorConsole.ConsoleErrorPage.WriteAsync(httpContext, StatusCodes.Status500InternalServerError, ProblemCodes.InternalError.Code, "Something went wrong", $"An unexpected error; it is logged with trace id {httpContext.TraceIdentifier}.")
                : Problems.Of(ProblemCodes.InternalError, internalDetail).ExecuteAsync(httpContext));
            return true;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, code.Code, exception.GetType().Name, exception.Message);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (page)
        {
            await (code == Unavailability.Storage
                ? OperatorConsole.ConsoleErrorPage.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, code.Code, "The database is unavailable",
                    "The database is unavailable for now, so this page cannot be shown. It usually comes back within moments: try again shortly.")
                : OperatorConsole.ConsoleErrorPage.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, code.Code, "The cluster did not answer",
                    "The control-plane cluster did not answer in time, so an action you sent may or may not have been applied. Look at the sensor's page before repeating it."));
            return true;
        }

        var detail = code == Unavailability.Storage
            ? "the database is unavailable for now; retry shortly (with the same Idempotency-Key, where the route takes one)"
            : "the control-plane cluster did not answer; the request may or may not have been applied: retry shortly (with the same Idempotency-Key, where the route takes one)";
        await Problems.Of(code, detail).ExecuteAsync(httpContext);
        return true;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? ClientFault(Exception exception) => exception switch
    {
        // Minimal APIs throw these for a route or query value that does not bind (limit=abc); Kestrel for a body it
        // could not read where a route did not read it through JsonBody.
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => JsonBody.RequestTooLarge(),
        BadHttpRequestException bad when bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal)
            => Problems.Of(ProblemCodes.InvalidParameter, bad.Message),
        BadHttpRequestException => JsonBody.BodyUnreadable(),
        _ when Unavailability.IsDataRefusal(exception) => Problems.Of(ProblemCodes.InvalidInput, "the request holds a value the database cannot store or compare (such as a NUL character)"),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: 503 {Code} ({ErrorType}: {Error})")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string code, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: {Status} for the client's request ({ErrorType})")]
    private static partial void LogClientFault(ILogger logger, string method, PathString path, int status, string errorType);
}
