using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>OpenAPI text for routes: a summary and the problem codes the route answers with.</summary>
public static class OpenApiDocs
{
    private static readonly ProblemCode[] Common = [ProblemCodes.Unauthenticated, ProblemCodes.Forbidden, ProblemCodes.InvalidJson, ProblemCodes.UnsupportedMediaType];

    /// <summary>Adds the summary and, in the description, the route's problem codes.</summary>
    public static RouteHandlerBuilder Documented(this RouteHandlerBuilder builder, string summary, params ProblemCode[] codes) =>
        builder.WithSummary(summary).WithDescription($"Problem codes: {string.Join(", ", codes.Concat(Common).Select(c => c.Code))}.");
}
