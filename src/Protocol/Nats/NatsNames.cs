namespace RavenXcope.Protocol.Nats;

/// <summary>
/// Subjects, consumers and inboxes of the control bus, and the permissions built from them: the names agents, the
/// silo and the provisioner-compatible routes rely on. Every name is derived from the tenant and sensor ids, so each
/// side computes it instead of parsing it out of another.
/// </summary>
public static class NatsNames
{
    private const string Prefix = "rxc";
    private const string StatusSuffix = ".status";

    /// <summary>Where a sensor's commands are published.</summary>
    public static string CommandSubject(string tenantId, string sensorId) => $"{Prefix}.{tenantId}.{sensorId}.cmd";

    /// <summary>Where a sensor publishes its status.</summary>
    public static string StatusSubject(string tenantId, string sensorId) => $"{Prefix}.{tenantId}.{sensorId}{StatusSuffix}";

    /// <summary>The status subjects of every sensor of a tenant (a subscription's wildcard).</summary>
    public static string TenantStatusSubjects(string tenantId) => $"{Prefix}.{tenantId}.*{StatusSuffix}";

    /// <summary>The command subjects of every sensor of a tenant (a permission's wildcard).</summary>
    public static string TenantCommandSubjects(string tenantId) => $"{Prefix}.{tenantId}.*.cmd";

    /// <summary>
    /// The sensor id in a subject matched by <see cref="TenantStatusSubjects"/>: what lies between the tenant's prefix
    /// and the suffix; null when the subject is not one of the tenant's status subjects.
    /// </summary>
    public static string? SensorIdOfStatusSubject(string tenantId, string subject)
    {
        var prefix = $"{Prefix}.{tenantId}.";
        if (!subject.StartsWith(prefix, StringComparison.Ordinal) || !subject.EndsWith(StatusSuffix, StringComparison.Ordinal)
            || subject.Length <= prefix.Length + StatusSuffix.Length)
        {
            return null;
        }

        var sensorId = subject[prefix.Length..^StatusSuffix.Length];
        return sensorId.Contains('.', StringComparison.Ordinal) ? null : sensorId;
    }

    /// <summary>The sensor's durable pull consumer.</summary>
    public static string Consumer(string tenantId, string sensorId) => $"cmd-{tenantId}-{sensorId}";

    /// <summary>The sensor's own inbox prefix (its replies cannot be read by another sensor).</summary>
    public static string InboxPrefix(string tenantId, string sensorId) => $"_INBOX.{tenantId}.{sensorId}";

    /// <summary>Exactly what a sensor user may publish: its status, and its own consumer's API and acks.</summary>
    public static string[] SensorPublish(string stream, string tenantId, string sensorId)
    {
        var consumer = Consumer(tenantId, sensorId);
        return
        [
            StatusSubject(tenantId, sensorId),
            $"$JS.API.CONSUMER.INFO.{stream}.{consumer}",
            $"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}",
            $"$JS.ACK.{stream}.{consumer}.>",
        ];
    }

    /// <summary>Exactly what a sensor user may subscribe to: its own inbox.</summary>
    public static string[] SensorSubscribe(string tenantId, string sensorId) => [$"{InboxPrefix(tenantId, sensorId)}.>"];

    /// <summary>What a tenant's control user may publish: its stream's and consumers' API, and its sensors' commands.</summary>
    public static string[] ControlPublish(string stream, string tenantId) =>
    [
        "$JS.API.INFO",
        $"$JS.API.STREAM.CREATE.{stream}",
        $"$JS.API.STREAM.UPDATE.{stream}",
        $"$JS.API.STREAM.INFO.{stream}",
        $"$JS.API.CONSUMER.CREATE.{stream}.>",
        $"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.*",
        $"$JS.API.CONSUMER.INFO.{stream}.*",
        $"$JS.API.CONSUMER.DELETE.{stream}.*",
        TenantCommandSubjects(tenantId),
    ];

    /// <summary>What a tenant's control user may subscribe to: inboxes (its replies) and its sensors' status.</summary>
    public static string[] ControlSubscribe(string tenantId) => ["_INBOX.>", TenantStatusSubjects(tenantId)];
}
