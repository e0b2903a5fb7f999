namespace RavenXcope.Grains.Nats;

/// <summary>Subjects, consumers and inboxes of the control bus (the names agents and the provisioner-compatible routes rely on).</summary>
public static class NatsNames
{
    /// <summary>Where a sensor's commands are published.</summary>
    public static string CommandSubject(string tenantId, string sensorId) => $"rxc.{tenantId}.{sensorId}.cmd";

    /// <summary>Where a sensor publishes its status.</summary>
    public static string StatusSubject(string tenantId, string sensorId) => $"rxc.{tenantId}.{sensorId}.status";

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

    /// <summary>What a tenant's control user may publish (facts/NATS-AUTH.md).</summary>
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
        $"rxc.{tenantId}.*.cmd",
    ];

    /// <summary>What a tenant's control user may subscribe to.</summary>
    public static string[] ControlSubscribe(string tenantId) => ["_INBOX.>", $"rxc.{tenantId}.*.status"];
}
