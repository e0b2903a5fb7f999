using System.Diagnostics;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// A command line run through <c>/bin/sh -c 'exec …'</c> (<c>--suricata-command</c>): a wrapper of the operator's, or the
/// tests' stand-in. Nothing is checked before it starts and nothing can be asked of it: it runs or it does not.
/// </summary>
public sealed class CommandLineProgram(string commandLine) : IEngineProgram
{
    /// <summary>The command line.</summary>
    public string CommandLine { get; } = commandLine;

    /// <inheritdoc />
    public bool CanProbe => false;

    /// <inheritdoc />
    public TimeSpan StartTimeout => TimeSpan.Zero;

    /// <inheritdoc />
    public TimeSpan ProbeInterval => TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public int HungAfter => int.MaxValue;

    /// <inheritdoc />
    public TimeSpan StopGrace => TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {CommandLine}");
        return start;
    }

    /// <inheritdoc />
    public string? Prepare() => null;

    /// <inheritdoc />
    public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <inheritdoc />
    public Task<SuricataReport> ProbeAsync(CancellationToken cancellationToken) => throw new NotSupportedException("a command line cannot be asked how it is");
}
