namespace RavenXcope.Infrastructure.Nats;

/// <summary>The status pump of one tenant, as <see cref="StatusBridge"/> supervises it.</summary>
internal sealed class StatusPump(string tenantId)
{
    private volatile bool _running;

    /// <summary>The tenant.</summary>
    public string TenantId { get; } = tenantId;

    /// <summary>True while subscribed; false while it waits to start again.</summary>
    public bool Running
    {
        get => _running;
        set => _running = value;
    }

    /// <summary>The supervising task (ends when the silo stops).</summary>
    public Task Task { get; set; } = Task.CompletedTask;
}
