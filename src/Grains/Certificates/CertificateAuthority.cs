using RavenXcope.Common;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Grains.Certificates;

/// <summary>A certificate issued by the CA, as the grains record it.</summary>
public sealed record IssuedCertificateData(string CertificatePem, string Serial, string Fingerprint, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>
/// Our certificate authority: an ECDSA key and a self-signed certificate, loaded from files by the
/// silo (the gateway never holds the key). Issues sensor client certificates with a fixed profile the
/// server decides: subject and URI SAN naming tenant and sensor, EKU clientAuth only, CA:false, a
/// random serial of 159 bits.
/// </summary>
/// <remarks>
/// A new CA is ECDSA P-256 with SHA-256: the same 128-bit strength as the P-256 keys sensors enroll with, and
/// about seven times cheaper to sign with than P-384 (one signature per enrollment and renewal is most of
/// an enrollment's CPU). A CA made earlier with another curve keeps working: <see cref="Load"/> takes any.
/// </remarks>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);
    private readonly ECDsa _key;

    /// <summary>Creates the authority from its certificate and key.</summary>
    public CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
        CertificatePem = certificate.ExportCertificatePem();
    }

    /// <summary>The CA certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate in PEM, as handed to agents.</summary>
    public string CertificatePem { get; }

    /// <summary>Loads the CA from PEM files. The key file must not be readable by group or others.</summary>
    /// <exception cref="InsecureKeyFileException">The key file's mode lets others read it.</exception>
    public static CertificateAuthority Load(string certificatePath, string keyPath)
    {
        SecretFiles.RequireOwnerOnly(keyPath);
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>Creates a new CA (10 years) in memory.</summary>
    public static CertificateAuthority CreateNew(string name, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}, O=RavenXcope"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(now - ClockSkewAllowance, now.AddYears(10));
        return new CertificateAuthority(X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)), key);
    }

    /// <summary>Writes the CA certificate (0644) and key (0600) as PEM files; refuses to overwrite.</summary>
    public void WriteFiles(string certificatePath, string keyPath)
    {
        SecretFiles.WriteNew(keyPath, _key.ExportPkcs8PrivateKeyPem(), secret: true);
        SecretFiles.WriteNew(certificatePath, CertificatePem, secret: false);
    }

    /// <summary>Issues a sensor client certificate for <paramref name="publicKey"/>.</summary>
    public IssuedCertificateData IssueSensorCertificate(PublicKey publicKey, string tenantId, string sensorId, DateTimeOffset now, TimeSpan lifetime)
    {
        var request = new CertificateRequest(SensorIdentity.Subject(tenantId, sensorId), publicKey, HashAlgorithmName.SHA256);
        var usage = publicKey.Oid.Value == "1.2.840.113549.1.1.1"
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature;
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(SensorIdentity.Uri(tenantId, sensorId));
        request.CertificateExtensions.Add(san.Build());
        return Sign(request, now, now + lifetime);
    }

    /// <summary>Issues a TLS server certificate (for the gateway) for the given DNS names and addresses.</summary>
    public (X509Certificate2 Certificate, string KeyPem) IssueServerCertificate(IEnumerable<string> dnsNames, IEnumerable<System.Net.IPAddress> addresses, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var names = dnsNames.ToList();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={names.FirstOrDefault() ?? "ravenxcope-gateway"}, O=RavenXcope"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        names.ForEach(san.AddDnsName);
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        var issued = Sign(request, now, now + lifetime);
        return (X509Certificate2.CreateFromPem(issued.CertificatePem), key.ExportPkcs8PrivateKeyPem());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    // The certificate is encoded here (RFC 5280, DER) and signed with the CA key, rather than through
    // CertificateRequest.Create: that one parses its own result back into an OpenSSL object, which cost more
    // than the signature itself under concurrent enrollments. The request only carries subject, key and
    // extensions; the tests read every issued certificate back and build its chain.
    private IssuedCertificateData Sign(CertificateRequest request, DateTimeOffset now, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // 20 random bytes with the top bit cleared: a positive serial with 159 bits of randomness.
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;

        // X.509 times carry whole seconds.
        var notBefore = WholeSeconds(now - ClockSkewAllowance);
        notAfter = WholeSeconds(notAfter > Certificate.NotAfter ? new DateTimeOffset(Certificate.NotAfter.ToUniversalTime()) : notAfter);

        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.WriteInteger(2); // v3
            }

            tbs.WriteInteger(serial);
            WriteSignatureAlgorithm(tbs);
            tbs.WriteEncodedValue(Certificate.SubjectName.RawData);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, notBefore);
                WriteTime(tbs, notAfter);
            }

            tbs.WriteEncodedValue(request.SubjectName.RawData);
            tbs.WriteEncodedValue(request.PublicKey.ExportSubjectPublicKeyInfo());
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
            using (tbs.PushSequence())
            {
                foreach (var extension in request.CertificateExtensions)
                {
                    using (tbs.PushSequence())
                    {
                        tbs.WriteObjectIdentifier(extension.Oid!.Value!);
                        if (extension.Critical)
                        {
                            tbs.WriteBoolean(true);
                        }

                        tbs.WriteOctetString(extension.RawData);
                    }
                }
            }
        }

        var toBeSigned = tbs.Encode();
        var certificate = new AsnWriter(AsnEncodingRules.DER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(toBeSigned);
            WriteSignatureAlgorithm(certificate);
            certificate.WriteBitString(_key.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        var der = certificate.Encode();
        return new IssuedCertificateData(
            PemEncoding.WriteString("CERTIFICATE", der),
            Convert.ToHexString(serial),
            Convert.ToHexString(SHA256.HashData(der)),
            notBefore,
            notAfter);
    }

    // ecdsa-with-SHA256, without parameters (RFC 5758).
    private static void WriteSignatureAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
        }
    }

    // UTCTime through 2049, GeneralizedTime from 2050 on (RFC 5280, 4.1.2.5).
    private static void WriteTime(AsnWriter writer, DateTimeOffset value)
    {
        if (value.UtcDateTime.Year < 2050)
        {
            writer.WriteUtcTime(value);
        }
        else
        {
            writer.WriteGeneralizedTime(value, omitFractionalSeconds: true);
        }
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
