using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using RavenXcope.Gateway.OperatorConsole.Components;
using RavenXcope.Gateway.Hosting;

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
        services.AddSingleton<JoinCommand>();
        return services;
    }

    /// <summary>Authentication, authorization and antiforgery, after routing and before the endpoints.</summary>
    public static void UseOperatorConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    /// <summary>Maps the pages, the framework's script and the sign-out form on the operator port.</summary>
    public static void MapOperatorConsole(this WebApplication app)
    {
        // One group for all of it: the framework adds endpoints of its own (the circuit's hub, a fallback for static
        // files) that the group's listener convention covers too.
        var console = app.MapGroup(string.Empty).ServedOn(Listener.Operator);
        // The framework's script (blazor.web.js) is a static asset of the gateway's build, listed in its manifest; a
        // gateway hosted inside another program (the tests) may have none, and then serves the pages without live parts.
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{typeof(ConsoleHosting).Assembly.GetName().Name}.staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            console.MapStaticAssets(manifest);
        }

        console.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        console.MapPost("/sign-out", async (HttpContext http) =>
            {
                await http.SignOutAsync(ConsoleAccounts.Scheme);
                return Results.Redirect("/sign-in");
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .ExcludeFromDescription();
    }
}
