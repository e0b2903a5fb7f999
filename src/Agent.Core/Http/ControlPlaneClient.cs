using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using RavenXcope.Common;

namespace RavenXcope.Agent;

/// <summary>JSON over HTTPS to the gateway, trusting only the given CA (or the system's roots when none is given).</summary>
public sealed class ControlPlaneClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>A client for <paramref name="baseUrl"/> (enrollment), presenting <paramref name="clientCertificate"/> when given.</summary>
    public ControlPlaneClient(Uri baseUrl, X509Certificate2? ca, X509Certificate2? clientCertificate, TimeSpan? timeout = null)
        : this(baseUrl, new SocketsHttpHandler { SslOptions = Trusting(ca, clientCertificate) }, serverName: null, timeout ?? TimeSpan.FromSeconds(30), TimeProvider.System)
    {
    }

    /// <summary>
    /// A client over <paramref name="handler"/> (owned). With <paramref name="serverName"/>, the TLS server name
    /// (SNI, certificate name check, session cache key) is that name while the connection goes to the URL's address.
    /// A request's <paramref name="timeout"/> runs on <paramref name="time"/>.
    /// </summary>
    internal ControlPlaneClient(Uri baseUrl, HttpMessageHandler handler, string? serverName, TimeSpan timeout, TimeProvider time)
    {
        _timeout = timeout;
        _time = time;
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"ravenxcope-sensor/{HostInfo.Version}");
        if (serverName is not null)
        {
            // SocketsHttpHandler takes the TLS target host from the Host header.
            _http.DefaultRequestHeaders.Host = baseUrl.IsDefaultPort ? serverName : $"{serverName}:{baseUrl.Port}";
        }
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and reads the answer, both with the protocol's generated serializers.</summary>
    public async Task<Answer<TResponse>> PostAsync<TRequest, TResponse>(
        string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.PostAsJsonAsync(path, body, requestType, bounded.Token);
            var text = await response.Content.ReadAsStringAsync(bounded.Token);
            if (response.IsSuccessStatusCode)
            {
                // A 202 ("not yet") carries no value; its Retry-After says when to ask again.
                var value = response.StatusCode == HttpStatusCode.Accepted || text.Length == 0 ? null : JsonSerializer.Deserialize(text, responseType);
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
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer<TResponse>(null, 0, "unreachable", "the control plane did not answer in time");
        }
        catch (ObjectDisposedException)
        {
            // The identity was replaced (a renewal) while this request was on its way: asked again with the new one.
            return new Answer<TResponse>(null, 0, "unreachable", "the connection was closed for a new identity");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static SslClientAuthenticationOptions Trusting(X509Certificate2? ca, X509Certificate2? clientCertificate)
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

        return ssl;
    }

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
