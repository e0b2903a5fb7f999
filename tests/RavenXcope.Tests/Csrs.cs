using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Tests;

/// <summary>CSRs for tests, good and bad, made with .NET's own PKCS#10 writer.</summary>
public static class Csrs
{
    /// <summary>A P-256 key and its CSR with the given subject.</summary>
    public static (ECDsa Key, string Pem) EcP256(string subject = "CN=sensor-host")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key, new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
    }

    /// <summary>A CSR for an EC key on <paramref name="curve"/>.</summary>
    public static string Ec(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest("CN=sensor-host", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    /// <summary>A CSR for an RSA key of <paramref name="bits"/>.</summary>
    public static string Rsa(int bits)
    {
        using var key = RSA.Create(bits);
        return new CertificateRequest("CN=sensor-host", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    }

    /// <summary>A CSR that asks for CA:true.</summary>
    public static string AskingForCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sensor-host", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSigningRequestPem();
    }

    /// <summary>A CSR that asks for a SAN naming another sensor.</summary>
    public static string AskingForSan()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sensor-host", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("urn:ravenxcope:sensor:other-tenant:other-sensor"));
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequestPem();
    }

    /// <summary>A valid CSR whose signature was altered.</summary>
    public static string WithBrokenSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=sensor-host", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^5] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }
}
