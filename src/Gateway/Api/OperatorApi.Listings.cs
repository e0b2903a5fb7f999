using Microsoft.AspNetCore.Http.HttpResults;
using RavenXcope.Gateway.ReadModel;
using RavenXcope.Gateway.Security;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>The operator API's lists: tenants, a tenant's sensors, a sensor's command ledger.</summary>
public static partial class OperatorApi
{
    private static void MapListings(RouteGroupBuilder api)
    {
        api.MapGet("/tenants", ListTenants).RequireApiKey(OperatorPermissions.Read).WithName("ListTenants").Documented("Tenants, paged by id; a tenant's key sees its own tenant", ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor);
        api.MapGet("/tenants/{tenantId}/sensors", ListSensors).RequireApiKey(OperatorPermissions.Read).WithName("ListSensors").Documented("Sensors of a tenant, paged, filtered by lifecycle, trust state, liveness and Suricata state, searched by id, name or hostname", ProblemCodes.InvalidFilter, ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor, ProblemCodes.TenantNotFound);
        api.MapGet("/tenants/{tenantId}/sensors/{sensorId}/commands", ListCommands).RequireApiKey(OperatorPermissions.Read).WithName("ListCommands").Documented("A sensor's command ledger, newest first, paged by command id", ProblemCodes.InvalidLimit, ProblemCodes.InvalidCursor, ProblemCodes.SensorNotFound);
    }

    private static async Task<Results<Ok<TenantPage>, ProblemHttpResult>> ListTenants(string? after, int? limit, HttpContext http, FleetQueries queries, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.Of(ProblemCodes.InvalidLimit, "limit must be between 1 and 500");
        }

        if (after is not null && !Identifiers.IsValid(after))
        {
            return Problems.Of(ProblemCodes.InvalidCursor, "after must be the nextCursor of a previous page (a tenant id)");
        }

        return TypedResults.Ok(await queries.ListTenantsAsync(http.Caller().TenantId, after, limit ?? 100, cancellationToken));
    }

    private static async Task<Results<Ok<SensorPage>, ProblemHttpResult>> ListSensors(
        string tenantId, string? lifecycle, string? trustState, string? liveness, string? suricata, string? q, string? after, int? limit,
        IClusterClient cluster, FleetQueries queries, CancellationToken cancellationToken)
    {
        if (await TenantMissing(tenantId, cluster, cancellationToken) is { } missing)
        {
            return missing;
        }

        if (SensorListQuery.Parse(lifecycle, trustState, liveness, suricata, q) is not { } filter)
        {
            return Problems.Of(ProblemCodes.InvalidFilter, SensorListQuery.Rules);
        }

        if (limit is < 1 or > 500)
        {
            return Problems.Of(ProblemCodes.InvalidLimit, "limit must be between 1 and 500");
        }

        // The cursor is a sensor id (the last one of the previous page); anything else never reaches SQL.
        if (after is not null && !Identifiers.IsValid(after))
        {
            return Problems.Of(ProblemCodes.InvalidCursor, "after must be the nextCursor of a previous page (a sensor id)");
        }

        return TypedResults.Ok(await queries.ListSensorsAsync(tenantId, filter, after, limit ?? 100, cancellationToken));
    }

    private static async Task<Results<Ok<CommandPage>, ProblemHttpResult>> ListCommands(
        string tenantId, string sensorId, string? after, int? limit, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return Problems.Of(ProblemCodes.InvalidLimit, "limit must be between 1 and 100");
        }

        var ledger = Identifiers.IsValid(tenantId) && Identifiers.IsValid(sensorId)
            ? await cluster.Sensor(tenantId, sensorId).ListCommandsAsync(cancellationToken)
            : null;
        if (ledger is null)
        {
            return SensorNotFound(sensorId);
        }

        return CommandPage.Of(ledger, after, limit ?? 20) is { } page
            ? TypedResults.Ok(page)
            : Problems.Of(ProblemCodes.InvalidCursor, "after must be the nextCursor of a previous page (a command id of this sensor)");
    }
}
