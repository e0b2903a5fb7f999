using RavenXcope.Grains.Nats;
using RavenXcope.NatsAuth;

namespace RavenXcope.Silo.Nats;

/// <summary>
/// Publishes the SYS account's JWT for the resolver when the silo starts: nats-server asks the
/// resolver's base URL for it at its own start, and exits if it is not there.
/// </summary>
public sealed class SystemAccountPublisher(NatsSettings settings, INatsAccountDirectory accounts) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return;
        }

        var jwt = (await File.ReadAllTextAsync(settings.SystemAccountJwtPath, cancellationToken)).Trim();
        var subject = NatsJwt.DecodeVerified(jwt)?["sub"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"{settings.SystemAccountJwtPath} is not a valid account JWT");
        await accounts.UpsertAsync(subject, null, isSystem: true, jwt, cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
