using System.Text.Json;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.Agent;

/// <summary>
/// Keeps <see cref="LiveStatus"/> in the runtime directory up to date: an observer of the agent (heartbeats, NATS,
/// commands) that rewrites the file on every change and every <see cref="Refresh"/>, and writes it a last time with
/// <c>stoppedAt</c> when disposed. A failed write is not the agent's problem: the next one tries again.
/// </summary>
public sealed class LiveStatusWriter : IAgentObserver, IAsyncDisposable
{
    /// <summary>How often the file is rewritten while nothing changes.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string _path;
    private readonly ISupervisor _supervisor;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _refreshing;
    private LiveStatus _status;

    /// <summary>Starts writing <see cref="LiveStatus.FileName"/> in <paramref name="runtimeDirectory"/>.</summary>
    public LiveStatusWriter(string runtimeDirectory, ISupervisor supervisor)
    {
        _path = Path.Combine(runtimeDirectory, LiveStatus.FileName);
        _supervisor = supervisor;
        var now = DateTimeOffset.UtcNow;
        _status = new LiveStatus { Pid = Environment.ProcessId, AgentVersion = HostInfo.Version, StartedAt = now, UpdatedAt = now, RefreshSeconds = (int)Refresh.TotalSeconds };
        supervisor.Changed += Write;
        Write();
        _refreshing = RefreshAsync(_stopping.Token);
    }

    /// <inheritdoc />
    public void Heartbeat(TimeSpan elapsed, int status, string? code, string? detail) => Update(s => s with
    {
        Heartbeat = new LiveStatus.HeartbeatStatus(DateTimeOffset.UtcNow, status, code, detail, status == 200 ? DateTimeOffset.UtcNow : s.Heartbeat?.LastAcceptedAt),
    });

    /// <inheritdoc />
    public void NatsConnected() => Update(s => s with { Nats = s.Nats with { Connected = true, Since = DateTimeOffset.UtcNow, Reason = null } });

    /// <inheritdoc />
    public void NatsDown(string reason, bool failed) => Update(s => s with
    {
        Nats = s.Nats with { Connected = false, Since = s.Nats.Connected || s.Nats.Since is null ? DateTimeOffset.UtcNow : s.Nats.Since, Reason = reason },
    });

    /// <inheritdoc />
    public void StatusSent(bool sent)
    {
        if (sent)
        {
            Update(s => s with { Nats = s.Nats with { LastStatusSentAt = DateTimeOffset.UtcNow } }, write: false);
        }
    }

    /// <inheritdoc />
    public void CommandTaken(string commandId, string type, string outcome) =>
        Update(s => s with { LastCommand = new LiveStatus.CommandStatus(commandId, type, outcome, DateTimeOffset.UtcNow) });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _supervisor.Changed -= Write;
        await _stopping.CancelAsync();
        await _refreshing;
        Update(s => s with { StoppedAt = DateTimeOffset.UtcNow, Nats = s.Nats with { Connected = false, Reason = "the agent stopped" } });
        _stopping.Dispose();
    }

    private void Update(Func<LiveStatus, LiveStatus> change, bool write = true)
    {
        lock (_gate)
        {
            _status = change(_status);
        }

        if (write)
        {
            Write();
        }
    }

    private void Write()
    {
        lock (_gate)
        {
            _status = _status with
            {
                UpdatedAt = DateTimeOffset.UtcNow,
                Suricata = new LiveStatus.SuricataStatus(_supervisor.Desired, _supervisor.Observed, _supervisor.Pid, _supervisor.Report),
            };
            try
            {
                // Replaced whole (a reader never sees half a file); not flushed to disk: it says what is true now,
                // and after a crash of the host nothing of it is worth keeping.
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                var temporary = _path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(_status, Json));
                File.Move(temporary, _path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Tried again at the next change or refresh.
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Refresh, cancellationToken);
                Write();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
