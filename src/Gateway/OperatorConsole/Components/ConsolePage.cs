using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using RavenXcope.Gateway.Security;

namespace RavenXcope.Gateway.OperatorConsole.Components;

/// <summary>A console page rendered on the server per request: the signed-in caller and the request at hand.</summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }

    /// <summary>The request (static rendering only; every page is).</summary>
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = default!;

    /// <summary>The signed-in caller; pages require a signed-in user, so it is set before the page renders.</summary>
    protected OperatorCaller Caller { get; private set; } = new("user:?", ServiceDefaults.ApiKeys.ApiKeyRole.Reader, "?");

    /// <summary>What an action did, shown once above the page.</summary>
    protected string? Notice { get; set; }

    /// <summary>Why an action was refused, shown once above the page.</summary>
    protected string? Error { get; set; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        if (Auth is not null && ConsoleAccounts.CallerOf((await Auth).User) is { } caller)
        {
            Caller = caller;
        }

        await InitializedAsync();
    }

    /// <summary>The page's own initialization, after <see cref="Caller"/> is set.</summary>
    protected virtual Task InitializedAsync() => Task.CompletedTask;

    /// <summary>Shows a refusal; a refusal of the role or scope also answers 403, as the API does.</summary>
    protected void Refused<T>(ConsoleResult<T> result)
    {
        Error = result.Error;
        if (result.Forbidden)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
    }
}
