using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using RavenXcope.Gateway.Security;

namespace RavenXcope.Gateway.OperatorConsole.Components.Live;

/// <summary>
/// A part of a page that stays current: rendered with the page (so the first paint has the data), then, once the
/// browser's connection to the circuit is up, read again every <see cref="ConsoleHosting.RefreshPeriod"/> and
/// re-rendered. The read model has no change feed, so reading again is how a change shows; each read is one
/// indexed query or one grain call, the same the API makes.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    /// <summary>The signed-in caller's state, from the cookie (page) or the circuit (live).</summary>
    [CascadingParameter] private Task<AuthenticationState>? Auth { get; set; }

    /// <summary>When the shown data was read.</summary>
    protected DateTimeOffset? ReadAt { get; private set; }

    /// <summary>Why the last read failed (the database or the cluster away), shown until a read succeeds.</summary>
    protected string? ReadError { get; private set; }

    /// <summary>Reads what the component shows, on behalf of <paramref name="caller"/>.</summary>
    protected abstract Task LoadAsync(OperatorCaller caller, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override Task OnParametersSetAsync() => ReadAsync();

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _ = RefreshAsync();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _stop.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private async Task RefreshAsync()
    {
        using var timer = new PeriodicTimer(ConsoleHosting.RefreshPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await InvokeAsync(async () =>
                {
                    await ReadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The circuit ended.
        }
        catch (ObjectDisposedException)
        {
            // Disposed between two ticks.
        }
    }

    private async Task ReadAsync()
    {
        if (_disposed || Auth is null || ConsoleAccounts.CallerOf((await Auth).User) is not { } caller)
        {
            return;
        }

        try
        {
            await LoadAsync(caller, _stop.Token);
            ReadAt = DateTimeOffset.UtcNow;
            ReadError = null;
        }
        catch (Exception e) when (Grains.Model.Unavailability.Code(e) is not null || e is System.Data.Common.DbException or TimeoutException)
        {
            ReadError = "The control plane does not answer right now; showing what was read last.";
        }
    }
}
