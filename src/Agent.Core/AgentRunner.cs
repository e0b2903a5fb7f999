using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.Agent;

/// <summary>
/// One enrolled agent at work (<c>ravenxcope-sensor run</c>): reads the trust record and identity once, opens one
/// kept-alive mTLS channel for them, and runs the heartbeat loop and the control loop over it until stopped or
/// revoked. Everything it keeps is in its state directory and every wait of its own runs on its
/// <see cref="TimeProvider"/>, so that many run side by side in one process (the fleet simulator).
/// </summary>
public sealed partial class AgentRunner(AgentOptions options, ISupervisor supervisor, ILoggerFactory loggers, TimeProvider? time = null, IAgentObserver? observer = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IAgentObserver _observer = observer ?? IAgentObserver.None;
    private readonly ILogger _logger = loggers.CreateLogger<AgentRunner>();

    /// <summary>The link to the sensor API while running (null before and after).</summary>
    public SensorLink? Link { get; private set; }

    /// <summary>The control loop while running (null before and after).</summary>
    public ControlLoop? Control { get; private set; }

    /// <summary>The trust record while running (null before and after).</summary>
    public TrustRecord? Record { get; private set; }

    /// <summary>Runs until cancelled, revoked, or found not (completely) enrolled.</summary>
    public async Task<AgentExit> RunAsync(CancellationToken cancellationToken)
    {
        var directory = new StateDirectory(options.StateDirectory);
        var state = directory.SafeLoad();
        if (state is null)
        {
            LogNotEnrolled(_logger, directory.Path);
            return AgentExit.NotEnrolled;
        }

        SensorLink link;
        try
        {
            link = SensorLink.Open(directory, options.SensorUrl ?? new Uri(state.SensorApiUrl), new SensorChannelOptions { TlsServerName = options.TlsServerName, Time = _time });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or UriFormatException)
        {
            // A crash between the key and certificate writes leaves them apart: enroll again.
            LogIdentityBroken(_logger, directory.Path, e.Message);
            return AgentExit.NotEnrolled;
        }

        using (link)
        {
            var record = new TrustRecord(directory, state);
            var control = new ControlLoop(directory, state, link, supervisor, options, _observer, _time, loggers.CreateLogger<ControlLoop>()) { TrustState = state.TrustState };
            var heartbeat = new HeartbeatLoop(directory, link, record, control, options, _observer, _time, loggers.CreateLogger<HeartbeatLoop>());
            (Link, Control, Record) = (link, control, record);
            using var stopControl = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var controlTask = Task.Run(() => control.RunAsync(stopControl.Token), CancellationToken.None);
            try
            {
                return await heartbeat.RunAsync(cancellationToken);
            }
            finally
            {
                await stopControl.CancelAsync();
                await controlTask;
                (Link, Control, Record) = (null, null, null);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Not enrolled (no trust record in {StateDir}); run: ravenxcope-sensor enroll --code <code> --url <url>")]
    private static partial void LogNotEnrolled(ILogger logger, string stateDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "The identity in {StateDir} is unusable ({Reason}); enroll again with a new claim code")]
    private static partial void LogIdentityBroken(ILogger logger, string stateDir, string reason);
}
