using Microsoft.Extensions.DependencyInjection;
using NATS.NKeys;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>Registers the silo's NATS side: the connection owner, the control bus, the status bridge, the outbox publisher and health.</summary>
public static class NatsInfrastructureExtensions
{
    /// <summary>
    /// Adds the control bus for the grains (<see cref="NatsRuntime"/>, <see cref="INatsControlBus"/>), the command
    /// publisher (<see cref="ICommandPublisher"/>), the status bridge (a hosted service) and <see cref="IControlBusHealth"/>,
    /// all on one <see cref="NatsConnections"/>. With the control bus off (<paramref name="operatorKey"/> null) they
    /// are registered all the same and do nothing. The settings come from the container (registered and validated
    /// as options by the host), so every part reads the same instance.
    /// </summary>
    public static IServiceCollection AddNatsInfrastructure(this IServiceCollection services, KeyPair? operatorKey, SeedVault? vault)
    {
        services.AddSingleton<NatsConnections>();
        services.AddSingleton<NatsControlBus>();
        services.AddSingleton<INatsControlBus>(sp => sp.GetRequiredService<NatsControlBus>());
        services.AddSingleton(sp => new NatsRuntime(sp.GetRequiredService<NatsSettings>(), operatorKey, vault, sp.GetRequiredService<INatsControlBus>()));
        services.AddSingleton<ICommandPublisher, CommandOutboxPublisher>();
        services.AddSingleton<StatusBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusBridge>());
        services.AddSingleton<IControlBusHealth, ControlBusHealth>();
        return services;
    }
}
