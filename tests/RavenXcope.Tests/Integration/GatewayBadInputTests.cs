using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RavenXcope.Gateway.Hosting;

namespace RavenXcope.Tests.Integration;

/// <summary>Bad input answered as the client's mistake (a 400-class problem with a code), never as an outage or a crash.</summary>
public sealed partial class GatewayBoundaryTests
{
    [Fact]
    public async Task A_cursor_with_a_NUL_or_not_shaped_like_an_id_is_a_400_problem_not_an_outage()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, _) = await TrustClient.CreateTenantWithSensorAsync(admin);
        foreach (var after in new[] { "%00", "a%00b", "ABC", "x", "%E2%82%AC" })
        {
            using var page = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?after={after}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Equal("invalid_cursor", await CodeAsync(page));
            Assert.False(page.Headers.Contains("Retry-After"), $"after={after} was answered as an outage");
        }

        using var valid = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?after=a-sensor", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task Routing_and_binding_failures_are_problems_with_a_code()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, _) = await TrustClient.CreateTenantWithSensorAsync(admin);

        using (var wrongMethod = await admin.PutAsync(new Uri("/api/v1/tenants", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
            Assert.Equal("method_not_allowed", await CodeAsync(wrongMethod));
        }

        foreach (var query in new[] { "limit=abc", "limit=99999999999999" })
        {
            using var unbound = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, unbound.StatusCode);
            Assert.Equal("invalid_parameter", await CodeAsync(unbound));
        }

        using (var audit = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?after=abc", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, audit.StatusCode);
            Assert.Equal("invalid_parameter", await CodeAsync(audit));
        }

        using (var longUrl = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors?after={new string('a', 10_000)}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
            Assert.Equal("uri_too_long", await CodeAsync(longUrl));
        }

        using (var bigHeaders = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative)))
        {
            bigHeaders.Headers.Add("X-Padding", new string('p', 40_000));
            using var response = await admin.SendAsync(bigHeaders);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
            Assert.Equal("request_headers_too_large", await CodeAsync(response));
        }
    }

    [Theory]
    [InlineData("reader,admin")]
    [InlineData("admin,reader")]
    [InlineData(" admin")]
    [InlineData("admin ")]
    [InlineData("2")]
    [InlineData("")]
    public async Task A_role_that_is_not_exactly_one_role_name_is_refused(string role)
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using var created = await admin.PostJsonAsync("/api/v1/api-keys", new { role });
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal("invalid_role", await CodeAsync(created));
    }

    [Fact]
    public async Task A_malformed_chunked_body_or_a_stalled_body_is_a_400_problem_on_every_body_route_and_logs_no_error()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, sensorId) = await TrustClient.CreateTenantWithSensorAsync(admin);
        stack.Log.Clear();
        var bodyRoutes = stack.Gateway.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => (Listener: Listeners.Of(e).First(), Path: Concrete(e.RoutePattern, new Dictionary<string, string> { ["tenantId"] = tenantId, ["sensorId"] = sensorId })))
            .ToList();
        Assert.Contains(bodyRoutes, r => r.Path == "/api/v1/enroll");

        const string badChunk = "zz\r\n{}\r\n0\r\n\r\n";
        var answers = await Task.WhenAll(bodyRoutes.SelectMany(route => new[]
        {
            RawAsync(route.Listener, route.Path, "Transfer-Encoding: chunked", badChunk, "malformed chunked"),
            RawAsync(route.Listener, route.Path, "Content-Length: 100", "{\"tenantI", "stalled"),
        }));

        // A route that does not read a body (disable, revoke) may well succeed; no route may crash or answer an error
        // without a problem code.
        var failures = answers.Where(a => a.Status is < 200 or >= 500 || (a.Status >= 400 && a.Code is null)).Select(a => a.ToString()).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // The routes that read the body before anything else name the problem.
        foreach (var path in new[] { "/api/v1/enroll", "/api/v1/tenants", "/api/v1/api-keys", "/sensor/v1/heartbeat", "/backend-user", $"/api/v1/tenants/{tenantId}/sensors" })
        {
            Assert.All(answers.Where(a => a.Path == path), a => Assert.Equal((400, "request_body_invalid"), (a.Status, a.Code)));
        }

        var errors = stack.Log.Entries.Where(e => e.Level >= LogLevel.Error || e.Category.StartsWith("RavenXcope", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    private async Task<RawAnswer> RawAsync(Listener listener, string path, string framing, string body, string what)
    {
        var port = listener switch
        {
            Listener.Operator => stack.Gateway.HttpBase.Port,
            Listener.Enrollment => stack.Gateway.EnrollBase.Port,
            _ => stack.Gateway.MtlsBase.Port,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        Stream stream = tcp.GetStream();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (listener != Listener.Operator)
        {
            var tls = new SslStream(stream);
            var options = new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true };
            if (listener == Listener.Mtls)
            {
                using var ca = RavenXcope.Grains.Certificates.CertificateAuthority.Load(TestPki.CaCertificate, TestPki.CaKey);
                var issued = ca.IssueSensorCertificate(new CertificateRequest("CN=probe", key, HashAlgorithmName.SHA256).PublicKey, "probe-tenant", "probe-sensor", DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
                using var publicOnly = X509Certificate2.CreateFromPem(issued.CertificatePem);
                options.ClientCertificates = [publicOnly.CopyWithPrivateKey(key)];
            }

            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            stream = tls;
        }

        var head = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {stack.AdminKey}\r\nX-Backend-Shared-Secret: {GatewayBoundaryFixture.ProvisionerSecret}\r\n"
            + $"Content-Type: application/json\r\nConnection: close\r\n{framing}\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.FlushAsync(timeout.Token);

        // The client now sends nothing more; the server answers when it gives up on the body (or refused earlier).
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer: the answer is what counts.
        }

        return RawAnswer.Parse(what, path, Encoding.UTF8.GetString(received.ToArray()));
    }

    private sealed record RawAnswer(string What, string Path, int Status, string? Code, string Raw)
    {
        public static RawAnswer Parse(string what, string path, string raw)
        {
            var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (!raw.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || split < 0)
            {
                return new RawAnswer(what, path, 0, null, raw);
            }

            var status = int.Parse(raw.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
            var headers = raw[..split];
            var body = raw[(split + 4)..];
            if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                var decoded = new StringBuilder();
                while (body.IndexOf("\r\n", StringComparison.Ordinal) is var end and > 0 && int.Parse(body[..end], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) is var size and > 0)
                {
                    decoded.Append(body.AsSpan(end + 2, size));
                    body = body[(end + 2 + size + 2)..];
                }

                body = decoded.ToString();
            }

            string? code = null;
            if (headers.Contains("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase))
            {
                using var document = JsonDocument.Parse(body);
                code = document.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            }

            return new RawAnswer(what, path, status, code, raw);
        }

        public override string ToString() => $"{What} POST {Path}: {Status} {Code ?? "(no problem code)"} {(Status == 0 ? Raw : string.Empty)}";
    }
}
