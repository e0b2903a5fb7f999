using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Sensors;

/// <summary>The sensor's NATS user: issued over mTLS, revoked with the sensor, blocked while disabled.</summary>
public sealed partial class SensorGrain
{
    /// <inheritdoc />
    public async Task<Result<SensorNatsCredentials>> IssueNatsCredentialsAsync(string presentedSerial, string userPublicKey, CancellationToken cancellationToken = default)
    {
        var refusal = S.Exists
            ? CertificateGate.Check(S, presentedSerial, time.GetUtcNow(), out _)
            : new Refusal(ProblemCodes.CertificateNotCurrent, "no such sensor");
        // A NATS user of a revoked identity stays refused, whatever certificate asks for it.
        if (refusal is null && S.RetiredIdentities.Any(r => r.NatsUserPublicKey == userPublicKey))
        {
            refusal = new Refusal(ProblemCodes.SensorRevoked, "this NATS user belonged to a revoked identity; make a new user key");
        }

        if (refusal is not null)
        {
            if (S.Exists && FirstOfRefusals("nats_credentials.issue", refusal.Code))
            {
                await AuditAsync("nats_credentials.issue", "refused", refusal.Code, cancellationToken, SelfActor);
            }

            return Result<SensorNatsCredentials>.Fail(refusal);
        }

        _refusalsRecorded.Remove("nats_credentials.issue");
        var issued = await Tenant.IssueSensorUserAsync(S.SensorId, userPublicKey, cancellationToken);
        if (issued.IsSuccess && (S.NatsUserPublicKey != userPublicKey || S.NatsUserIssuedAt is null))
        {
            S.NatsUserPublicKey = userPublicKey;
            S.NatsUserIssuedAt = time.GetUtcNow();
            await state.WriteOrResetAsync(this, cancellationToken);
        }

        return issued;
    }

    private ITenantGrain Tenant => GrainFactory.GetGrain<ITenantGrain>(Identifiers.TenantKey(S.TenantId));

    /// <summary>After revoke or disable: the user's JWTs stop working and its live connection drops.</summary>
    private async Task CutNatsUserAsync(bool removeConsumer, CancellationToken cancellationToken)
    {
        if (S.NatsUserPublicKey is { } user)
        {
            await Tenant.RevokeUserAsync(user, cancellationToken);
        }

        if (removeConsumer)
        {
            await Tenant.RemoveSensorConsumerAsync(S.SensorId, cancellationToken);
        }
    }
}
