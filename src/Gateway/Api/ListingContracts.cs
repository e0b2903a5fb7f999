using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>A tenant as listed.</summary>
public sealed record TenantListItem(string TenantId, string Name, DateTimeOffset CreatedAt);

/// <summary>A page of tenants; <c>nextCursor</c> goes into <c>after</c> for the next page.</summary>
public sealed record TenantPage(IReadOnlyList<TenantListItem> Items, string? NextCursor);

/// <summary>A page of a sensor's command ledger, newest first; <c>nextCursor</c> goes into <c>after</c>.</summary>
public sealed record CommandPage(IReadOnlyList<CommandResponse> Items, string? NextCursor)
{
    /// <summary>The page of <paramref name="ledger"/> (newest first) after the command <paramref name="after"/>; null when that id is not in it.</summary>
    public static CommandPage? Of(IReadOnlyList<CommandSnapshot> ledger, string? after, int limit)
    {
        var start = 0;
        if (after is not null)
        {
            while (start < ledger.Count && ledger[start].CommandId != after)
            {
                start++;
            }

            if (start == ledger.Count)
            {
                return null;
            }

            start++;
        }

        var items = ledger.Skip(start).Take(limit).Select(CommandResponse.From).ToList();
        return new CommandPage(items, start + limit < ledger.Count ? items[^1].CommandId : null);
    }
}

/// <summary>A trust alert with its tenant, for views across tenants.</summary>
public sealed record FleetAlert(string TenantId, TrustAlert Alert);

/// <summary>A listed sensor with its tenant, for views across tenants.</summary>
public sealed record FleetSensor(string TenantId, SensorListItem Sensor);

/// <summary>The fleet at a glance, of one tenant or of all: counts by trust state, lifecycle and liveness, and what needs attention.</summary>
public sealed record FleetOverview(
    int Total,
    IReadOnlyDictionary<string, int> ByTrustState,
    IReadOnlyDictionary<string, int> ByLifecycle,
    IReadOnlyDictionary<string, int> ByLiveness,
    IReadOnlyList<FleetAlert> Alerts,
    IReadOnlyList<FleetSensor> NotSeen,
    IReadOnlyList<FleetFailedCommand> FailedCommands);

/// <summary>A sensor's latest command that failed or expired, with its tenant, for views across tenants.</summary>
public sealed record FleetFailedCommand(string TenantId, string SensorId, string Name, string CommandId, string Type, string Status, DateTimeOffset At, string? Detail);
