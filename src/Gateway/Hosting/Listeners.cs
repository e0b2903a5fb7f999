using Microsoft.AspNetCore.Routing.Matching;

namespace RavenXcope.Gateway.Hosting;

/// <summary>The gateway's three listeners; every endpoint names the ones that serve it.</summary>
public enum Listener
{
    /// <summary>Plain HTTP: operator API, provisioner routes, account resolver, OpenAPI, docs, metrics, health.</summary>
    Operator,

    /// <summary>HTTPS with the gateway's certificate: enrollment (and its health endpoint).</summary>
    Enrollment,

    /// <summary>HTTPS with a client certificate from our CA: <c>/sensor/v1/*</c>.</summary>
    Mtls,
}

/// <summary>Endpoint metadata: the listeners an endpoint is served on.</summary>
public sealed class ListenerMetadata(IReadOnlyCollection<Listener> listeners)
{
    /// <summary>The listeners that serve the endpoint.</summary>
    public IReadOnlyCollection<Listener> Listeners { get; } = listeners;
}

/// <summary>
/// Binds endpoints to listeners. Routing itself decides: <see cref="ListenerMatcherPolicy"/> leaves out of the match
/// every endpoint not served on the listener the connection arrived on, so another listener's route is a 404 there
/// (never a 405, never a 200) exactly as if it did not exist. An endpoint that names no listener is a startup error
/// (<see cref="RequireAssigned"/>): a route added without a decision must not be served everywhere by default.
/// </summary>
public static class Listeners
{
    /// <summary>Serves the endpoints of <paramref name="builder"/> only on <paramref name="listeners"/>.</summary>
    public static TBuilder ServedOn<TBuilder>(this TBuilder builder, params Listener[] listeners)
        where TBuilder : IEndpointConventionBuilder
    {
        if (listeners.Length == 0)
        {
            throw new ArgumentException("an endpoint needs at least one listener", nameof(listeners));
        }

        return builder.WithMetadata(new ListenerMetadata(listeners.Distinct().ToArray()));
    }

    /// <summary>The listeners that serve <paramref name="endpoint"/>; empty when it names none.</summary>
    public static IReadOnlyCollection<Listener> Of(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<ListenerMetadata>()?.Listeners ?? [];

    /// <summary>Throws when an endpoint of <paramref name="routes"/> names no listener.</summary>
    /// <exception cref="InvalidOperationException">Naming every such endpoint.</exception>
    public static void RequireAssigned(IEndpointRouteBuilder routes)
    {
        var unassigned = routes.DataSources.SelectMany(d => d.Endpoints)
            .Where(e => Of(e).Count == 0)
            .Select(e => e is RouteEndpoint route ? $"{route.RoutePattern.RawText} ({e.DisplayName})" : e.DisplayName)
            .ToList();
        if (unassigned.Count > 0)
        {
            throw new InvalidOperationException($"endpoints without a listener (add .ServedOn(...)): {string.Join(", ", unassigned)}");
        }
    }

    /// <summary>Registers the routing policy that enforces the assignment.</summary>
    public static IServiceCollection AddListenerRouting(this IServiceCollection services) =>
        services.AddSingleton<MatcherPolicy, ListenerMatcherPolicy>();
}

/// <summary>
/// Splits routing's decision tree by listener (the connection's local port, which the client cannot choose, unlike the
/// Host header) before the HTTP method is looked at, so 404 and 405 are each listener's own.
/// </summary>
public sealed class ListenerMatcherPolicy(GatewayOptions settings) : MatcherPolicy, INodeBuilderPolicy, IEndpointSelectorPolicy
{
    // Before HttpMethodMatcherPolicy (-1000), so a method mismatch is judged among this listener's endpoints only.
    /// <inheritdoc />
    public override int Order => -2000;

    bool INodeBuilderPolicy.AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0 && !ContainsDynamicEndpoints(endpoints);

    bool IEndpointSelectorPolicy.AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => ContainsDynamicEndpoints(endpoints);

    /// <inheritdoc />
    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints) =>
        Enum.GetValues<Listener>()
            .Select(listener => new PolicyNodeEdge(listener, endpoints.Where(e => Listeners.Of(e).Contains(listener)).ToList()))
            .Where(edge => edge.Endpoints.Count > 0)
            .ToList();

    /// <inheritdoc />
    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        var byListener = edges.ToDictionary(e => (Listener)e.State, e => e.Destination);
        int Destination(Listener listener) => byListener.GetValueOrDefault(listener, exitDestination);
        return new PortJumpTable(
            new Dictionary<int, int>
            {
                [settings.HttpPort] = Destination(Listener.Operator),
                [settings.EnrollPort] = Destination(Listener.Enrollment),
                [settings.MtlsPort] = Destination(Listener.Mtls),
            },
            exitDestination);
    }

    /// <inheritdoc />
    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var listener = ListenerOf(httpContext.Connection.LocalPort);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (listener is null || !Listeners.Of(candidates[i].Endpoint).Contains(listener.Value))
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    private Listener? ListenerOf(int port) =>
        port == settings.HttpPort ? Listener.Operator
        : port == settings.EnrollPort ? Listener.Enrollment
        : port == settings.MtlsPort ? Listener.Mtls
        : null;

    private sealed class PortJumpTable(Dictionary<int, int> destinations, int exitDestination) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) =>
            destinations.GetValueOrDefault(httpContext.Connection.LocalPort, exitDestination);
    }
}
