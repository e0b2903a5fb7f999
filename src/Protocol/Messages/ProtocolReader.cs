using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RavenXcope.Protocol.Messages;

/// <summary>
/// Reads the NATS messages of the protocol. It accepts the versions it knows (<see cref="ProtocolVersions"/>; no
/// <c>v</c> is version 1) and refuses any other with a reason, before looking at the rest: a later version may give a
/// field another meaning. Within a known version it is as lenient as agents have always needed: a text field over
/// <see cref="ProtocolLimits.MaxStatusTextLength"/> reads as absent, and outcomes that lack an id or an outcome, or lie
/// beyond <see cref="ProtocolLimits.MaxRecentOutcomes"/>, are left out.
/// </summary>
public static class ProtocolReader
{
    /// <summary>Reads a status message.</summary>
    public static ReadResult<StatusMessage> ReadStatus(ReadOnlySpan<byte> data)
    {
        if (Refuse(data, "status", ProtocolLimits.MaxStatusBytes, ProtocolVersions.StatusRead) is { } refusal)
        {
            return ReadResult<StatusMessage>.Refused(refusal);
        }

        if (Deserialize(data, ProtocolJson.Default.StatusMessage, out var error) is not { } status)
        {
            return ReadResult<StatusMessage>.Refused($"not a status message: {error}");
        }

        if (status.Desired is null || status.Observed is null)
        {
            return ReadResult<StatusMessage>.Refused("a status message needs desired and observed");
        }

        return ReadResult<StatusMessage>.Accepted(status with
        {
            LastCommandId = Text(status.LastCommandId),
            LastCommandOutcome = Text(status.LastCommandOutcome),
            RecentOutcomes = Outcomes(status.RecentOutcomes),
            TrustState = Text(status.TrustState),
            AgentVersion = Text(status.AgentVersion),
            Suricata = Suricata(status.Suricata),
        });
    }

    /// <summary>Reads a command message.</summary>
    public static ReadResult<CommandMessage> ReadCommand(ReadOnlySpan<byte> data)
    {
        if (Refuse(data, "command", ProtocolLimits.MaxCommandBytes, ProtocolVersions.CommandRead) is { } refusal)
        {
            return ReadResult<CommandMessage>.Refused(refusal);
        }

        if (Deserialize(data, ProtocolJson.Default.CommandMessage, out var error) is not { } command)
        {
            return ReadResult<CommandMessage>.Refused($"not a command message: {error}");
        }

        if (command.CommandId is not { Length: > 0 and <= ProtocolLimits.MaxCommandIdLength } || string.IsNullOrEmpty(command.Type))
        {
            return ReadResult<CommandMessage>.Refused($"a command message needs a command id of 1 to {ProtocolLimits.MaxCommandIdLength} characters and a type");
        }

        return ReadResult<CommandMessage>.Accepted(command);
    }

    /// <summary>The command ids a status reply confirms; anything that is not a reply confirms nothing.</summary>
    public static IReadOnlyList<string> ReadStatusReply(ReadOnlySpan<byte> data)
    {
        if (Deserialize(data, ProtocolJson.Default.StatusReply, out _) is not { Recorded: { } recorded })
        {
            return [];
        }

        return [.. recorded.Where(id => id is not null)];
    }

    // Size, shape and version, before the message is bound to a type.
    private static string? Refuse(ReadOnlySpan<byte> data, string kind, int maxBytes, IReadOnlyList<int> known)
    {
        if (data.Length > maxBytes)
        {
            return $"a {kind} message of {data.Length} bytes is over the limit of {maxBytes}";
        }

        int version;
        try
        {
            var found = Version(data);
            if (found is null)
            {
                return $"a {kind} message is a JSON object";
            }

            version = found.Value;
        }
        catch (JsonException e)
        {
            return $"not a {kind} message: {e.Message}";
        }
        catch (FormatException)
        {
            return $"the version (v) of a {kind} message must be a whole number";
        }

        return known.Contains(version)
            ? null
            : $"{kind} message version {version} is not known here (this side reads version {string.Join(", ", known)})";
    }

    // The top-level "v" of an object (1 when absent); null when the root is not an object.
    private static int? Version(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var version = 1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("v"u8);
            reader.Read();
            if (isVersion)
            {
                version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : throw new FormatException();
            }
            else
            {
                reader.Skip();
            }
        }

        return version;
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> data, JsonTypeInfo<T> type, out string? error)
        where T : class
    {
        try
        {
            error = null;
            return JsonSerializer.Deserialize(data, type);
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static string? Text(string? value, int maxLength = ProtocolLimits.MaxStatusTextLength) => value is { } text && text.Length <= maxLength ? text : null;

    // Most status messages carry no outcome, and most outcomes are kept as read: nothing is copied for them.
    private static List<CommandOutcome>? Outcomes(IReadOnlyList<CommandOutcome>? recent)
    {
        if (recent is null)
        {
            return null;
        }

        List<CommandOutcome>? kept = null;
        foreach (var outcome in recent)
        {
            if (kept?.Count == ProtocolLimits.MaxRecentOutcomes)
            {
                break;
            }

            if (outcome is null || Text(outcome.CommandId) is null || Text(outcome.Outcome) is null)
            {
                continue;
            }

            var detail = Text(outcome.Detail, ProtocolLimits.MaxOutcomeDetailLength);
            (kept ??= []).Add(ReferenceEquals(detail, outcome.Detail) ? outcome : outcome with { Detail = detail });
        }

        return kept;
    }

    // A counter below zero is no counter; a report with nothing left in it is no report. A report that is valid as
    // sent (the usual case) is kept as it is.
    private static SuricataReport? Suricata(SuricataReport? report)
    {
        if (report is null)
        {
            return null;
        }

        static long? Count(long? value) => value >= 0 ? value : null;
        var version = Text(report.Version);
        var error = Text(report.Error, ProtocolLimits.MaxSuricataErrorLength);
        var valid = ReferenceEquals(version, report.Version) && ReferenceEquals(error, report.Error)
            && Count(report.UptimeSeconds) == report.UptimeSeconds && Count(report.RulesLoaded) == report.RulesLoaded
            && Count(report.RulesFailed) == report.RulesFailed && Count(report.Packets) == report.Packets
            && Count(report.KernelDrops) == report.KernelDrops && (report.Restarts is null or >= 0);
        var read = valid ? report : new SuricataReport(
            version,
            Count(report.UptimeSeconds),
            Count(report.RulesLoaded),
            Count(report.RulesFailed),
            Count(report.Packets),
            Count(report.KernelDrops),
            report.Restarts >= 0 ? report.Restarts : null,
            error);
        return read is { Version: null, UptimeSeconds: null, RulesLoaded: null, RulesFailed: null, Packets: null, KernelDrops: null, Restarts: null, Error: null }
            ? null
            : read;
    }
}
