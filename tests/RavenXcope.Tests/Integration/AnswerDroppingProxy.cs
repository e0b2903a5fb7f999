using System.Net;
using System.Net.Sockets;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A TCP proxy in front of the gateway that loses answers: on the first <c>dropAnswers</c> connections it
/// forwards everything until <c>answered</c> says the server has done the work, then resets the client's
/// connection instead of passing on what the server sent (the answer of a request the server completed).
/// TLS passes through untouched: the agent still talks to the gateway itself.
/// </summary>
public sealed class AnswerDroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly Func<Task<bool>> _answered;
    private readonly int _dropAnswers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _dropped;

    /// <summary>Starts a proxy to <paramref name="target"/>.</summary>
    public AnswerDroppingProxy(IPEndPoint target, int dropAnswers, Func<Task<bool>> answered)
    {
        _target = target;
        _dropAnswers = dropAnswers;
        _answered = answered;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port to connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many answers were dropped.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var dropping = Interlocked.Increment(ref _connections) <= _dropAnswers;
            _ = Task.Run(() => RelayAsync(client, dropping));
        }
    }

    private async Task RelayAsync(Socket client, bool dropping)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                var up = PumpAsync(client, server, null);
                var down = PumpAsync(server, client, dropping ? client : null);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>; with <paramref name="resetWhenAnswered"/>, resets it instead once the server has answered.</summary>
    private async Task PumpAsync(Socket from, Socket to, Socket? resetWhenAnswered)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            // Bytes from the server after it did the work are (part of) the answer: lose them.
            if (resetWhenAnswered is not null && await _answered())
            {
                Interlocked.Increment(ref _dropped);
                resetWhenAnswered.LingerState = new LingerOption(true, 0);
                resetWhenAnswered.Close();
                return;
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
        }
    }
}
