using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// OpenAPI metadata of routes: a summary, the problem codes the route answers with (turned into one problem response
/// per status by <see cref="OpenApiTransformers"/>), and the JSON body a handler reads itself.
/// </summary>
public static class OpenApiDocs
{
    private static readonly ProblemCode[] Common =
    [
        ProblemCodes.Unauthenticated, ProblemCodes.Forbidden, ProblemCodes.InvalidJson, ProblemCodes.UnsupportedMediaType,
        ProblemCodes.StorageUnavailable, ProblemCodes.ClusterUnavailable,
    ];

    /// <summary>Adds the summary and the route's problem codes (with those every route may answer).</summary>
    public static RouteHandlerBuilder Documented(this RouteHandlerBuilder builder, string summary, params ProblemCode[] codes)
    {
        var all = codes.Concat(Common).Distinct().ToArray();
        return builder
            .WithSummary(summary)
            .WithDescription($"Problem codes: {string.Join(", ", all.Select(c => c.Code))}.")
            .WithMetadata(new ProblemCodesMetadata(all));
    }

    /// <summary>The route reads a JSON body of <typeparamref name="T"/> (through <see cref="JsonBody"/>, not parameter binding).</summary>
    public static RouteHandlerBuilder JsonRequest<T>(this RouteHandlerBuilder builder, bool optional = false) =>
        builder.WithMetadata(new JsonRequestMetadata(typeof(T), optional));
}

/// <summary>Endpoint metadata: the problem codes a route answers with.</summary>
/// <param name="Codes">The rows of the problem table.</param>
public sealed record ProblemCodesMetadata(IReadOnlyList<ProblemCode> Codes);

/// <summary>
/// Endpoint metadata: the JSON body a route reads, for the OpenAPI document's request body. Not routing's
/// <c>IAcceptsMetadata</c>: routing would then refuse another content type before the route's own problem answer (and
/// before authentication).
/// </summary>
/// <param name="RequestType">The body's type.</param>
/// <param name="IsOptional">Whether the body may be left out.</param>
public sealed record JsonRequestMetadata(Type RequestType, bool IsOptional);
