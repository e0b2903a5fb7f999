namespace RavenXcope.Agent;

/// <summary>
/// A running agent's link to the sensor API: its identity as on disk and one <see cref="SensorChannel"/> for it,
/// shared by the heartbeat and control loops. Both are replaced only when the identity is (<see cref="Reload"/>,
/// after a renewal), never per request.
/// </summary>
public sealed class SensorLink : IDisposable
{
    private readonly StateDirectory _directory;
    private readonly Uri _url;
    private readonly SensorChannelOptions _options;
    private readonly Lock _gate = new();
    private SensorIdentity _identity;
    private SensorChannel _channel;

    private SensorLink(StateDirectory directory, Uri url, SensorChannelOptions options, SensorIdentity identity)
    {
        _directory = directory;
        _url = url;
        _options = options;
        _identity = identity;
        _channel = new SensorChannel(url, identity, options);
        IdentityLoads = 1;
    }

    /// <summary>The channel of the current identity.</summary>
    public SensorChannel Channel
    {
        get
        {
            lock (_gate)
            {
                return _channel;
            }
        }
    }

    /// <summary>How many times the identity was read from disk (once at start, once per renewal).</summary>
    public int IdentityLoads { get; private set; }

    /// <summary>Reads the identity of <paramref name="directory"/> and opens a channel for it to <paramref name="url"/>.</summary>
    /// <exception cref="IOException">See <see cref="SensorIdentity.Load"/>.</exception>
    public static SensorLink Open(StateDirectory directory, Uri url, SensorChannelOptions options) =>
        new(directory, url, options, SensorIdentity.Load(directory));

    /// <summary>
    /// Reads the identity again (a renewal wrote a new one) and moves to a new channel for it. A request still on the
    /// old channel ends as unreachable and is asked again by its loop.
    /// </summary>
    /// <exception cref="IOException">See <see cref="SensorIdentity.Load"/>; the old identity stays in use.</exception>
    public void Reload()
    {
        var identity = SensorIdentity.Load(_directory);
        var channel = new SensorChannel(_url, identity, _options);
        SensorIdentity oldIdentity;
        SensorChannel oldChannel;
        lock (_gate)
        {
            (oldIdentity, oldChannel) = (_identity, _channel);
            (_identity, _channel) = (identity, channel);
            IdentityLoads++;
        }

        oldChannel.Dispose();
        oldIdentity.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _channel.Dispose();
            _identity.Dispose();
        }
    }
}
