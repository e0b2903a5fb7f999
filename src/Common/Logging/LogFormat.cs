namespace RavenXcope.Common.Logging;

/// <summary>How a process of ours writes its log to the console.</summary>
public enum LogFormat
{
    /// <summary>One line per event: <c>2026-01-31T12:00:00.000Z info  Category: message</c>, for people and grep.</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}
