using NATS.NKeys;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Nats;
using RavenXcope.Protocol.Problems;
using RavenXcope.NatsAuth;

namespace RavenXcope.Grains.Tenants;

/// <summary>Sensor users of the tenant's account: issuing and revoking.</summary>
public sealed partial class TenantGrain
{
    /// <inheritdoc />
    public async Task<Result<SensorNatsCredentials>> IssueSensorUserAsync(string sensorId, string userPublicKey, CancellationToken cancellationToken = default)
    {
        if (!S.Exists || S.AccountStatus != NatsAccountStatus.Provisioned || !nats.Enabled)
        {
            return Result<SensorNatsCredentials>.Fail(ProblemCodes.NatsAccountPending, "the tenant's NATS account is not provisioned yet; retry shortly");
        }

        if (!NKeyText.IsPublicKey(userPublicKey, PrefixByte.User))
        {
            return Result<SensorNatsCredentials>.Fail(ProblemCodes.InvalidUserPublicKey, "userPublicKey must be a NATS user public key (U…)");
        }

        if (S.PendingConsumerDeletions.Contains(sensorId))
        {
            return Result<SensorNatsCredentials>.Fail(ProblemCodes.NatsAccountPending, "the sensor's previous command consumer is still being removed; retry shortly");
        }

        try
        {
            await nats.Bus.EnsureSensorConsumerAsync(S.TenantId, sensorId, ControlCreds(), cancellationToken);
        }
        catch (Exception e) when (e is NATS.Client.Core.NatsException or TimeoutException)
        {
            LogReconcileFailed(logger, S.TenantId, $"consumer for {sensorId}: {e.Message}");
            return Result<SensorNatsCredentials>.Fail(ProblemCodes.NatsAccountPending, "the command consumer could not be created yet; retry shortly");
        }

        var now = time.GetUtcNow();
        var expires = now.AddHours(nats.Settings.SensorUserTtlHours);
        var stream = nats.Settings.CommandStreamName;
        using var account = OpenAccount();
        var jwt = NatsJwt.Encode(
            account, userPublicKey, $"{S.TenantId}-{sensorId}", "user",
            NatsClaims.User(NatsNames.SensorPublish(stream, S.TenantId, sensorId), NatsNames.SensorSubscribe(S.TenantId, sensorId)),
            now, expires);
        // In the background: this grain serialises every sensor's credentials, and an audit append per issue must not
        // hold the next one.
        audit.Record(S.TenantId, new AuditEvent(AuditActor.Current, "nats_user.issue", $"sensor:{sensorId}", "done", $"user {userPublicKey}, valid until {expires:O}"));
        return Result<SensorNatsCredentials>.Ok(new SensorNatsCredentials(
            jwt, nats.Settings.PublicUrl ?? nats.Settings.Url, NatsNames.InboxPrefix(S.TenantId, sensorId), stream,
            NatsNames.Consumer(S.TenantId, sensorId), expires));
    }

    /// <inheritdoc />
    public async Task RevokeUserAsync(string userPublicKey, CancellationToken cancellationToken = default)
    {
        if (!S.Exists || S.AccountPublicKey is null || !nats.Enabled)
        {
            return;
        }

        // Stored before this returns; the resolver's copy and the running servers follow in the background.
        S.Revocations[userPublicKey] = time.GetUtcNow().ToUnixTimeSeconds();
        S.AccountJwt = NatsJwt.Encode(nats.Operator, S.AccountPublicKey, S.TenantId, "account", NatsClaims.Account(jetStream: true, S.Revocations), time.GetUtcNow());
        await state.WriteOrResetAsync(this, cancellationToken);
        StartNatsSync();
        await audit.RecordAsync(S.TenantId, new AuditEvent(AuditActor.Current, "nats_user.revoke", $"nats_user:{userPublicKey}", "done", null), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetControlCredentialsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(S.AccountStatus == NatsAccountStatus.Provisioned && nats.Enabled ? ControlCreds() : null);

    /// <inheritdoc />
    public async Task RemoveSensorConsumerAsync(string sensorId, CancellationToken cancellationToken = default)
    {
        if (S.AccountStatus != NatsAccountStatus.Provisioned || !nats.Enabled || S.PendingConsumerDeletions.Contains(sensorId))
        {
            return;
        }

        S.PendingConsumerDeletions.Add(sensorId);
        await state.WriteOrResetAsync(this, cancellationToken);
        StartNatsSync();
    }
}
