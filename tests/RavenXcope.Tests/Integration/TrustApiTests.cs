using System.Net.Http.Json;
using System.Text.Json;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>The trust flow over real HTTP, HTTPS and mTLS against a real silo, gateway and PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class TrustApiTests(TrustStackFixture stack) : IClassFixture<TrustStackFixture>
{
    [Fact]
    public async Task A_sensor_is_onboarded_with_one_code_heartbeats_renews_and_is_refused_once_disabled_or_revoked()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);

        using var codeResponse = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { ttlSeconds = 600 });
        Assert.Equal(HttpStatusCode.Created, codeResponse.StatusCode);
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        using var enrolled = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var enrollment = await enrolled.JsonAsync();
        Assert.Equal(tenantId, enrollment.GetProperty("tenantId").GetString());
        Assert.Equal(sensorId, enrollment.GetProperty("sensorId").GetString());
        Assert.Equal(30, enrollment.GetProperty("heartbeatIntervalSeconds").GetInt32());
        var certificatePem = enrollment.GetProperty("certificatePem").GetString()!;

        // The same code cannot enroll another key.
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        using (var reused = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(other))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reused.StatusCode);
            Assert.Equal("enrollment_refused", await reused.ProblemCodeAsync());
        }

        using (var sensorClient = TrustClient.Sensor(stack.Gateway, certificatePem, key))
        {
            using var beat = await sensorClient.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running", trustState = "trusted", agentVersion = "1.0.0" });
            Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
            Assert.Equal("trusted", (await beat.JsonAsync()).GetProperty("trustState").GetString());
        }

        // Operator asks for a renewal: the generation moves; the agent renews with a new key.
        using (var renewAsk = await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/renew", UriKind.Relative), null))
        {
            Assert.Equal(1, (await renewAsk.JsonAsync()).GetProperty("renewalGeneration").GetInt32());
        }

        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        string renewedPem;
        using (var sensorClient = TrustClient.Sensor(stack.Gateway, certificatePem, key))
        using (var renewed = await sensorClient.PostJsonAsync("/sensor/v1/renew", new { csrPem = TrustClient.Csr(newKey) }))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            renewedPem = (await renewed.JsonAsync()).GetProperty("certificatePem").GetString()!;
        }

        using var renewedClient = TrustClient.Sensor(stack.Gateway, renewedPem, newKey);
        using (var previousClient = TrustClient.Sensor(stack.Gateway, certificatePem, key))
        using (var previousBeat = await previousClient.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" }))
        {
            Assert.Equal(HttpStatusCode.OK, previousBeat.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/disable", UriKind.Relative), null)).StatusCode);
        using (var refused = await renewedClient.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("sensor_disabled", await refused.ProblemCodeAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/enable", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await renewedClient.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/revoke", UriKind.Relative), null)).StatusCode);
        using (var revoked = await renewedClient.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
            Assert.Equal("sensor_revoked", await revoked.ProblemCodeAsync());
        }

        using (var again = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key))))
        {
            Assert.Equal("enrollment_refused", await again.ProblemCodeAsync());
        }

        using var detail = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}", UriKind.Relative));
        var sensor = await detail.JsonAsync();
        Assert.Equal("revoked", sensor.GetProperty("lifecycle").GetString());
        Assert.Equal("trust_revoked", sensor.GetProperty("trustState").GetString());
        Assert.Equal("host-1", sensor.GetProperty("host").GetProperty("hostname").GetString());

        using var summary = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/fleet/trust-summary", UriKind.Relative));
        var counts = await summary.JsonAsync();
        Assert.Equal(1, counts.GetProperty("byLifecycle").GetProperty("revoked").GetInt32());
        Assert.Equal(1, counts.GetProperty("byTrustState").GetProperty("trust_revoked").GetInt32());
    }

    [Fact]
    public async Task Fifty_simultaneous_enrollments_with_one_code_give_exactly_one_certificate()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using var codeResponse = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;

        var keys = Enumerable.Range(0, 50).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP256)).ToList();
        try
        {
            var bodies = keys.Select(k => TrustClient.EnrollBody(code, TrustClient.Csr(k))).ToList();
            var clients = Enumerable.Range(0, 50).Select(_ => TrustClient.Enrollment(stack.Gateway)).ToList();
            var responses = await Task.WhenAll(bodies.Select((b, i) => clients[i].PostJsonAsync("/api/v1/enroll", b)));
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
            foreach (var response in responses)
            {
                response.Dispose();
            }

            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }

        using var list = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?lifecycle=enrolled", UriKind.Relative));
        Assert.Single((await list.JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Bad_enrollments_get_their_own_code_and_change_nothing()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using var codeResponse = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        using var enroll = TrustClient.Enrollment(stack.Gateway);

        async Task Expect(HttpStatusCode status, string problem, HttpContent content)
        {
            // Expect: 100-continue, as a client with a large body should send it: a server that refuses the body
            // answers before it arrives, instead of closing the connection under a client still writing it.
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/enroll", UriKind.Relative)) { Content = content };
            request.Headers.ExpectContinue = true;
            using var response = await enroll.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(problem, await response.ProblemCodeAsync());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        static HttpContent Json(object body) => JsonContent.Create(body);

        await Expect(HttpStatusCode.BadRequest, "invalid_json", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        await Expect(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", new StringContent("claimCode=x"));
        await Expect(HttpStatusCode.RequestEntityTooLarge, "request_too_large", new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(TrustClient.EnrollBody(code, new string('A', 200_000)))) { Headers = { ContentType = new("application/json") } });
        await Expect(HttpStatusCode.BadRequest, "csr_too_large", Json(TrustClient.EnrollBody(code, new string('A', 20_000))));
        await Expect(HttpStatusCode.BadRequest, "csr_malformed", Json(TrustClient.EnrollBody(code, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")));
        await Expect(HttpStatusCode.BadRequest, "csr_key_not_allowed", Json(TrustClient.EnrollBody(code, Csrs.Rsa(1024))));
        await Expect(HttpStatusCode.BadRequest, "csr_key_not_allowed", Json(TrustClient.EnrollBody(code, Csrs.Ec(ECCurve.NamedCurves.nistP521))));
        await Expect(HttpStatusCode.BadRequest, "csr_signature_invalid", Json(TrustClient.EnrollBody(code, Csrs.WithBrokenSignature())));
        await Expect(HttpStatusCode.BadRequest, "csr_ca_not_allowed", Json(TrustClient.EnrollBody(code, Csrs.AskingForCa())));
        await Expect(HttpStatusCode.BadRequest, "csr_identity_not_allowed", Json(TrustClient.EnrollBody(code, Csrs.AskingForSan())));
        await Expect(HttpStatusCode.BadRequest, "csr_identity_not_allowed", Json(TrustClient.EnrollBody(code, Csrs.EcP256($"CN=x, OU=tenant:{tenantId}").Pem)));
        await Expect(HttpStatusCode.BadRequest, "invalid_enrollment", Json(new { claimCode = code, csrPem = Csrs.EcP256().Pem }));

        // Unknown, malformed and well-formed-but-wrong codes: one answer for all.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bodies = new[] { "", "rxc_short", code.ToUpperInvariant(), RavenXcope.Domain.ClaimCodes.NewCode() }.Select(c => TrustClient.EnrollBody(c, TrustClient.Csr(key)));
        var answers = new HashSet<string>();
        foreach (var body in bodies)
        {
            using var response = await enroll.PostJsonAsync("/api/v1/enroll", body);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var json = await response.JsonAsync();
            answers.Add($"{json.GetProperty("code").GetString()}|{json.GetProperty("detail").GetString()}");
        }

        Assert.Single(answers);

        // Nothing changed: the sensor is still registered and the code still enrolls.
        using var detail = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}", UriKind.Relative));
        Assert.Equal("registered", (await detail.JsonAsync()).GetProperty("lifecycle").GetString());
        using var good = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Keys_are_checked_for_role_and_tenant_and_another_tenant_looks_absent()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        var (otherTenant, _) = await TenantWithSensorAsync();
        var readerKey = await TrustClient.CreateKeyAsync(stack.Database.ConnectionString, ApiKeyRole.Reader, tenantId);
        using var reader = TrustClient.Operator(stack.Gateway, readerKey);
        using var anonymous = TrustClient.Operator(stack.Gateway, null);
        using var forged = TrustClient.Operator(stack.Gateway, readerKey[..^1] + (readerKey[^1] == 'a' ? 'b' : 'a'));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}", UriKind.Relative))).StatusCode);
        using (var cross = await reader.GetAsync(new Uri($"/api/v1/tenants/{otherTenant}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, cross.StatusCode);
            Assert.Equal("tenant_not_found", await cross.ProblemCodeAsync());
        }

        using (var write = await reader.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
            Assert.Equal("forbidden", await write.ProblemCodeAsync());
        }

        foreach (var client in new[] { anonymous, forged })
        {
            using var denied = await client.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            Assert.Equal("unauthenticated", await denied.ProblemCodeAsync());
        }

        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using var created = await admin.PostJsonAsync("/api/v1/api-keys", new { role = "operator", tenantId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var newKey = (await created.JsonAsync()).GetProperty("apiKey").GetString()!;
        using var operatorClient = TrustClient.Operator(stack.Gateway, newKey);
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors", new { sensorId = "made-by-operator", name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/api-keys", new { role = "root" })).StatusCode);
    }

    [Fact]
    public async Task Sensor_routes_need_a_client_certificate_and_live_only_on_the_mtls_port()
    {
        using var plain = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        using var onHttp = await plain.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" });
        Assert.Equal(HttpStatusCode.NotFound, onHttp.StatusCode);

        using var noCertificate = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            BaseAddress = stack.Gateway.MtlsBase,
        };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => noCertificate.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" }));

        // A certificate from another CA is refused in the handshake.
        using var foreignCa = RavenXcope.Grains.Certificates.CertificateAuthority.CreateNew("Foreign CA", DateTimeOffset.UtcNow);
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = foreignCa.IssueSensorCertificate(new CertificateRequest("CN=x", foreignKey, HashAlgorithmName.SHA256).PublicKey, "acme", "edge-1", DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        using var impostor = TrustClient.Sensor(stack.Gateway, foreign.CertificatePem, foreignKey);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => impostor.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" }));
    }

    [Fact]
    public async Task Listing_pages_by_cursor_and_alerts_come_from_the_read_model()
    {
        var (tenantId, firstSensor) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        foreach (var sensorId in new[] { "b-sensor", "c-sensor" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors", new { sensorId, name = sensorId })).StatusCode);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var query = cursor is null ? "limit=2" : $"limit=2&after={cursor}";
            using var page = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?{query}", UriKind.Relative));
            var body = await page.JsonAsync();
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sensorId").GetString()!));
            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(new[] { "b-sensor", "c-sensor", firstSensor }.Order(StringComparer.Ordinal), seen);

        // Alerts read rows; a row in renewal_due (as the trust reminder writes it) is a high alert.
        await stack.Database.ExecuteAsync($"UPDATE ravenxcope.sensor_directory SET trust_state = 'renewal_due', cert_not_after = now() + interval '2 hours' WHERE tenant_id = '{tenantId}' AND sensor_id = 'b-sensor'");
        using var alerts = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/fleet/trust-alerts", UriKind.Relative));
        var alert = Assert.Single((await alerts.JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("b-sensor", alert.GetProperty("sensorId").GetString());
        Assert.Equal("high", alert.GetProperty("severity").GetString());

        using var filtered = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?trustState=renewal_due", UriKind.Relative));
        Assert.Single((await filtered.JsonAsync()).GetProperty("items").EnumerateArray());
        using var badFilter = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?lifecycle=sleeping", UriKind.Relative));
        Assert.Equal("invalid_filter", await badFilter.ProblemCodeAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_route_with_its_problem_codes_and_a_reference_page_renders_it()
    {
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/v1/api-keys", "/api/v1/api-keys/{keyId}", "/api/v1/tenants", "/api/v1/tenants/{tenantId}", "/api/v1/tenants/{tenantId}/sensors",
            "/api/v1/tenants/{tenantId}/sensors/{sensorId}", "/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes",
            "/api/v1/tenants/{tenantId}/sensors/{sensorId}/revoke", "/api/v1/tenants/{tenantId}/sensors/{sensorId}/commands",
            "/api/v1/tenants/{tenantId}/fleet/trust-summary", "/api/v1/enroll", "/api/v1/enroll/ca", "/sensor/v1/heartbeat", "/sensor/v1/renew",
            "/sensor/v1/nats-credentials", "/jwt/v1/accounts/{publicKey}", "/accounts", "/revoke",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        var enroll = paths.GetProperty("/api/v1/enroll").GetProperty("post");
        Assert.Contains("enrollment_refused", enroll.GetProperty("description").GetString(), StringComparison.Ordinal);
        using var reference = await http.GetAsync(new Uri("/docs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Metrics_expose_enrollments_sensors_by_state_and_request_durations_without_sensor_labels()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using var codeResponse = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        Assert.Equal(HttpStatusCode.OK, (await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)))).StatusCode);

        using var http = new HttpClient();

        // The fleet count is refreshed in the background (every 15 s), not read at the scrape.
        var silo = await Eventually.WaitAsync(
            async () => (string?)await http.GetStringAsync(new Uri(stack.Silo.HttpBase, "/metrics")),
            text => text!.Contains($"tenant=\"{tenantId}\"", StringComparison.Ordinal),
            "the fleet gauge to count the new tenant's sensor",
            TimeSpan.FromSeconds(45));
        Assert.Contains("rxc_enrollments_total{", silo, StringComparison.Ordinal);
        Assert.Contains("outcome=\"accepted\"", silo, StringComparison.Ordinal);
        Assert.Contains($"rxc_sensors{{", silo, StringComparison.Ordinal);
        Assert.Contains($"tenant=\"{tenantId}\"", silo, StringComparison.Ordinal);
        Assert.Contains("rxc_nats_connections", silo, StringComparison.Ordinal);
        Assert.Contains("liveness=\"", silo, StringComparison.Ordinal);
        Assert.DoesNotContain(sensorId, silo, StringComparison.Ordinal);

        var gateway = await http.GetStringAsync(new Uri(stack.Gateway.HttpBase, "/metrics"));
        Assert.Contains("http_server_request_duration_seconds", gateway, StringComparison.Ordinal);
        Assert.DoesNotContain(sensorId, gateway, StringComparison.Ordinal);
    }

    private static async Task<string> ClaimCodeAsync(HttpClient admin, string tenantId, string sensorId)
    {
        using var response = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { ttlSeconds = 600 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("claimCode").GetString()!;
    }

    private async Task<(string TenantId, string SensorId)> TenantWithSensorAsync()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        return await TrustClient.CreateTenantWithSensorAsync(admin);
    }
}
