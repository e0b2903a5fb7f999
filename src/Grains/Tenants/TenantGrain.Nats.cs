using System.Security.Cryptography;
using NATS.Client.Core;
using NATS.NKeys;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Nats;
using RavenXcope.NatsAuth;

namespace RavenXcope.Grains.Tenants;

/// <summary>Reconciliation of the tenant's NATS account, control user and command stream.</summary>
public sealed partial class TenantGrain
{
    /// <summary>Name of the reconcile reminder.</summary>
    public const string ReconcileReminder = "nats-reconcile";

    private const int ControlUserPermissionsVersion = 2;

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReconcileReminder && S.Exists)
        {
            await ReconcileAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// One reconcile pass: every step is create-or-return, so a pass can be repeated at any point. Once
    /// provisioned, a tick does no I/O unless the account JWT changed since this activation last published
    /// it (the resolver serves it on demand, and the file-stored stream survives server restarts); the first
    /// tick of each activation re-checks everything.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!nats.Enabled)
        {
            _lastError = "the NATS control bus is not configured (OPERATOR_SEED_PATH)";
            return;
        }

        if (S.AccountStatus == NatsAccountStatus.Provisioned && !EnsureKeysAndJwts())
        {
            // Provisioned: what NATS still lacks (an account push, the stream after a first activation, a consumer to
            // delete) is done in the background, so no tick holds the tenant while NATS is slow or away.
            StartNatsSync();
            return;
        }

        try
        {
            if (EnsureKeysAndJwts())
            {
                // Keys are persisted before they are used anywhere, so a retry never mints a second account.
                await state.WriteOrResetAsync(this, cancellationToken);
            }

            await accounts.UpsertAsync(S.AccountPublicKey!, S.TenantId, false, S.AccountJwt!, cancellationToken);
            await nats.Bus.PushAccountAsync(S.AccountPublicKey!, S.AccountJwt!, cancellationToken);
            await nats.Bus.EnsureCommandStreamAsync(S.TenantId, ControlCreds(), cancellationToken);
            _publishedJwt = S.AccountJwt;
            _streamChecked = true;
            _lastError = null;
            if (S.AccountStatus != NatsAccountStatus.Provisioned)
            {
                S.AccountStatus = NatsAccountStatus.Provisioned;
                S.ProvisionedAt = time.GetUtcNow();
                await state.WriteOrResetAsync(this, cancellationToken);
                LogProvisioned(logger, S.TenantId, S.AccountPublicKey!);
            }
        }
        catch (Exception e) when (e is NatsException or TimeoutException or IOException or Npgsql.NpgsqlException or OperationCanceledException)
        {
            _lastError = $"{e.GetType().Name}: {e.Message}";
            LogReconcileFailed(logger, S.TenantId, _lastError);
        }
    }

    /// <summary>A new key of <paramref name="role"/>: its public key and its seed sealed by the vault (the seed never stored in clear).</summary>
    private (string PublicKey, string SealedSeed) CreateSealedKey(PrefixByte role)
    {
        using var pair = KeyPair.CreatePair(role);
        var publicKey = pair.GetPublicKey();
        return (publicKey, nats.Vault.Seal(pair.GetSeed(), publicKey));
    }

    /// <summary>Creates what is missing of the account and control user; true when the state changed.</summary>
    private bool EnsureKeysAndJwts()
    {
        var changed = false;
        var now = time.GetUtcNow();
        if (S.AccountPublicKey is null)
        {
            (S.AccountPublicKey, S.AccountSealedSeed) = CreateSealedKey(PrefixByte.Account);
            S.AccountJwt = null;
            changed = true;
        }

        using var account = OpenAccount();
        if (S.AccountJwt is null)
        {
            S.AccountJwt = NatsJwt.Encode(nats.Operator, S.AccountPublicKey, S.TenantId, "account", NatsClaims.Account(jetStream: true, S.Revocations), now);
            changed = true;
        }

        if (S.ControlUserPublicKey is null)
        {
            (S.ControlUserPublicKey, S.ControlUserSealedSeed) = CreateSealedKey(PrefixByte.User);
            S.ControlUserJwt = null;
            changed = true;
        }

        if (S.ControlUserJwt is null || S.ControlUserPermissionsVersion < ControlUserPermissionsVersion)
        {
            // The bridge answers the agents' status requests, so the control user may respond to what it receives.
            S.ControlUserJwt = NatsJwt.Encode(
                account, S.ControlUserPublicKey, $"{S.TenantId}-control", "user",
                NatsClaims.User(NatsNames.ControlPublish(nats.Settings.CommandStreamName, S.TenantId), NatsNames.ControlSubscribe(S.TenantId), allowResponses: true), now);
            S.ControlUserPermissionsVersion = ControlUserPermissionsVersion;
            changed = true;
        }

        return changed;
    }

    private KeyPair OpenAccount()
    {
        try
        {
            return KeyPair.FromSeed(nats.Vault.Open(S.AccountSealedSeed!, S.AccountPublicKey!));
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException($"the sealed seed of account {S.AccountPublicKey} does not open: was ACCOUNT_SEED_ENCRYPTION_KEY changed?");
        }
    }

    private string ControlCreds() =>
        NatsJwt.FormatCreds(S.ControlUserJwt!, nats.Vault.Open(S.ControlUserSealedSeed!, S.ControlUserPublicKey!));

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId}: NATS account {Account} provisioned")]
    private static partial void LogProvisioned(ILogger logger, string tenantId, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: NATS reconcile failed, retrying on the next tick: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string tenantId, string reason);
}
