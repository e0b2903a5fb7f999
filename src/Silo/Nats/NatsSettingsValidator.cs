using Microsoft.Extensions.Options;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Silo.Nats;

/// <summary>
/// Checks <see cref="NatsSettings"/>: a NATS URL, positive periods, and, when the control bus is on, an account-seed
/// key of the right shape. Whether the operator files exist and are private is checked when they are loaded
/// (<see cref="NatsSetup"/>).
/// </summary>
public sealed class NatsSettingsValidator : IValidateOptions<NatsSettings>
{
    private static readonly string[] Schemes = ["nats", "tls", "ws", "wss"];

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NatsSettings options)
    {
        var failures = new List<string>();
        if (!IsNatsUrl(options.Url))
        {
            failures.Add($"{nameof(NatsSettings.Url)}: must be nats://, tls://, ws:// or wss:// URLs, separated by commas");
        }

        if (options.PublicUrl is { Length: > 0 } publicUrl && !IsNatsUrl(publicUrl))
        {
            failures.Add($"{nameof(NatsSettings.PublicUrl)}: must be nats://, tls://, ws:// or wss:// URLs, separated by commas");
        }

        if (options.ReconcileSeconds < 1)
        {
            failures.Add($"{nameof(NatsSettings.ReconcileSeconds)}: must be at least 1");
        }

        if (options.SensorUserTtlHours is < 1 or > 24 * 365)
        {
            failures.Add($"{nameof(NatsSettings.SensorUserTtlHours)}: must be between 1 and 8760");
        }

        if (options.OperationTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"{nameof(NatsSettings.OperationTimeoutSeconds)}: must be between 1 and 300");
        }

        if (string.IsNullOrWhiteSpace(options.CommandStreamName) || options.CommandStreamName.Any(c => c is '.' or '*' or '>' || char.IsWhiteSpace(c)))
        {
            failures.Add($"{nameof(NatsSettings.CommandStreamName)}: must be a JetStream stream name (no spaces, '.', '*' or '>')");
        }

        if (options.Enabled && !IsSeedKey(options.AccountSeedEncryptionKey))
        {
            failures.Add($"{nameof(NatsSettings.AccountSeedEncryptionKey)}: must be base64 of 32 bytes when the control bus is on (make one with: head -c 32 /dev/urandom | base64)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // NATS.Net takes a comma-separated list of servers.
    private static bool IsNatsUrl(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Split(',', StringSplitOptions.TrimEntries).All(url =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase));

    private static bool IsSeedKey(string? value)
    {
        var buffer = new byte[48];
        return !string.IsNullOrWhiteSpace(value) && Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
