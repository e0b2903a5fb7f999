using System.Net;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Diagnostics;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>
/// What a browser is shown when a console page fails on a dependency: a page in the console's words, with the
/// problem's code for machines, instead of the API's problem JSON (whose advice about Idempotency-Key is for
/// API clients).
/// </summary>
public static class ConsoleErrorPage
{
    /// <summary>True when the request that failed was for a console page.</summary>
    public static bool Serves(HttpContext context) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;

    /// <summary>Writes the page with <paramref name="status"/>; <paramref name="code"/> is the problem code the API would answer.</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var page = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>{Html(title)} · RavenXcope</title></head>
            <body style="font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a;">
            <main>
            <h1>{Html(title)}</h1>
            <p data-code="{Html(code)}">{Html(detail)}</p>
            <p><a href="{Html(context.Request.Path + context.Request.QueryString)}">Try again</a> · <a href="/">Fleet</a></p>
            </main>
            </body>
            </html>
            """;
        return context.Response.WriteAsync(page, context.RequestAborted);
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
