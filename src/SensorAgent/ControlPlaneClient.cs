using System.Security.Authentication;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using System.Text.Json;

namespace RavenXcope.SensorAgent;

/// <summary>What the control plane answered: a value, or a problem (status and stable code), or no answer at all.</summary>
public sealed record Answer<T>(T? Value, int Status, string? Code, string? Detail)
{
    /// <summary>How long the server asked to wait before retrying (<c>Retry-After</c>), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when a retry may succeed: nothing answered, or the server failed or was unavailable (5xx).</summary>
    public bool IsTransient => IsUnreachable || Status >= 500;

    /// <summary>True on a 2xx answer.</summary>
    public bool IsSuccess => Status is >= 200 and < 300 && Value is not null;

    /// <summary>True when nothing answered (network, TLS, timeout).</summary>
    public bool IsUnreachable => Status == 0;
}

/// <summary>HTTPS to the gateway, trusting only the given CA (or the system's roots when none is given).</summary>
public sealed class ControlPlaneClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <summary>Creates a client for <paramref name="baseUrl"/>, presenting <paramref name="clientCertificate"/> when given.</summary>
    public ControlPlaneClient(Uri baseUrl, X509Certificate2? ca, X509Certificate2? clientCertificate, TimeSpan? timeout = null)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (ca is not null)
        {
            // The name is still checked: only chain errors are for our own CA to settle.
            ssl.TrustOnly(ca, checkName: true);
        }

        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [clientCertificate];
        }

        _http = new HttpClient(new SocketsHttpHandler { SslOptions = ssl, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseUrl,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"ravenxcope-sensor/{HostInfo.Version}");
    }

    /// <summary>POSTs JSON and reads the answer.</summary>
    public async Task<Answer<TResponse>> PostAsync<TResponse>(string path, object body, CancellationToken cancellationToken)
        where TResponse : class
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(path, body, Json, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                // A 202 ("not yet") carries no value; its Retry-After says when to ask again.
                var value = response.StatusCode == System.Net.HttpStatusCode.Accepted || text.Length == 0 ? null : JsonSerializer.Deserialize<TResponse>(text, Json);
                return new Answer<TResponse>(value, (int)response.StatusCode, null, null) { RetryAfter = RetryAfterOf(response) };
            }

            string? code = null, detail = null;
            try
            {
                using var problem = JsonDocument.Parse(text);
                code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            }
            catch (JsonException)
            {
            }

            return new Answer<TResponse>(null, (int)response.StatusCode, code, detail ?? response.ReasonPhrase) { RetryAfter = RetryAfterOf(response) };
        }
        catch (HttpRequestException e)
        {
            return new Answer<TResponse>(null, 0, "unreachable", Describe(e));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer<TResponse>(null, 0, "unreachable", "the control plane did not answer in time");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Describe(HttpRequestException e) =>
        e.InnerException is AuthenticationException or IOException && e.InnerException.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            ? $"the TLS handshake failed ({e.InnerException.Message}); check --ca-file and the clock (timedatectl status)"
            : e.Message;
}

/// <summary>Key and CSR generation, on the host: the private key never leaves it.</summary>
public static class LocalKeys
{
    /// <summary>A new ECDSA P-256 key and a CSR for it (the subject is informational; the server decides the identity).</summary>
    public static (ECDsa Key, string CsrPem) NewKeyAndCsr(string hostname)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = new string(hostname.Where(c => char.IsLetterOrDigit(c) || c is '-' or '.').Take(64).ToArray());
        var request = new CertificateRequest(new X500DistinguishedName($"CN={(cn.Length == 0 ? "sensor" : cn)}"), key, HashAlgorithmName.SHA256);
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>Loads the certificate with its key from the state directory.</summary>
    public static X509Certificate2 LoadIdentity(string certificateFile, string keyFile)
    {
        using var publicOnly = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyFile));
        return publicOnly.CopyWithPrivateKey(key);
    }
}
