using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RavenXcope.Gateway.Api;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The gateway's OpenAPI document: valid by an independent validator, listing every mapped route with its request body,
/// its security, its port's server and one problem response per status with the codes of the problem table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenApiDocumentTests(GatewayBoundaryFixture stack) : IClassFixture<GatewayBoundaryFixture>
{
    // Served by middleware of the framework or of the document itself, not by a route an API client calls.
    private static readonly string[] NotApiRoutes = ["/openapi/{documentName}.json", "/docs/{**rest}", "/docs", "/docs/", "/metrics", "/healthz"];

    [Fact]
    public async Task The_document_is_valid_OpenAPI_by_an_independent_validator()
    {
        var text = await DocumentTextAsync();
        using var result = JsonDocument.Parse(await NodeInterop.RunAsync("openapi-check.mjs", text));
        Assert.True(result.RootElement.GetProperty("valid").GetBoolean(), $"the validator refused the document: {result.RootElement.GetProperty("errors")}");
        Assert.StartsWith("3.", result.RootElement.GetProperty("version").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_with_its_body_security_server_and_problem_codes()
    {
        using var document = JsonDocument.Parse(await DocumentTextAsync());
        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        var settings = stack.Gateway.App.Services.GetRequiredService<GatewayOptions>();
        Assert.EndsWith($":{settings.HttpPort}", Assert.Single(root.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString(), StringComparison.Ordinal);

        var endpoints = stack.Gateway.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var failures = new List<string>();
        var checkedRoutes = 0;
        foreach (var endpoint in endpoints)
        {
            var path = PathOf(endpoint);
            // Routes kept out on purpose: the documents and probes, and what is marked as not API (the console's pages).
            if (NotApiRoutes.Contains(path) || path.StartsWith("/docs/", StringComparison.Ordinal)
                || endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                checkedRoutes++;
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    failures.Add($"{method} {path} is not in the document");
                    continue;
                }

                failures.AddRange(CheckOperation($"{method} {path}", endpoint, operation, settings));
            }
        }

        Assert.True(checkedRoutes >= 25, $"only {checkedRoutes} routes checked: the walk would prove nothing");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_problem_schema_names_every_code_of_the_problem_table_and_the_document_defines_its_security_schemes()
    {
        using var document = JsonDocument.Parse(await DocumentTextAsync());
        var components = document.RootElement.GetProperty("components");
        var codes = components.GetProperty("schemas").GetProperty(OpenApiTransformers.ProblemSchema).GetProperty("properties").GetProperty("code").GetProperty("enum")
            .EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(ProblemCodes.All.Select(c => c.Code), codes);

        var schemes = components.GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty(OpenApiTransformers.ApiKeyScheme).GetProperty("scheme").GetString());
        Assert.Equal("mutualTLS", schemes.GetProperty(OpenApiTransformers.ClientCertificateScheme).GetProperty("type").GetString());
        Assert.Equal("X-Backend-Shared-Secret", schemes.GetProperty(OpenApiTransformers.SharedSecretScheme).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_reference_page_shows_our_API_only()
    {
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        using var page = await http.GetAsync(new Uri(ApiReference.Path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("RavenXcope API", html, StringComparison.Ordinal);

        // The viewer's vendor offers stay off: no AI chat, no MCP, no deployment or SDK toolbar, no CDN fonts.
        using var configuration = JsonDocument.Parse(ScalarConfiguration(html));
        var config = configuration.RootElement;
        Assert.True(config.GetProperty("agent").GetProperty("disabled").GetBoolean(), config.ToString());
        Assert.True(config.GetProperty("mcp").GetProperty("disabled").GetBoolean(), config.ToString());
        Assert.Equal("never", config.GetProperty("showDeveloperTools").GetString(), ignoreCase: true);
        Assert.False(config.GetProperty("withDefaultFonts").GetBoolean(), config.ToString());
        Assert.False(config.GetProperty("telemetry").GetBoolean(), config.ToString());
        Assert.False(config.TryGetProperty("_integration", out var integration) && integration.ValueKind == JsonValueKind.String, config.ToString());
    }

    [Fact]
    public async Task Test_Request_on_the_reference_page_sends_the_example_body_and_the_API_key_and_nothing_leaves_the_gateway()
    {
        var screenshot = Path.Combine(TestEnvironment.ArtifactsDirectory, "docs-test-request.png");
        File.Delete(screenshot);
        var input = JsonSerializer.Serialize(new
        {
            url = new Uri(stack.Gateway.HttpBase, ApiReference.Path).ToString(),
            apiKey = stack.AdminKey,
            tag = "operator",
            operation = "Create a tenant (create-or-return)",
            sectionId = "v1/tag/operator/POST/api/v1/tenants",
            path = "/api/v1/tenants",
            forbidden = new[] { "Ask AI", "Generate SDK", "Deploy", "Agent Scalar", "MCP", "Powered by" },
            screenshot,
            chromium = TestEnvironment.Chromium,
        });

        using var output = JsonDocument.Parse(await NodeInterop.RunAsync("docs-check.mjs", input, TimeSpan.FromSeconds(120)));
        var result = output.RootElement;
        Assert.Empty(result.GetProperty("forbiddenShown").EnumerateArray());
        Assert.Empty(result.GetProperty("outside").EnumerateArray());
        var request = result.GetProperty("request");
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal($"Bearer {stack.AdminKey}", request.GetProperty("authorization").GetString());
        using var body = JsonDocument.Parse(request.GetProperty("body").GetString()!);
        Assert.True(body.RootElement.TryGetProperty("tenantId", out _), body.RootElement.ToString());
        Assert.Contains(result.GetProperty("status").GetInt32(), new[] { 200, 201 });
    }

    private static IEnumerable<string> CheckOperation(string route, RouteEndpoint endpoint, JsonElement operation, GatewayOptions settings)
    {
        if (endpoint.Metadata.GetMetadata<JsonRequestMetadata>() is { } body
            && !(operation.TryGetProperty("requestBody", out var requestBody)
                 && requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                 && json.TryGetProperty("schema", out _)))
        {
            yield return $"{route}: no application/json request body ({body.RequestType.Name})";
        }

        var listeners = Listeners.Of(endpoint);
        if (!listeners.Contains(Listener.Operator))
        {
            var port = listeners.Contains(Listener.Mtls) ? settings.MtlsPort : settings.EnrollPort;
            var servers = operation.TryGetProperty("servers", out var list) ? list.EnumerateArray().Select(s => s.GetProperty("url").GetString()!).ToList() : [];
            if (!servers.Any(url => url.StartsWith("https://", StringComparison.Ordinal) && url.EndsWith($":{port}", StringComparison.Ordinal)))
            {
                yield return $"{route}: served on port {port} only, but its servers are [{string.Join(", ", servers)}]";
            }
        }

        var expected = endpoint.Metadata.GetMetadata<OpenApiSecurityMetadata>()?.Scheme ?? (listeners.Contains(Listener.Mtls) ? OpenApiTransformers.ClientCertificateScheme : null);
        var security = operation.TryGetProperty("security", out var requirements) ? requirements.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList() : [];
        if (expected is not null && !security.Contains(expected))
        {
            yield return $"{route}: security [{string.Join(", ", security)}], expected {expected}";
        }

        if (endpoint.Metadata.GetMetadata<ProblemCodesMetadata>() is { } problems)
        {
            var responses = operation.GetProperty("responses");
            foreach (var code in problems.Codes)
            {
                var answered = responses.EnumerateObject().Any(r => int.TryParse(r.Name, CultureInfo.InvariantCulture, out var status) && status >= 400
                    && r.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out var problem)
                    && problem.GetRawText().Contains($"\"{code.Code}\"", StringComparison.Ordinal));
                if (!answered)
                {
                    yield return $"{route}: no problem response names {code.Code}";
                }
            }
        }
    }

    // The route as the document spells it: no doubled or trailing slash.
    private static string PathOf(RouteEndpoint endpoint)
    {
        var path = "/" + string.Join('/', (endpoint.RoutePattern.RawText ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries));
        return path;
    }

    private static string ScalarConfiguration(string html)
    {
        // The page hands the viewer its configuration as one JSON object, an argument of initialize(…).
        var call = html.IndexOf("initialize(", StringComparison.Ordinal);
        var start = call < 0 ? -1 : html.IndexOf('{', call);
        if (start < 0)
        {
            throw new InvalidOperationException($"no configuration object in the reference page:\n{html}");
        }

        var depth = 0;
        for (var i = start; i < html.Length; i++)
        {
            depth += html[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return html[start..(i + 1)];
            }
        }

        throw new InvalidOperationException($"no configuration object in the reference page:\n{html}");
    }

    private async Task<string> DocumentTextAsync()
    {
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        return await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
    }
}
