using System.Net.Sockets;
using NATS.Client.Core;

namespace RavenXcope.Agent;

/// <summary>What the NATS server itself said about a failed connect, if anything.</summary>
public enum NatsServerAnswer
{
    /// <summary>No error from the server in the chain.</summary>
    None,

    /// <summary>The server refused the credentials (authorization violation; user or account authentication expired or revoked).</summary>
    Refused,

    /// <summary>
    /// The server answered with an error that says nothing of the credentials, such as "Authentication Timeout": the
    /// client did not log in within the server's time, as happens while a fleet reconnects at once.
    /// </summary>
    Busy,
}

/// <summary>
/// Why a connection to NATS failed, read from the whole exception chain rather than from the wording of
/// the outermost message (NATS.Net wraps the server's refusal in its own "can not start to connect").
/// </summary>
public static class NatsFailure
{
    /// <summary>
    /// True when the server could not be reached at all (a socket error: refused, reset, unreachable, name
    /// not resolved; or a timeout). Anything else on connect means the server answered and did not let this
    /// user in: the credentials may be refused.
    /// </summary>
    public static bool IsUnreachable(Exception exception) => Chain(exception).Any(e => e is SocketException or TimeoutException);

    /// <summary>
    /// What the server said, from the exception chain: NATS.Net tells the credential errors apart
    /// (<see cref="NatsServerException.IsAuthError"/>); any other server error is not a refusal.
    /// </summary>
    public static NatsServerAnswer ServerAnswer(Exception exception)
    {
        var errors = Chain(exception).OfType<NatsServerException>().ToList();
        return errors.Count == 0 ? NatsServerAnswer.None : errors.Any(e => e.IsAuthError) ? NatsServerAnswer.Refused : NatsServerAnswer.Busy;
    }

    /// <summary>
    /// True when a NATS server greets on <paramref name="natsUrl"/> (every server sends its <c>INFO</c> line to a new
    /// connection before any authentication). A connect that failed while no server greets is an outage, however the
    /// client worded it ("can not connect uris" carries no socket error): only a server that answers can have
    /// refused the credentials.
    /// </summary>
    public static async Task<bool> ServerGreetsAsync(string natsUrl, CancellationToken cancellationToken)
    {
        var first = natsUrl.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is null || !Uri.TryCreate(first.Contains("://", StringComparison.Ordinal) ? first : $"nats://{first}", UriKind.Absolute, out var uri))
        {
            return false;
        }

        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port > 0 ? uri.Port : 4222, bound.Token);
            var buffer = new byte[5];
            var read = 0;
            var stream = client.GetStream();
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), bound.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return System.Text.Encoding.ASCII.GetString(buffer) == "INFO ";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Every exception of the chain as <c>Type: message</c>, outermost first (no secrets: NATS.Net never puts the JWT or seed in them).</summary>
    public static string Describe(Exception exception) =>
        string.Join(" <- ", Chain(exception).Select(e => $"{e.GetType().FullName}: {e.Message}"));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var seen = new HashSet<Exception>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<Exception>([exception]);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (!seen.Add(next))
            {
                continue;
            }

            yield return next;
            if (next is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    queue.Enqueue(inner);
                }
            }
            else if (next.InnerException is { } inner)
            {
                queue.Enqueue(inner);
            }
        }
    }
}
