using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>RFC 9457 problem details with a stable <c>code</c> member, every one built from a row of <see cref="ProblemCodes"/>.</summary>
public static class Problems
{
    /// <summary>A problem response with the row's status.</summary>
    public static ProblemHttpResult Of(ProblemCode problem, string detail) => Of(problem, problem.Status, detail);

    /// <summary>A refusal of the calling sensor on its own API, with the row's <see cref="ProblemCode.SensorStatus"/>.</summary>
    public static ProblemHttpResult ForSensor(ProblemCode problem, string detail) => Of(problem, problem.SensorStatus, detail);

    /// <summary>A grain's refusal, with its row's status.</summary>
    public static ProblemHttpResult FromRefusal(string code, string detail) => Of(Row(code), detail);

    /// <summary>A grain's refusal of the calling sensor, with its row's <see cref="ProblemCode.SensorStatus"/>.</summary>
    public static ProblemHttpResult SensorRefusal(string code, string detail) => ForSensor(Row(code), detail);

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
        Telemetry.GatewayMetrics.Problem(code);
        problem.Extensions["code"] = code;
        problem.Type = $"https://ravenxcope.dev/problems/{code}";
        problem.Detail ??= status switch
        {
            StatusCodes.Status404NotFound => "nothing is served at this path on this port",
            StatusCodes.Status405MethodNotAllowed => "this path does not take this method",
            _ => null,
        };
    }

    /// <summary>
    /// The code of a problem known only by its status: the table's row for it, else <c>http_&lt;status&gt;</c> for a
    /// status the framework writes that no route of ours answers with.
    /// </summary>
    public static string CodeForStatus(int status) => ProblemCodes.ForStatus(status)?.Code ?? $"http_{status}";

    private static ProblemHttpResult Of(ProblemCode problem, int status, string detail)
    {
        Telemetry.GatewayMetrics.Problem(problem.Code);
        return TypedResults.Problem(
            statusCode: status,
            title: problem.Title,
            detail: detail,
            type: problem.Type,
            extensions: new Dictionary<string, object?> { ["code"] = problem.Code });
    }

    // A code no row has can only come from a silo newer than this gateway: it is passed on as a refusal of the request.
    private static ProblemCode Row(string code) => ProblemCodes.Find(code) ?? new ProblemCode(code, StatusCodes.Status400BadRequest, "Refused");
}
