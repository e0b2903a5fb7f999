using NATS.Client.Core;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;

namespace RavenXcope.Grains.Tenants;

/// <summary>
/// Bringing NATS in line with the stored tenant: the current account JWT stored for the resolver and pushed to the
/// servers (revocations), the command stream checked once per activation, revoked sensors' consumers deleted. It runs
/// on the grain's scheduler but in no call's turn, so a revoke or a credentials request never waits for NATS; until everything is done a
/// timer retries every couple of seconds and keeps the activation. What it learns that must be stored goes through
/// a one-way turn (<see cref="ConsumersDeletedAsync"/>).
/// </summary>
public sealed partial class TenantGrain
{
    private static readonly TimeSpan SyncRetryPeriod = TimeSpan.FromSeconds(2);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private IGrainTimer? _syncRetry;
    private bool _syncing;
    private bool _streamChecked;

    /// <inheritdoc />
    public async Task ConsumersDeletedAsync()
    {
        if (_deleted.Count == 0)
        {
            return;
        }

        S.PendingConsumerDeletions.RemoveAll(_deleted.Contains);
        _deleted.Clear();
        await state.WriteOrResetAsync(this, CancellationToken.None);
    }

    private bool NatsInSync =>
        _publishedJwt == S.AccountJwt && _streamChecked && S.PendingConsumerDeletions.All(_deleted.Contains);

    private void StartNatsSync()
    {
        if (_syncing || !nats.Enabled || S.AccountStatus != NatsAccountStatus.Provisioned || NatsInSync)
        {
            return;
        }

        _syncing = true;
        _ = SyncNatsAsync();
    }

    private async Task SyncNatsAsync()
    {
        try
        {
            if (_publishedJwt != S.AccountJwt)
            {
                // The resolver serves it first, so a server that reconnects a client never reads an older one.
                var jwt = S.AccountJwt!;
                await accounts.UpsertAsync(S.AccountPublicKey!, S.TenantId, false, jwt, CancellationToken.None);
                await nats.Bus.PushAccountAsync(S.AccountPublicKey!, jwt, CancellationToken.None);
                _publishedJwt = jwt;
            }

            if (!_streamChecked)
            {
                await nats.Bus.EnsureCommandStreamAsync(S.TenantId, ControlCreds(), CancellationToken.None);
                _streamChecked = true;
            }

            foreach (var sensorId in S.PendingConsumerDeletions.Where(id => !_deleted.Contains(id)).ToList())
            {
                await nats.Bus.DeleteSensorConsumerAsync(S.TenantId, sensorId, ControlCreds(), CancellationToken.None);
                _deleted.Add(sensorId);
                this.AsReference<ITenantGrain>().ConsumersDeletedAsync().Ignore();
            }

            _lastError = null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or IOException or OperationCanceledException or InvalidOperationException or System.Data.Common.DbException)
        {
            if (_lastError is null)
            {
                LogReconcileFailed(logger, S.TenantId, $"{e.GetType().Name}: {e.Message}");
            }

            _lastError = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            _syncing = false;
        }

        if (NatsInSync)
        {
            _syncRetry?.Dispose();
            _syncRetry = null;
        }
        else
        {
            _syncRetry ??= this.RegisterGrainTimer(
                () => { StartNatsSync(); return Task.CompletedTask; },
                new GrainTimerCreationOptions(SyncRetryPeriod, SyncRetryPeriod) { Interleave = true, KeepAlive = true });
        }
    }
}
