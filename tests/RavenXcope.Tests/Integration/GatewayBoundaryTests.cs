using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using RavenXcope.Gateway.Hosting;

namespace RavenXcope.Tests.Integration;

/// <summary>What each of the gateway's listeners serves, over real HTTP, HTTPS and mTLS.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class GatewayBoundaryTests(GatewayBoundaryFixture stack) : IClassFixture<GatewayBoundaryFixture>
{
    [Fact]
    public async Task Every_mapped_endpoint_is_served_on_its_own_listeners_and_is_a_404_problem_on_the_others()
    {
        var endpoints = stack.Gateway.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found: the walk would prove nothing");
        using var clients = new ListenerClients(stack);
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var own = Listeners.Of(endpoint);
            if (own.Count == 0)
            {
                failures.Add($"{endpoint.DisplayName}: names no listener");
                continue;
            }

            var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
            var path = Concrete(endpoint.RoutePattern);
            foreach (var listener in Enum.GetValues<Listener>())
            {
                using var response = await clients.SendAsync(listener, method, path);
                var served = response.Headers.TryGetValues(GatewayBoundaryFixture.EndpointHeader, out var names) ? Uri.UnescapeDataString(names.Single()) : null;
                if (own.Contains(listener))
                {
                    if (served != endpoint.DisplayName)
                    {
                        failures.Add($"{method} {path} on {listener} (its own): answered {(int)response.StatusCode} by {served ?? "no endpoint"}");
                    }
                }
                else if (served is not null || response.StatusCode != HttpStatusCode.NotFound || await CodeAsync(response) != "not_found")
                {
                    failures.Add($"{method} {path} on {listener} (not its own): answered {(int)response.StatusCode} by {served ?? "no endpoint"}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_operator_api_and_the_provisioner_routes_are_not_served_on_the_sensor_ports()
    {
        using var clients = new ListenerClients(stack);
        foreach (var listener in new[] { Listener.Enrollment, Listener.Mtls })
        {
            using var tenant = await clients.SendAsync(listener, "GET", "/api/v1/tenants/probe-tenant");
            Assert.Equal(HttpStatusCode.NotFound, tenant.StatusCode);
            Assert.Equal("not_found", await CodeAsync(tenant));
            using var backendUser = await clients.SendAsync(listener, "POST", "/backend-user", """{"tenantId":"probe-tenant"}""");
            Assert.Equal(HttpStatusCode.NotFound, backendUser.StatusCode);
            Assert.Equal("not_found", await CodeAsync(backendUser));
        }

        using (var onOperator = await clients.SendAsync(Listener.Operator, "GET", "/api/v1/tenants/probe-tenant"))
        {
            Assert.Equal("tenant_not_found", await CodeAsync(onOperator));
        }

        using (var enrollOnOperator = await clients.SendAsync(Listener.Operator, "POST", "/api/v1/enroll"))
        {
            Assert.Equal(HttpStatusCode.NotFound, enrollOnOperator.StatusCode);
            Assert.Equal("not_found", await CodeAsync(enrollOnOperator));
        }

        using (var enrollHealth = await clients.SendAsync(Listener.Enrollment, "GET", "/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, enrollHealth.StatusCode);
        }

        using (var mtlsHealth = await clients.SendAsync(Listener.Mtls, "GET", "/healthz"))
        {
            Assert.Equal(HttpStatusCode.NotFound, mtlsHealth.StatusCode);
        }

        foreach (var listener in Enum.GetValues<Listener>())
        {
            using var unknown = await clients.SendAsync(listener, "GET", "/no/such/route");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("not_found", await CodeAsync(unknown));
        }
    }

    [Fact]
    public void A_route_that_names_no_listener_stops_the_gateway_from_starting()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapGroup(string.Empty).ServedOn(Listener.Operator).MapGet("/assigned", () => "ok");
        Listeners.RequireAssigned(app);

        app.MapGet("/forgotten", () => "oops");
        var refused = Assert.Throws<InvalidOperationException>(() => Listeners.RequireAssigned(app));
        Assert.Contains("/forgotten", refused.Message, StringComparison.Ordinal);
    }

    private static string Concrete(RoutePattern pattern, IReadOnlyDictionary<string, string>? values = null) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when values?.TryGetValue(parameter.Name, out var value) == true => value,
            _ => "probe-value",
        }))));

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        return await response.ProblemCodeAsync();
    }

    /// <summary>One client per listener; each sends the admin key and the provisioner secret, and the mTLS one a certificate from our CA.</summary>
    private sealed class ListenerClients : IDisposable
    {
        private readonly Dictionary<Listener, HttpClient> _clients;
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public ListenerClients(GatewayBoundaryFixture stack)
        {
            using var ca = RavenXcope.Grains.Certificates.CertificateAuthority.Load(TestPki.CaCertificate, TestPki.CaKey);
            var certificate = ca.IssueSensorCertificate(new CertificateRequest("CN=probe", _key, HashAlgorithmName.SHA256).PublicKey, "probe-tenant", "probe-sensor", DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
            _clients = new Dictionary<Listener, HttpClient>
            {
                // Not following redirects: a console page's own answer to a browser without a session is its redirect to the sign-in page.
                [Listener.Operator] = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Gateway.HttpBase },
                [Listener.Enrollment] = TrustClient.Enrollment(stack.Gateway),
                [Listener.Mtls] = TrustClient.Sensor(stack.Gateway, certificate.CertificatePem, _key),
            };
            foreach (var client in _clients.Values)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.AdminKey);
                client.DefaultRequestHeaders.Add("X-Backend-Shared-Secret", GatewayBoundaryFixture.ProvisionerSecret);
            }
        }

        public async Task<HttpResponseMessage> SendAsync(Listener listener, string method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent(json ?? "{}", Encoding.UTF8, "application/json");
            }

            return await _clients[listener].SendAsync(request);
        }

        public void Dispose()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _key.Dispose();
        }
    }
}
