namespace RavenXcope.Gateway.Api;

/// <summary>OpenAPI text for routes: a summary and the problem codes the route answers with.</summary>
public static class OpenApiDocs
{
    private const string Common = "unauthenticated, forbidden, invalid_json, unsupported_media_type";

    /// <summary>Adds the summary and, in the description, the route's problem codes.</summary>
    public static RouteHandlerBuilder Documented(this RouteHandlerBuilder builder, string summary, params string[] codes) =>
        builder.WithSummary(summary).WithDescription($"Problem codes: {string.Join(", ", codes.Append(Common))}.");
}
