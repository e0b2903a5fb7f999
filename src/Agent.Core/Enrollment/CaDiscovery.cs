using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>What <see cref="CaDiscovery.PinAsync"/> found.</summary>
/// <param name="Ca">The pinned CA, when found.</param>
/// <param name="Unreachable">True when nothing (usable) answered: a retry may help.</param>
/// <param name="Problem">Why there is no CA to trust.</param>
public sealed record PinnedCa(X509Certificate2? Ca, bool Unreachable, string? Problem);

/// <summary>
/// Finds the control plane's CA by the fingerprint a claim code carries, as kubeadm's discovery hash does: fetches the CA
/// chain the enrollment endpoint serves (over a TLS connection trusted for nothing else), keeps the certificate whose
/// SHA-256 is the fingerprint, and checks that the gateway's own certificate was issued by it. Anything else is
/// refused before the agent sends a byte of its own (no claim code, no CSR).
/// </summary>
public static class CaDiscovery
{
    /// <summary>Where the enrollment listener serves its CA chain.</summary>
    public const string Path = "/api/v1/enroll/ca";

    private const int MaxChainBytes = 64 * 1024;

    /// <summary>Fetches the chain from <paramref name="url"/> and pins the CA with <paramref name="fingerprint"/>.</summary>
    public static async Task<PinnedCa> PinAsync(Uri url, string fingerprint, CancellationToken cancellationToken)
    {
        X509Certificate2? presented = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Trusted for nothing but fetching a chain that is judged by its fingerprint below.
            presented ??= certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true;
        };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"ravenxcope-sensor/{HostInfo.Version}");
        string pem;
        try
        {
            using var response = await http.GetAsync(new Uri(Path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                return new PinnedCa(null, status >= 500, $"{url} answered {status} {response.ReasonPhrase} for its CA chain ({Path}): is it a RavenXcope gateway's enrollment URL?");
            }

            if (response.Content.Headers.ContentLength > MaxChainBytes)
            {
                return new PinnedCa(null, false, $"{url} sent a CA chain of {response.Content.Headers.ContentLength} bytes, over the {MaxChainBytes} a chain may have");
            }

            pem = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new PinnedCa(null, true, $"cannot fetch the CA chain from {url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PinnedCa(null, true, $"{url} did not answer within 30 s");
        }

        using (presented)
        {
            var chain = new X509Certificate2Collection();
            try
            {
                chain.ImportFromPem(pem.Length > MaxChainBytes ? string.Empty : pem);
            }
            catch (CryptographicException e)
            {
                return new PinnedCa(null, false, $"{url} sent no readable CA chain: {e.Message}");
            }

            var pinned = chain.FirstOrDefault(c => JoinCode.FingerprintOf(c) == fingerprint);
            if (pinned is null)
            {
                var found = chain.Count == 0 ? "no certificate" : string.Join(", ", chain.Select(c => $"{c.Subject} (SHA-256 {JoinCode.FingerprintOf(c)})"));
                Dispose(chain, keep: null);
                return new PinnedCa(null, false,
                    $"the CA of {url} is not the one the claim code names: the code pins SHA-256 {fingerprint}, the server sent {found}. " +
                    "Nothing was sent to it. Check the URL, or ask the operator for a code of this control plane.");
            }

            Dispose(chain, keep: pinned);
            if (presented is null || !PrivateCa.Issued(pinned, presented))
            {
                var subject = pinned.Subject;
                pinned.Dispose();
                return new PinnedCa(null, false,
                    $"{url} sent the CA the claim code names ({subject}), but its own TLS certificate ({presented?.Subject ?? "none"}) was not issued by that CA: refusing to enroll through it. Nothing was sent to it.");
            }

            return new PinnedCa(pinned, false, null);
        }
    }

    /// <summary>True when <paramref name="ca"/> has <paramref name="fingerprint"/>.</summary>
    public static bool Matches(X509Certificate2 ca, string fingerprint) => JoinCode.FingerprintOf(ca) == fingerprint;

    private static void Dispose(X509Certificate2Collection chain, X509Certificate2? keep)
    {
        foreach (var certificate in chain)
        {
            if (!ReferenceEquals(certificate, keep))
            {
                certificate.Dispose();
            }
        }
    }
}
