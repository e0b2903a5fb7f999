using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Endpoints;
using RavenXcope.Gateway.OperatorConsole.Components;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>
/// The operator console: Razor components on the operator port, rendered on the server (static for pages and
/// forms, interactive over the framework's own connection for the live parts), cookie sessions, antiforgery on
/// every form. No JavaScript is built: the only script is the framework's own.
/// </summary>
public static class ConsoleHosting
{
    /// <summary>How often the live parts read the read model and the grains again.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    /// <summary>Registers the components, the cookie scheme, antiforgery and the console's services.</summary>
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(ConsoleAccounts.Scheme).AddCookie(ConsoleAccounts.Scheme, o =>
        {
            o.LoginPath = "/sign-in";
            o.AccessDeniedPath = "/sign-in";
            o.Cookie.Name = "rxc_console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ConsoleAccounts.ValidateAsync;
        });
        services.AddAuthorization();
        services.AddAntiforgery(o => o.Cookie.Name = "rxc_antiforgery");
        services.AddSingleton<ConsoleAccounts>();
        services.AddSingleton<ConsoleActions>();
        return services;
    }

    /// <summary>Authentication, authorization and antiforgery, after routing and before the endpoints.</summary>
    public static void UseOperatorConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // A page's form posted without a valid token (or with a body that cannot be read) is refused before the page
        // runs, as a problem with a code like every other refusal of this port, not the framework's plain-text 400.
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method)
                && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                await Api.Problems.Of(ProblemCodes.BadRequest, "the form's antiforgery token is missing or invalid, or the form could not be read; reload the page and try again").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }

    /// <summary>Maps the pages, the framework's script and the sign-out form on the operator port.</summary>
    public static void MapOperatorConsole(this WebApplication app)
    {
        // One group for all of it: the framework adds endpoints of its own (the circuit's hub, a fallback for static
        // files) that the group's conventions cover too. Pages are not API: none of it is in the OpenAPI document.
        var console = app.MapGroup(string.Empty).ServedOn(Listener.Operator).ExcludeFromDescription();
        // The framework's one script, from the web root (the build's static-asset manifest when run in place, wwwroot when
        // published). Mapped alone rather than with MapStaticAssets, whose catch-all for files would turn every unknown
        // POST on this port into a 405 instead of a 404.
        console.MapGet("/_framework/blazor.web.js", (IWebHostEnvironment environment, HttpContext http) =>
            {
                var script = environment.WebRootFileProvider.GetFileInfo("_framework/blazor.web.js");
                if (!script.Exists)
                {
                    return Results.NotFound();
                }

                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Stream(script.CreateReadStream(), "text/javascript");
            });
        console.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        console.MapPost("/sign-out", async (HttpContext http) =>
            {
                // The middleware checks the token; an endpoint that binds no form must refuse a failed check itself.
                if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
                {
                    return (IResult)Api.Problems.Of(ProblemCodes.BadRequest, "the form's antiforgery token is missing or invalid; reload the page and try again");
                }

                await http.SignOutAsync(ConsoleAccounts.Scheme);
                return Results.Redirect("/sign-in");
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
    }
}
