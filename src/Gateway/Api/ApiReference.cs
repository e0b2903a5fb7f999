using Scalar.AspNetCore;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// The browsable reference of our API at <c>/docs</c>, rendered from <c>/openapi/v1.json</c>: our routes only. The
/// viewer's own offers (its AI chat, MCP, deployment and SDK toolbar, usage telemetry, fonts from its CDN, the link to
/// its vendor) are off, so
/// the page works on a host without internet access and shows nothing of the viewer's vendor. "Test Request" sends the
/// request's body from the document and the API key entered once under the bearer scheme (kept in the browser).
/// </summary>
public static class ApiReference
{
    /// <summary>Where the reference is served.</summary>
    public const string Path = "/docs";

    /// <summary>Maps the reference.</summary>
    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder routes) =>
        routes.MapScalarApiReference(Path, options => options
            .WithTitle("RavenXcope API")
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .DisableDefaultFonts()
            .HideDeveloperTools()
            .WithDotNetFlag(false)
            .AddPreferredSecuritySchemes([OpenApiTransformers.ApiKeyScheme])
            .EnablePersistentAuthentication()
            .WithCustomCss(HideVendorCredit));

    // The viewer's link to its vendor's site, in the sidebar's footer.
    private const string HideVendorCredit = "a[href*=\"utm_source=powered-by\"] { display: none !important; }";
}
