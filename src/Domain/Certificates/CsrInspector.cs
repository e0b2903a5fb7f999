using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain;

/// <summary>A CSR that passed every check: its public key is what the server will certify.</summary>
public sealed record ValidCsr(PublicKey PublicKey, string KeyFingerprint, string KeyDescription);

/// <summary>
/// Validates a PKCS#10 CSR before anything is issued: size, encoding, key type and size, signature,
/// and that it asks for nothing the server decides (identity attributes, SANs, CA:true). Pure.
/// </summary>
public static class CsrInspector
{
    /// <summary>Largest CSR accepted, in characters of PEM.</summary>
    public const int MaxPemLength = 16 * 1024;

    /// <summary>The key types a CSR may carry, as told to a client whose key is refused.</summary>
    public const string AllowedKeys = "ECDSA P-256, ECDSA P-384, RSA 2048 to 4096 bits";

    private const string EcOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private const string CommonNameOid = "2.5.4.3";
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string BasicConstraintsOid = "2.5.29.19";

    /// <summary>
    /// Inspects <paramref name="pem"/>; returns the CSR or the refusal. Without <paramref name="verifySignature"/>
    /// everything but the signature is checked (no key is imported): the gateway's early answer to a
    /// malformed request, before the grain that decides checks it whole.
    /// </summary>
    public static (ValidCsr? Csr, Refusal? Refusal) Inspect(string? pem, bool verifySignature = true)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return Refuse(ProblemCodes.CsrMalformed, "csrPem is required");
        }

        if (pem.Length > MaxPemLength)
        {
            return Refuse(ProblemCodes.CsrTooLarge, $"the CSR is larger than {MaxPemLength} characters");
        }

        // The usual CSR is parsed, its key imported and its signature checked once; only a CSR that fails
        // that is looked at again, to tell a malformed request, a refused key and a bad signature apart.
        var request = Load(pem, verifySignature);
        var keyDescription = request is null ? null : DescribeAllowedKey(request.PublicKey);
        if (request is null || keyDescription is null)
        {
            var unverified = Load(pem, verify: false);
            if (unverified is null)
            {
                return Refuse(ProblemCodes.CsrMalformed, "csrPem is not a PEM-encoded PKCS#10 certificate request");
            }

            if (DescribeAllowedKey(unverified.PublicKey) is null)
            {
                return Refuse(ProblemCodes.CsrKeyNotAllowed, $"the CSR's key type is not accepted; allowed: {AllowedKeys}");
            }

            return Refuse(ProblemCodes.CsrSignatureInvalid, "the CSR's signature does not verify with its own key");
        }

        foreach (var extension in request.CertificateExtensions)
        {
            if (extension.Oid?.Value == BasicConstraintsOid && new X509BasicConstraintsExtension(new AsnEncodedData(extension.Oid, extension.RawData), extension.Critical).CertificateAuthority)
            {
                return Refuse(ProblemCodes.CsrCaNotAllowed, "a sensor certificate is never a CA: the CSR asks for CA:true");
            }

            if (extension.Oid?.Value == SubjectAltNameOid)
            {
                return Refuse(ProblemCodes.CsrIdentityNotAllowed, "the server decides a sensor's identity: the CSR may not ask for subject alternative names");
            }
        }

        foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != CommonNameOid)
            {
                return Refuse(ProblemCodes.CsrIdentityNotAllowed, "the server decides a sensor's identity: the CSR's subject may hold a common name only");
            }
        }

        return (new ValidCsr(request.PublicKey, Fingerprint(request.PublicKey), keyDescription), null);
    }

    private static string Fingerprint(PublicKey key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    private static CertificateRequest? Load(string pem, bool verify)
    {
        try
        {
            return CertificateRequest.LoadSigningRequestPem(
                pem, HashAlgorithmName.SHA256,
                verify ? CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions
                       : CertificateRequestLoadOptions.SkipSignatureValidation | CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or AsnContentException)
        {
            return null;
        }
    }

    private static string? DescribeAllowedKey(PublicKey key)
    {
        try
        {
            switch (key.Oid.Value)
            {
                case EcOid:
                    // The named curve is the algorithm's parameter; reading it needs no key import (the
                    // signature check has imported, and so validated, the point already).
                    return new AsnReader(key.EncodedParameters?.RawData ?? [], AsnEncodingRules.DER).ReadObjectIdentifier() switch
                    {
                        P256Oid => "ECDSA P-256",
                        P384Oid => "ECDSA P-384",
                        _ => null,
                    };

                case RsaOid:
                    using (var rsa = key.GetRSAPublicKey())
                    {
                        return rsa is { KeySize: >= 2048 and <= 4096 } ? $"RSA {rsa.KeySize}" : null;
                    }

                default:
                    return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            return null;
        }
    }

    private static (ValidCsr?, Refusal?) Refuse(ProblemCode code, string detail) => (null, new Refusal(code, detail));
}
