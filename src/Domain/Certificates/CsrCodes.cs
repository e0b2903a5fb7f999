namespace RavenXcope.Domain;

/// <summary>Stable problem codes of refused CSRs.</summary>
public static class CsrCodes
{
    /// <summary>Not a PEM PKCS#10 request.</summary>
    public const string Malformed = "csr_malformed";

    /// <summary>Over the size limit.</summary>
    public const string TooLarge = "csr_too_large";

    /// <summary>A key type or size outside the allowed list.</summary>
    public const string KeyNotAllowed = "csr_key_not_allowed";

    /// <summary>The signature does not verify.</summary>
    public const string SignatureInvalid = "csr_signature_invalid";

    /// <summary>The CSR asks for CA:true.</summary>
    public const string CaNotAllowed = "csr_ca_not_allowed";

    /// <summary>The CSR asks for an identity (subject attributes beyond a CN, or SANs).</summary>
    public const string IdentityNotAllowed = "csr_identity_not_allowed";

    /// <summary>Whether <paramref name="code"/> is one of these (a refusal about the CSR, not about the claim code).</summary>
    public static bool IsCsrRefusal(string code) =>
        code is Malformed or TooLarge or KeyNotAllowed or SignatureInvalid or CaNotAllowed or IdentityNotAllowed;
}
