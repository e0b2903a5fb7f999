using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RavenXcope.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments (meter <c>RavenXcope</c>): heartbeats by outcome (a refusal with its problem code as the
/// reason) and every problem answered, by code. Labels are bounded: codes come from the problem table.
/// </summary>
public static class GatewayMetrics
{
    private static readonly Meter Meter = new(ServiceDefaults.Metrics.MeterName);

    private static readonly Counter<long> Heartbeats = Meter.CreateCounter<long>(
        "rxc.heartbeats",
        description: "Sensor heartbeats on the mTLS port by outcome; refusals with their problem code as the reason");

    private static readonly Counter<long> ProblemsAnswered = Meter.CreateCounter<long>(
        "rxc.problems",
        description: "Problem responses of the gateway by code (every port)");

    /// <summary>
    /// Records zero for the usual label sets, so that every family is exported from the gateway's start. Call once the
    /// metrics pipeline listens (a measurement made before it does is not seen).
    /// </summary>
    public static void Register()
    {
        Heartbeats.Add(0, new KeyValuePair<string, object?>("outcome", "accepted"));
        ProblemsAnswered.Add(0, new KeyValuePair<string, object?>("code", Protocol.Problems.ProblemCodes.Unauthenticated.Code));
    }

    /// <summary>Counts a problem answered with <paramref name="code"/>.</summary>
    public static void Problem(string code) => ProblemsAnswered.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>Counts each answer of the route as a heartbeat: accepted, or refused with the problem's code.</summary>
    public static RouteHandlerBuilder CountedAsHeartbeat(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (context, next) =>
    {
        var result = await next(context);
        if (ProblemCodeOf(result) is { } code)
        {
            Heartbeats.Add(1, new KeyValuePair<string, object?>("outcome", "refused"), new KeyValuePair<string, object?>("reason", code));
        }
        else
        {
            Heartbeats.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
        }

        return result;
    });

    private static string? ProblemCodeOf(object? result) => result switch
    {
        INestedHttpResult nested => ProblemCodeOf(nested.Result),
        ProblemHttpResult problem => problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() : Api.Problems.CodeForStatus(problem.StatusCode),
        _ => null,
    };
}
