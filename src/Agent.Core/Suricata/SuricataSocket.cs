using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RavenXcope.Agent.Suricata;

/// <summary>Suricata did not answer on its command socket as it should (not there, refused, silent, or not JSON).</summary>
public sealed class SuricataSocketException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A session on Suricata's unix command socket, spoken directly: the client opens with <c>{"version":"0.2"}</c>,
/// then sends one JSON command per line and reads one JSON answer per line (<c>{"return":"OK"|"NOK","message":…}</c>).
/// Every read and write is bounded by the timeout, so a Suricata that is hung (alive but not answering) shows as a
/// <see cref="SuricataSocketException"/> instead of a wait without end.
/// </summary>
public sealed class SuricataSocket : IAsyncDisposable
{
    private const int MaxAnswerBytes = 1024 * 1024;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _timeout;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly MemoryStream _pending = new();

    private SuricataSocket(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _timeout = timeout;
    }

    /// <summary>Connects to the socket at <paramref name="path"/> and opens the session.</summary>
    public static async Task<SuricataSocket> OpenAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connecting.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), connecting.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                throw new SuricataSocketException(
                    e is SocketException ? $"cannot connect to {path}: {e.Message}" : $"no answer within {timeout.TotalSeconds:0.#} s (connecting)", e);
            }
        }

        var session = new SuricataSocket(socket, timeout);
        try
        {
            using var bounded = session.Bound(cancellationToken);
            await session.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new SocketHello("0.2"), SuricataSocketJson.Default.SocketHello), bounded.Token);
            var hello = await session.ReadReplyAsync(bounded.Token);
            if (hello.Return != "OK")
            {
                throw new SuricataSocketException($"the socket refused the session: {hello.Message}");
            }

            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Seconds since the engine started.</summary>
    public Task<long> UptimeAsync(CancellationToken cancellationToken) => AskAsync(new SocketCommand("uptime"), SuricataSocketJson.Default.Int64, cancellationToken);

    /// <summary>The engine's version, e.g. <c>7.0.10 RELEASE</c>.</summary>
    public Task<string> VersionAsync(CancellationToken cancellationToken) => AskAsync(new SocketCommand("version"), SuricataSocketJson.Default.String, cancellationToken);

    /// <summary>Rules loaded and failed, summed over the engine's rulesets.</summary>
    public async Task<(long Loaded, long Failed)> RulesAsync(CancellationToken cancellationToken)
    {
        var sets = await AskAsync(new SocketCommand("ruleset-stats"), SuricataSocketJson.Default.IReadOnlyListRulesetStats, cancellationToken);
        return (sets.Sum(s => s.RulesLoaded), sets.Sum(s => s.RulesFailed));
    }

    /// <summary>The interfaces the engine captures on.</summary>
    public async Task<IReadOnlyList<string>> InterfacesAsync(CancellationToken cancellationToken) =>
        (await AskAsync(new SocketCommand("iface-list"), SuricataSocketJson.Default.InterfaceList, cancellationToken)).Ifaces ?? [];

    /// <summary>Packets captured and dropped on one interface.</summary>
    public async Task<(long Packets, long Drops)> InterfaceStatsAsync(string name, CancellationToken cancellationToken)
    {
        var stats = await AskAsync(new SocketCommand("iface-stat", new InterfaceArgument(name)), SuricataSocketJson.Default.InterfaceStats, cancellationToken);
        return (stats.Packets, stats.Drops);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
        await _pending.DisposeAsync();
    }

    private async Task<T> AskAsync<T>(SocketCommand command, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var bounded = Bound(cancellationToken);
        var line = JsonSerializer.SerializeToUtf8Bytes(command, SuricataSocketJson.Default.SocketCommand);
        await WriteAsync([.. line, (byte)'\n'], bounded.Token);
        var reply = await ReadReplyAsync(bounded.Token);
        if (reply.Return != "OK")
        {
            throw new SuricataSocketException($"'{command.Command}' answered {reply.Return ?? "nothing"}: {reply.Message}");
        }

        try
        {
            return reply.Message.Deserialize(type) ?? throw new SuricataSocketException($"'{command.Command}' answered no value");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new SuricataSocketException($"'{command.Command}' answered a value of another shape: {(reply.Message.ValueKind == JsonValueKind.Undefined ? "none" : reply.Message.ToString())}", e);
        }
    }

    private CancellationTokenSource Bound(CancellationToken cancellationToken)
    {
        var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_timeout);
        return bounded;
    }

    private async Task WriteAsync(byte[] data, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(data, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            throw Failure("writing", e, cancellationToken);
        }
    }

    // One answer is one line of JSON.
    private async Task<SocketReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_pending.GetBuffer(), (byte)'\n', 0, (int)_pending.Length);
            if (newline >= 0)
            {
                var line = _pending.GetBuffer().AsSpan(0, newline).ToArray();
                var rest = _pending.GetBuffer().AsSpan(newline + 1, (int)_pending.Length - newline - 1).ToArray();
                _pending.SetLength(0);
                _pending.Write(rest);
                try
                {
                    return JsonSerializer.Deserialize(line, SuricataSocketJson.Default.SocketReply)
                        ?? throw new SuricataSocketException("the socket answered null");
                }
                catch (JsonException e)
                {
                    throw new SuricataSocketException($"the socket answered something that is not JSON: {Encoding.UTF8.GetString(line.AsSpan(0, Math.Min(line.Length, 200)))}", e);
                }
            }

            if (_pending.Length > MaxAnswerBytes)
            {
                throw new SuricataSocketException($"the socket's answer is over {MaxAnswerBytes} bytes");
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer, cancellationToken);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                throw Failure("reading", e, cancellationToken);
            }

            if (read == 0)
            {
                throw new SuricataSocketException("the socket closed the session");
            }

            _pending.Write(_buffer, 0, read);
        }
    }

    // A cancelled wait is the timeout (or the caller stopping, which the caller tells apart by its own token).
    private SuricataSocketException Failure(string doing, Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested
            ? new SuricataSocketException($"no answer within {_timeout.TotalSeconds:0.#} s ({doing})", e)
            : new SuricataSocketException($"{doing} failed: {e.Message}", e);
}
