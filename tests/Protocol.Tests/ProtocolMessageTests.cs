using System.Text;
using System.Text.Json;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Protocol.Tests;

/// <summary>
/// The NATS messages and sensor HTTP contracts of the protocol: round trips, the wire names agents in the field send
/// and read (pinned as literal JSON), and the version rule (no <c>v</c> is version 1; an unknown version is refused).
/// </summary>
public sealed class ProtocolMessageTests
{
    // What agents have always sent: the field order and names of the agent's status message, no version field.
    private const string StatusV1 =
        """{"desired":"running","observed":"running","lastCommandId":"cmd_0a1b","lastCommandOutcome":"done","recentOutcomes":[{"commandId":"cmd_09","outcome":"failed"},{"commandId":"cmd_0a1b","outcome":"done"}],"trustState":"trusted","agentVersion":"1.4.0"}""";

    // What the grains have always published as a command.
    private const string CommandV1 =
        """{"commandId":"cmd_5f2e","type":"restart","issuedAt":"2025-03-01T10:00:00+00:00","expiresAt":"2025-03-01T11:00:00+00:00"}""";

    private static readonly DateTimeOffset Issued = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    [Fact]
    public void A_status_message_survives_a_round_trip()
    {
        var status = new StatusMessage("running", "stopped", "cmd_1", CommandOutcomes.Accepted,
            [new CommandOutcome("cmd_0", CommandOutcomes.Done), new CommandOutcome("cmd_1", CommandOutcomes.Accepted)], "renewal_due", "2.0.0");

        var read = ProtocolReader.ReadStatus(JsonSerializer.SerializeToUtf8Bytes(status, ProtocolJson.Default.StatusMessage));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal(Json(status, ProtocolJson.Default.StatusMessage), Json(read.Message!, ProtocolJson.Default.StatusMessage));
    }

    [Fact]
    public void A_command_message_survives_a_round_trip()
    {
        var command = new CommandMessage("cmd_7", CommandTypes.Stop, Issued, Issued.AddHours(1));

        var read = ProtocolReader.ReadCommand(JsonSerializer.SerializeToUtf8Bytes(command, ProtocolJson.Default.CommandMessage));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal(command, read.Message);
    }

    [Fact]
    public void A_status_reply_survives_a_round_trip_and_the_agent_reads_it()
    {
        var reply = JsonSerializer.SerializeToUtf8Bytes(new StatusReply(["cmd_1", "cmd_2"]), ProtocolJson.Default.StatusReply);

        Assert.Equal(["cmd_1", "cmd_2"], ProtocolReader.ReadStatusReply(reply));
        Assert.Empty(ProtocolReader.ReadStatusReply(Bytes("not json")));
    }

    [Fact]
    public void A_version_1_status_without_v_is_read_as_agents_have_always_sent_it()
    {
        var read = ProtocolReader.ReadStatus(Bytes(StatusV1));

        Assert.True(read.IsAccepted, read.Refusal);
        var status = read.Message!;
        Assert.Equal(1, status.Version);
        Assert.Equal(("running", "running", "cmd_0a1b", "done", "trusted", "1.4.0"),
            (status.Desired, status.Observed, status.LastCommandId, status.LastCommandOutcome, status.TrustState, status.AgentVersion));
        Assert.Equal([new CommandOutcome("cmd_09", "failed"), new CommandOutcome("cmd_0a1b", "done")], status.RecentOutcomes!);

        // The smallest status anyone sends (no command yet, nulls written out or left away).
        Assert.True(ProtocolReader.ReadStatus(Bytes("""{"desired":"stopped","observed":"stopped","trustState":"trusted","agentVersion":"x"}""")).IsAccepted);
        Assert.True(ProtocolReader.ReadStatus(Bytes("""{"desired":"stopped","observed":"stopped","lastCommandId":null,"lastCommandOutcome":null,"recentOutcomes":[],"trustState":"trusted","agentVersion":"x"}""")).IsAccepted);
    }

    [Fact]
    public void A_version_1_command_without_v_is_read()
    {
        var read = ProtocolReader.ReadCommand(Bytes(CommandV1));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal(new CommandMessage("cmd_5f2e", "restart", Issued, Issued.AddHours(1), 1), read.Message);
    }

    [Theory]
    [InlineData("""{"v":2,"desired":"running","observed":"running"}""", "version 2")]
    [InlineData("""{"desired":"running","observed":"running","v":7}""", "version 7")]
    [InlineData("""{"v":"2","desired":"running","observed":"running"}""", "whole number")]
    [InlineData("""{"v":1.5,"desired":"running","observed":"running"}""", "whole number")]
    public void A_status_of_an_unknown_version_is_refused_with_the_reason(string json, string reason)
    {
        var read = ProtocolReader.ReadStatus(Bytes(json));

        Assert.False(read.IsAccepted);
        Assert.Contains(reason, read.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_of_an_unknown_version_is_refused_with_the_reason()
    {
        var read = ProtocolReader.ReadCommand(Bytes("""{"v":2,"commandId":"cmd_1","type":"start","issuedAt":"2025-03-01T10:00:00+00:00","expiresAt":"2025-03-01T11:00:00+00:00"}"""));

        Assert.False(read.IsAccepted);
        Assert.Equal("command message version 2 is not known here (this side reads version 1)", read.Refusal);
        Assert.True(ProtocolReader.ReadCommand(Bytes(CommandV1.Replace("{", """{"v":1,""", StringComparison.Ordinal))).IsAccepted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"running\"")]
    [InlineData("{\"desired\":\"running\"")]
    [InlineData("""{"observed":"running"}""")]
    [InlineData("""{"desired":5,"observed":"running"}""")]
    public void What_is_not_a_status_message_is_refused(string json) =>
        Assert.NotNull(ProtocolReader.ReadStatus(Bytes(json)).Refusal);

    [Fact]
    public void The_reader_keeps_to_the_limits_both_sides_agree_on()
    {
        var outcomes = string.Join(',', Enumerable.Range(0, ProtocolLimits.MaxRecentOutcomes + 5).Select(i => $$"""{"commandId":"cmd_{{i}}","outcome":"done"}"""));
        var tooLong = new string('x', ProtocolLimits.MaxStatusTextLength + 1);
        var read = ProtocolReader.ReadStatus(Bytes($$"""{"desired":"running","observed":"running","agentVersion":"{{tooLong}}","recentOutcomes":[{{outcomes}},{"commandId":null,"outcome":"done"}]}"""));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Null(read.Message!.AgentVersion);
        Assert.Equal(ProtocolLimits.MaxRecentOutcomes, read.Message.RecentOutcomes!.Count);
        Assert.Equal("cmd_0", read.Message.RecentOutcomes[0].CommandId);

        var huge = Bytes($$"""{"desired":"running","observed":"running","agentVersion":"{{new string('x', ProtocolLimits.MaxStatusBytes)}}"}""");
        Assert.Contains("over the limit", ProtocolReader.ReadStatus(huge).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wire_names_are_those_of_today()
    {
        Assert.Equal(
            """{"desired":"running","observed":"running","lastCommandId":"cmd_0a1b","lastCommandOutcome":"done","recentOutcomes":[{"commandId":"cmd_09","outcome":"failed"},{"commandId":"cmd_0a1b","outcome":"done"}],"trustState":"trusted","agentVersion":"1.4.0","v":1}""",
            Json(ProtocolReader.ReadStatus(Bytes(StatusV1)).Message!, ProtocolJson.Default.StatusMessage));
        Assert.Equal(
            """{"commandId":"cmd_5f2e","type":"restart","issuedAt":"2025-03-01T10:00:00+00:00","expiresAt":"2025-03-01T11:00:00+00:00","v":1}""",
            Json(new CommandMessage("cmd_5f2e", CommandTypes.Restart, Issued, Issued.AddHours(1)), ProtocolJson.Default.CommandMessage));
        Assert.Equal("""{"recorded":["cmd_1"]}""", Json(new StatusReply(["cmd_1"]), ProtocolJson.Default.StatusReply));
    }

    [Fact]
    public void The_sensor_http_contracts_keep_their_wire_names()
    {
        Assert.Equal(
            """{"trustState":"trusted","renewalGeneration":2,"heartbeatIntervalSeconds":30,"certificateExpiresAt":"2025-03-01T10:00:00+00:00","renewNow":false}""",
            Json(new HeartbeatResponse("trusted", 2, 30, Issued, false), ProtocolJson.Default.HeartbeatResponse));
        Assert.Equal("""{"agentState":"running","trustState":"trusted","agentVersion":"1.4.0"}""",
            Json(new HeartbeatRequest("running", "trusted", "1.4.0"), ProtocolJson.Default.HeartbeatRequest));
        Assert.Equal(
            """{"jwt":"j","natsUrl":"nats://n:4222","inboxPrefix":"_INBOX.t1.s1","stream":"RXC_CMD","consumer":"cmd-t1-s1","expiresAt":"2025-03-01T10:00:00+00:00"}""",
            Json(new NatsCredentialsResponse("j", "nats://n:4222", "_INBOX.t1.s1", "RXC_CMD", "cmd-t1-s1", Issued), ProtocolJson.Default.NatsCredentialsResponse));
        Assert.Equal("""{"userPublicKey":"U1"}""", Json(new NatsCredentialsRequest("U1"), ProtocolJson.Default.NatsCredentialsRequest));
        Assert.Equal("""{"csrPem":"p"}""", Json(new RenewRequest("p"), ProtocolJson.Default.RenewRequest));
        Assert.Equal("""{"certificatePem":"c","caCertificatePem":"a","certificateExpiresAt":"2025-03-01T10:00:00+00:00"}""",
            Json(new RenewResponse("c", "a", Issued), ProtocolJson.Default.RenewResponse));
        Assert.Equal(
            """{"tenantId":"t1","sensorId":"s1","certificatePem":"c","caCertificatePem":"a","certificateExpiresAt":"2025-03-01T10:00:00+00:00","heartbeatIntervalSeconds":30,"sensorApiUrl":"https://g:8443"}""",
            Json(new EnrollResponse("t1", "s1", "c", "a", Issued, 30, "https://g:8443"), ProtocolJson.Default.EnrollResponse));
        Assert.Equal(
            """{"claimCode":"k","csrPem":"p","hostname":"h","osInfo":"o","architecture":"x64","agentVersion":"1","sensorIp":null,"interfaces":[{"name":"eth0","isManagement":true,"isLoopback":false,"isVirtual":false,"isWireless":false,"isUp":true,"bytesSent":1,"bytesRecv":2}]}""",
            Json(new EnrollRequest("k", "p", "h", "o", "x64", "1", null, [new InterfaceRequest("eth0", true, false, false, false, true, 1, 2)]), ProtocolJson.Default.EnrollRequest));
        Assert.Equal("""{"status":"pending","detail":"d"}""", Json(new PendingResponse(PendingResponse.Pending, "d"), ProtocolJson.Default.PendingResponse));
    }

    [Fact]
    public void A_member_a_reader_does_not_know_inside_the_suricata_report_is_skipped()
    {
        // An older silo reads a newer agent's status: unknown members are skipped, not refused.
        Assert.True(ProtocolReader.ReadStatus(Bytes(StatusV1.Replace("\"trustState\"", "\"suricata\":{\"packets\":1,\"future\":[1]},\"trustState\"", StringComparison.Ordinal))).IsAccepted);
    }

    [Fact]
    public void A_suricata_report_out_of_bounds_is_read_without_what_is_out_of_bounds()
    {
        var error = new string('e', ProtocolLimits.MaxSuricataErrorLength + 1);
        var detail = new string('d', ProtocolLimits.MaxOutcomeDetailLength + 1);
        var read = ProtocolReader.ReadStatus(Bytes($$$"""{"desired":"running","observed":"crashed","recentOutcomes":[{"commandId":"c1","outcome":"failed","detail":"{{{detail}}}"}],"suricata":{"packets":-5,"kernelDrops":2,"error":"{{{error}}}"}}"""));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal(new SuricataReport(KernelDrops: 2), read.Message!.Suricata);
        Assert.Null(read.Message.RecentOutcomes![0].Detail);
        Assert.Null(ProtocolReader.ReadStatus(Bytes("""{"desired":"running","observed":"crashed","suricata":{"packets":-1}}""")).Message!.Suricata);
    }

    [Fact]
    public void Subjects_are_derived_from_the_ids_and_the_status_subject_gives_the_sensor_back()
    {
        Assert.Equal("rxc.t1.s1.status", NatsNames.StatusSubject("t1", "s1"));
        Assert.Equal("rxc.t1.s1.cmd", NatsNames.CommandSubject("t1", "s1"));
        Assert.Equal("cmd-t1-s1", NatsNames.Consumer("t1", "s1"));
        Assert.Equal("_INBOX.t1.s1", NatsNames.InboxPrefix("t1", "s1"));
        Assert.Equal("rxc.t1.*.status", NatsNames.TenantStatusSubjects("t1"));
        Assert.Equal("s1", NatsNames.SensorIdOfStatusSubject("t1", NatsNames.StatusSubject("t1", "s1")));
        Assert.Null(NatsNames.SensorIdOfStatusSubject("t1", "rxc.t2.s1.status"));
        Assert.Null(NatsNames.SensorIdOfStatusSubject("t1", "rxc.t1..status"));
        Assert.Null(NatsNames.SensorIdOfStatusSubject("t1", "rxc.t1.a.b.status"));
    }
}
