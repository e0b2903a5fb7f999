using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RavenXcope.Gateway.Hosting;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// Completes the generated OpenAPI document from the endpoints' metadata: the problem schema with every code of the
/// problem table, one problem response per status with that route's codes, the security each route asks for (an API
/// key, the provisioner's shared secret, the sensor's client certificate), and the server of each route's port.
/// </summary>
public static class OpenApiTransformers
{
    /// <summary>The problem schema's name under <c>components.schemas</c>.</summary>
    public const string ProblemSchema = "Problem";

    /// <summary>Security scheme: the operator API key as a bearer token.</summary>
    public const string ApiKeyScheme = "apiKey";

    /// <summary>Security scheme: the provisioner routes' shared secret.</summary>
    public const string SharedSecretScheme = "provisionerSecret";

    /// <summary>Security scheme: the sensor's client certificate (mutual TLS).</summary>
    public const string ClientCertificateScheme = "sensorCertificate";

    /// <summary>Adds the transformers.</summary>
    public static OpenApiOptions AddRavenXcopeTransformers(this OpenApiOptions options)
    {
        options.AddDocumentTransformer(TransformDocument);
        options.AddOperationTransformer(TransformOperation);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                schema.Examples = [JsonNode.Parse(example)!];
            }

            // A member that may be null may be left out: the route says itself which it needs (with a problem code).
            if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
            {
                foreach (var (name, property) in properties)
                {
                    if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
                    {
                        required.Remove(name);
                    }
                }
            }

            return Task.CompletedTask;
        });
        return options;
    }

    // Request bodies as an operator would send them: the reference page's "Test Request" starts from these.
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(CreateTenantRequest)] = """{"tenantId":"acme","name":"Acme"}""",
        [typeof(CreateSensorRequest)] = """{"sensorId":"edge-1","name":"Edge 1"}""",
        [typeof(CreateClaimCodeRequest)] = """{"ttlSeconds":3600}""",
        [typeof(SubmitCommandRequest)] = """{"type":"start","idempotencyKey":"start-2026-01-31"}""",
        [typeof(CreateApiKeyRequest)] = """{"role":"reader","tenantId":"acme"}""",
    };

    private static Task TransformDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "RavenXcope gateway";
        document.Info.Description =
            "Operator API (an API key as a bearer token) on the operator port; sensor enrollment (HTTPS) and the sensor API "
            + "(mutual TLS) on their own ports, each route with its server; the NATS account resolver and the "
            + "provisioner-compatible routes. Errors are RFC 9457 problem details with a stable `code` (the `Problem` schema "
            + "lists them all; each response names the codes of its status).";
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An operator API key, sent as `Authorization: Bearer rxc_…`. Made with ravenxcope-silo create-api-key or POST /api/v1/api-keys.",
        };
        document.Components.SecuritySchemes[SharedSecretScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Backend-Shared-Secret",
            Description = "The provisioner routes' shared secret (BACKEND_SHARED_SECRET).",
        };
        document.Components.SecuritySchemes[ClientCertificateScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.MutualTLS,
            Description = "The client certificate issued to the sensor at enrollment.",
        };
        document.Servers = [Server(context.ApplicationServices, Listener.Operator)];
        return Task.CompletedTask;
    }

    private static async Task TransformOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<JsonRequestMetadata>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = !body.IsOptional,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.RequestType, cancellationToken: cancellationToken) },
                },
            };
        }

        var listeners = metadata.OfType<ListenerMetadata>().LastOrDefault()?.Listeners ?? [];
        if (listeners.Count > 0 && !listeners.Contains(Listener.Operator))
        {
            operation.Servers = [.. listeners.Select(l => Server(context.ApplicationServices, l))];
        }

        var scheme = metadata.OfType<OpenApiSecurityMetadata>().LastOrDefault()?.Scheme
            ?? (listeners.Contains(Listener.Mtls) ? ClientCertificateScheme : null);
        if (scheme is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
        }

        if (metadata.OfType<ProblemCodesMetadata>().LastOrDefault() is { } problems)
        {
            operation.Responses ??= new OpenApiResponses();
            var mtls = listeners.Contains(Listener.Mtls);
            foreach (var status in problems.Codes.GroupBy(c => StatusOn(c, mtls)).OrderBy(g => g.Key))
            {
                var codes = status.Select(c => c.Code).Distinct().ToList();
                operation.Responses[status.Key.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
                {
                    Description = $"Problem; code: {string.Join(", ", codes)}",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = ProblemWith(codes, context.Document) },
                    },
                };
            }
        }
    }

    // A refusal of the sensor on its own API is a 403 where the operator API answers 409 (see ProblemCode.SensorStatus).
    private static int StatusOn(ProblemCode code, bool mtls) => mtls && code.Status == StatusCodes.Status409Conflict ? code.SensorStatus : code.Status;

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem; clients match on `code`, never on `detail`.",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable problem code (one row of the problem table).",
                Enum = [.. ProblemCodes.All.Select(c => (JsonNode)JsonValue.Create(c.Code)!)],
            },
        },
    };

    // The problem schema, narrowed to the codes this response carries.
    private static OpenApiSchema ProblemWith(IEnumerable<string> codes, OpenApiDocument? document) => new()
    {
        AllOf =
        [
            new OpenApiSchemaReference(ProblemSchema, document),
            new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(c)!)] },
                },
            },
        ],
    };

    // The server of a port: the host the reader reached the document on (how they reach the gateway), that port's scheme.
    private static OpenApiServer Server(IServiceProvider services, Listener listener)
    {
        var settings = services.GetRequiredService<GatewayOptions>();
        var host = services.GetService<IHttpContextAccessor>()?.HttpContext?.Request.Host.Host is { Length: > 0 } requested
            ? requested
            : settings.BindAddress is "0.0.0.0" or "::" ? "localhost" : settings.BindAddress;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return listener switch
        {
            Listener.Enrollment => new OpenApiServer { Url = $"https://{host}:{settings.EnrollPort}", Description = "Enrollment (HTTPS, the gateway's certificate from our CA)" },
            Listener.Mtls => new OpenApiServer { Url = $"https://{host}:{settings.MtlsPort}", Description = "Sensor API (mutual TLS: the sensor's client certificate)" },
            _ => new OpenApiServer { Url = $"http://{host}:{settings.HttpPort}", Description = "Operator port" },
        };
    }
}

/// <summary>Endpoint metadata: the security scheme (of <see cref="OpenApiTransformers"/>) a route asks for.</summary>
/// <param name="Scheme">The scheme's name.</param>
public sealed record OpenApiSecurityMetadata(string Scheme);
