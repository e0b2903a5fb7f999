using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Jwt;
using NATS.NKeys;
using RavenXcope.Common;
using RavenXcope.SensorAgent.Supervision;

namespace RavenXcope.SensorAgent;

/// <summary>
/// The agent's control client: gets NATS credentials over mTLS for a user key made here (<c>nats.creds</c>,
/// 0600), pulls commands from its own durable consumer, hands them to the supervisor, acks them once the
/// supervisor has taken them, and publishes status on a timer and on every change.
/// </summary>
public sealed partial class ControlLoop(StateDirectory directory, Supervisor supervisor, ILogger<ControlLoop> logger, TimeSpan statusInterval)
{
    private sealed record CredentialsResponse(string Jwt, string NatsUrl, string InboxPrefix, string Stream, string Consumer, DateTimeOffset ExpiresAt);

    private sealed record Command(string CommandId, string Type, DateTimeOffset ExpiresAt);

    private readonly RecentOutcomes _recentOutcomes = new();
    private string? _lastCommandId;
    private string? _lastOutcome;

    /// <summary>The trust state the status messages carry (set by the heartbeat loop).</summary>
    public string TrustState { get; set; } = "trusted";

    /// <summary>Runs until cancelled; reconnects with jitter; stops for a while on an authorization refusal.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var credentials = await CredentialsAsync(cancellationToken);
                if (credentials is not null)
                {
                    attempt = 0;
                    await PullAsync(credentials, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NatsException or IOException or TimeoutException or JsonException or OperationCanceledException)
            {
                var refused = e.Message.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase)
                    || e.Message.Contains("Revoked", StringComparison.OrdinalIgnoreCase);
                if (refused)
                {
                    // Revoked or disabled: new credentials are asked for only after a later, successful heartbeat window.
                    LogRefused(logger);
                    File.Delete(directory.NatsCredsFile);
                }
                else
                {
                    LogNatsFailed(logger, e.Message);
                }
            }

            attempt++;
            var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(attempt, 6)))) * (0.8 + (Random.Shared.NextDouble() * 0.4));
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<CredentialsResponse?> CredentialsAsync(CancellationToken cancellationToken)
    {
        var state = directory.Load() ?? throw new IOException("not enrolled");
        if (File.Exists(directory.NatsMetaFile) && File.Exists(directory.NatsCredsFile)
            && JsonSerializer.Deserialize<CredentialsResponse>(await File.ReadAllTextAsync(directory.NatsMetaFile, cancellationToken)) is { } cached
            && cached.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1))
        {
            return cached;
        }

        using var user = KeyPair.CreatePair(PrefixByte.User);
        using var identity = LocalKeys.LoadIdentity(directory.CertificateFile, directory.KeyFile);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(directory.CaFile, cancellationToken));
        using var client = new ControlPlaneClient(new Uri(state.SensorApiUrl), ca, identity, TimeSpan.FromSeconds(15));
        var answer = await client.PostAsync<CredentialsResponse>("/sensor/v1/nats-credentials", new { userPublicKey = user.GetPublicKey() }, cancellationToken);
        if (answer.Status == 202 || !answer.IsSuccess)
        {
            LogCredentialsPending(logger, answer.Status, answer.Code ?? "pending");
            return null;
        }

        var credentials = answer.Value!;
        SecretFiles.WriteAtomically(directory.NatsCredsFile, NatsJwt.FormatCreds(credentials.Jwt, user.GetSeed()), secret: true);
        SecretFiles.WriteAtomically(directory.NatsMetaFile, JsonSerializer.Serialize(credentials), secret: true);
        LogCredentials(logger, credentials.Consumer, credentials.ExpiresAt);
        return credentials;
    }

    private async Task PullAsync(CredentialsResponse credentials, CancellationToken cancellationToken)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            Name = $"ravenxcope-sensor-{credentials.Consumer}",
            AuthOpts = NatsAuthOpts.Default with { CredsFile = directory.NatsCredsFile },
            InboxPrefix = credentials.InboxPrefix,
            MaxReconnectRetry = 3,
        });
        await connection.ConnectAsync();
        var status = StatusSubject(credentials);
        void OnChanged() => _ = PublishStatusAsync(connection, status);
        supervisor.Changed += OnChanged;
        try
        {
            var consumer = await new NatsJSContext(connection).GetConsumerAsync(credentials.Stream, credentials.Consumer, cancellationToken);
            LogConnected(logger, credentials.NatsUrl);
            await PublishStatusAsync(connection, status);
            var nextStatus = DateTimeOffset.UtcNow + statusInterval;
            while (!cancellationToken.IsCancellationRequested && credentials.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1))
            {
                var message = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = statusInterval }, cancellationToken: cancellationToken);
                if (message is { } m && m.Data is { } data)
                {
                    var command = JsonSerializer.Deserialize<Command>(data, new JsonSerializerOptions(JsonSerializerDefaults.Web));
                    _lastCommandId = command?.CommandId;
                    if (command is null)
                    {
                        _lastOutcome = "failed";
                    }
                    else if (command.ExpiresAt <= DateTimeOffset.UtcNow)
                    {
                        _lastOutcome = "expired";
                        LogExpired(logger, command.CommandId);
                    }
                    else
                    {
                        LogCommand(logger, command.CommandId, command.Type);
                        _lastOutcome = await supervisor.ApplyAsync(command.Type);
                    }

                    if (_lastCommandId is not null)
                    {
                        _recentOutcomes.Add(_lastCommandId, _lastOutcome!);
                    }

                    // Acked once the supervisor took it: a crash before this line redelivers the command.
                    await m.AckAsync(cancellationToken: cancellationToken);
                    await PublishStatusAsync(connection, status);
                }

                if (DateTimeOffset.UtcNow >= nextStatus)
                {
                    await PublishStatusAsync(connection, status);
                    nextStatus = DateTimeOffset.UtcNow + statusInterval;
                }
            }
        }
        finally
        {
            supervisor.Changed -= OnChanged;
        }
    }

    private async Task PublishStatusAsync(NatsConnection connection, string subject)
    {
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                desired = supervisor.Desired,
                observed = supervisor.Observed,
                lastCommandId = _lastCommandId,
                lastCommandOutcome = _lastOutcome,
                recentOutcomes = _recentOutcomes.Snapshot(),
                trustState = TrustState,
                agentVersion = HostInfo.Version,
            });
            await connection.PublishAsync(subject, body);
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException)
        {
            LogNatsFailed(logger, e.Message);
        }
    }

    private static string StatusSubject(CredentialsResponse credentials)
    {
        // cmd-<t>-<s> and _INBOX.<t>.<s> name the same sensor; the inbox prefix splits cleanly.
        var parts = credentials.InboxPrefix.Split('.');
        return $"rxc.{parts[1]}.{parts[2]}.status";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS credentials for consumer {Consumer}, valid until {ExpiresAt}")]
    private static partial void LogCredentials(ILogger logger, string consumer, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS credentials not available yet ({Status} {Code}); retrying")]
    private static partial void LogCredentialsPending(ILogger logger, int status, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to NATS at {Url}; waiting for commands")]
    private static partial void LogConnected(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId}: {Type}")]
    private static partial void LogCommand(ILogger logger, string commandId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} expired before it arrived; not executed")]
    private static partial void LogExpired(ILogger logger, string commandId);

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS refused this sensor's credentials (Authorization Violation: revoked or disabled); the NATS loop backs off and asks for new credentials")]
    private static partial void LogRefused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS: {Reason}; reconnecting with backoff")]
    private static partial void LogNatsFailed(ILogger logger, string reason);
}
