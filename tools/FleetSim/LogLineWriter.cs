using System.Text;
using Microsoft.Extensions.Logging;

namespace RavenXcope.FleetSim;

/// <summary>
/// A <see cref="TextWriter"/> whose every line is one information event of a logger, so that the simulator's progress
/// lines come out in the format of every other log of ours (text or JSON, UTC timestamps).
/// </summary>
internal sealed partial class LogLineWriter(ILogger logger) : TextWriter
{
    private readonly StringBuilder _line = new();

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                Flush();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            _line.Append(value);
            Flush();
        }
    }

    /// <inheritdoc />
    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_line)
        {
            if (_line.Length > 0)
            {
                LogProgress(logger, _line.ToString());
                _line.Clear();
            }
        }
    }

    /// <summary>Logs <paramref name="line"/> as an error: the run could not go on.</summary>
    public void Failed(string line)
    {
        Flush();
        LogFailed(logger, line);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Failure}")]
    private static partial void LogFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Progress}")]
    private static partial void LogProgress(ILogger logger, string progress);
}
