namespace RavenXcope.Protocol.Problems;

/// <summary>
/// The problem table: every <c>code</c> an HTTP answer of the gateway carries, with its status and title, and the codes
/// grains refuse with. The gateway builds every problem response from a row; nothing else spells a code.
/// </summary>
public static class ProblemCodes
{
    // Generic: what the framework and the request pipeline answer.
    /// <summary>A request the server could not take, known only by its status.</summary>
    public static readonly ProblemCode BadRequest = new("bad_request", 400, "Bad request");

    /// <summary>No API key, or an unknown one.</summary>
    public static readonly ProblemCode Unauthenticated = new("unauthenticated", 401, "Authentication required");

    /// <summary>The API key's role or tenant does not allow this.</summary>
    public static readonly ProblemCode Forbidden = new("forbidden", 403, "Not allowed for this API key");

    /// <summary>Nothing is served at this path on this port.</summary>
    public static readonly ProblemCode NotFound = new("not_found", 404, "Not found");

    /// <summary>This path does not take this method.</summary>
    public static readonly ProblemCode MethodNotAllowed = new("method_not_allowed", 405, "Method not allowed");

    /// <summary>No representation the client accepts.</summary>
    public static readonly ProblemCode NotAcceptable = new("not_acceptable", 406, "Not acceptable");

    /// <summary>The request did not arrive in time.</summary>
    public static readonly ProblemCode RequestTimeout = new("request_timeout", 408, "Request timeout");

    /// <summary>The request needs a Content-Length.</summary>
    public static readonly ProblemCode LengthRequired = new("length_required", 411, "Length required");

    /// <summary>The body is larger than the route accepts.</summary>
    public static readonly ProblemCode RequestTooLarge = new("request_too_large", 413, "Request too large");

    /// <summary>The request target is longer than accepted.</summary>
    public static readonly ProblemCode UriTooLong = new("uri_too_long", 414, "URI too long");

    /// <summary>The body is not application/json.</summary>
    public static readonly ProblemCode UnsupportedMediaType = new("unsupported_media_type", 415, "Unsupported media type");

    /// <summary>Too many header fields, or too large.</summary>
    public static readonly ProblemCode RequestHeadersTooLarge = new("request_headers_too_large", 431, "Request headers too large");

    /// <summary>An unexpected error; logged with the trace id.</summary>
    public static readonly ProblemCode InternalError = new("internal_error", 500, "Internal error");

    /// <summary>The service cannot answer for now.</summary>
    public static readonly ProblemCode ServiceUnavailable = new("service_unavailable", 503, "Service unavailable");

    /// <summary>The database is away for now; retry (with the same Idempotency-Key).</summary>
    public static readonly ProblemCode StorageUnavailable = new("storage_unavailable", 503, "Storage unavailable");

    /// <summary>The control-plane cluster did not answer; the request may or may not have been applied.</summary>
    public static readonly ProblemCode ClusterUnavailable = new("cluster_unavailable", 503, "Cluster unavailable");

    // Bad input.
    /// <summary>The body is not a JSON object of the route's shape.</summary>
    public static readonly ProblemCode InvalidJson = new("invalid_json", 400, "Invalid JSON");

    /// <summary>The body could not be read (framing), or stopped arriving.</summary>
    public static readonly ProblemCode RequestBodyInvalid = new("request_body_invalid", 400, "Request body invalid");

    /// <summary>A route or query value does not bind.</summary>
    public static readonly ProblemCode InvalidParameter = new("invalid_parameter", 400, "Invalid parameter");

    /// <summary>A value the database cannot store or compare (such as a NUL character).</summary>
    public static readonly ProblemCode InvalidInput = new("invalid_input", 400, "Invalid input");

    /// <summary>A page limit out of range.</summary>
    public static readonly ProblemCode InvalidLimit = new("invalid_limit", 400, "Invalid limit");

    /// <summary>A page cursor that no page handed out.</summary>
    public static readonly ProblemCode InvalidCursor = new("invalid_cursor", 400, "Invalid cursor");

    /// <summary>A filter value that is not one of the listed ones.</summary>
    public static readonly ProblemCode InvalidFilter = new("invalid_filter", 400, "Invalid filter");

    /// <summary>A display name that is empty, too long or not printable.</summary>
    public static readonly ProblemCode InvalidName = new("invalid_name", 400, "Invalid name");

    // API keys.
    /// <summary>The API key has expired.</summary>
    public static readonly ProblemCode ApiKeyExpired = new("api_key_expired", 401, "API key expired");

    /// <summary>The API key was revoked.</summary>
    public static readonly ProblemCode ApiKeyRevoked = new("api_key_revoked", 401, "API key revoked");

    /// <summary>A role other than admin, operator or reader.</summary>
    public static readonly ProblemCode InvalidRole = new("invalid_role", 400, "Invalid role");

    /// <summary>An expiry that does not lie in the future.</summary>
    public static readonly ProblemCode InvalidExpiry = new("invalid_expiry", 400, "Invalid expiry");

    /// <summary>Not an API key id.</summary>
    public static readonly ProblemCode InvalidKeyId = new("invalid_key_id", 400, "Invalid key id");

    /// <summary>No API key has this id, or it is revoked.</summary>
    public static readonly ProblemCode ApiKeyNotFound = new("api_key_not_found", 404, "API key not found");

    // Tenants.
    /// <summary>Not a valid tenant id.</summary>
    public static readonly ProblemCode InvalidTenantId = new("invalid_tenant_id", 400, "Invalid tenant id");

    /// <summary>No such tenant.</summary>
    public static readonly ProblemCode TenantNotFound = new("tenant_not_found", 404, "Tenant not found");

    /// <summary>The tenant exists with other attributes.</summary>
    public static readonly ProblemCode TenantExists = new("tenant_exists", 409, "Tenant exists");

    // Sensors.
    /// <summary>Not a valid sensor id.</summary>
    public static readonly ProblemCode InvalidSensorId = new("invalid_sensor_id", 400, "Invalid sensor id");

    /// <summary>No such sensor.</summary>
    public static readonly ProblemCode SensorNotFound = new("sensor_not_found", 404, "Sensor not found");

    /// <summary>The sensor exists with other attributes.</summary>
    public static readonly ProblemCode SensorExists = new("sensor_exists", 409, "Sensor exists");

    /// <summary>The sensor already holds a certificate.</summary>
    public static readonly ProblemCode SensorAlreadyEnrolled = new("sensor_already_enrolled", 409, "Sensor already enrolled");

    /// <summary>The sensor has no certificate yet.</summary>
    public static readonly ProblemCode SensorNotEnrolled = new("sensor_not_enrolled", 409, "Sensor not enrolled");

    /// <summary>The sensor is disabled.</summary>
    public static readonly ProblemCode SensorDisabled = new("sensor_disabled", 409, "Sensor disabled");

    /// <summary>The sensor is revoked: final.</summary>
    public static readonly ProblemCode SensorRevoked = new("sensor_revoked", 409, "Sensor revoked");

    /// <summary>Another request changed the same record first; retry.</summary>
    public static readonly ProblemCode Conflict = new("concurrent_update", 409, "Concurrent update");

    // Claim codes and enrollment.
    /// <summary>A claim code lifetime out of range.</summary>
    public static readonly ProblemCode ClaimCodeLifetimeInvalid = new("claim_code_lifetime_invalid", 400, "Claim code lifetime invalid");

    /// <summary>The host description of an enrollment is incomplete or malformed.</summary>
    public static readonly ProblemCode InvalidEnrollment = new("invalid_enrollment", 400, "Invalid enrollment");

    /// <summary>The one refusal for unknown, expired, used, withdrawn and malformed claim codes alike, so that the answer tells nothing about which codes exist.</summary>
    public static readonly ProblemCode EnrollmentRefused = new("enrollment_refused", 403, "Enrollment refused");

    // Certificate signing requests.
    /// <summary>Not a PEM PKCS#10 request.</summary>
    public static readonly ProblemCode CsrMalformed = new("csr_malformed", 400, "CSR malformed");

    /// <summary>The CSR is over the size limit.</summary>
    public static readonly ProblemCode CsrTooLarge = new("csr_too_large", 400, "CSR too large");

    /// <summary>A key type or size outside the allowed list.</summary>
    public static readonly ProblemCode CsrKeyNotAllowed = new("csr_key_not_allowed", 400, "CSR key not allowed");

    /// <summary>The CSR's signature does not verify.</summary>
    public static readonly ProblemCode CsrSignatureInvalid = new("csr_signature_invalid", 400, "CSR signature invalid");

    /// <summary>The CSR asks for CA:true.</summary>
    public static readonly ProblemCode CsrCaNotAllowed = new("csr_ca_not_allowed", 400, "CSR CA not allowed");

    /// <summary>The CSR asks for an identity (subject attributes beyond a CN, or SANs).</summary>
    public static readonly ProblemCode CsrIdentityNotAllowed = new("csr_identity_not_allowed", 400, "CSR identity not allowed");

    /// <summary>A renewal needs a new key pair.</summary>
    public static readonly ProblemCode CsrKeyReused = new("csr_key_reused", 400, "CSR key reused");

    // Commands.
    /// <summary>A command type other than start, stop or restart.</summary>
    public static readonly ProblemCode InvalidCommandType = new("invalid_command_type", 400, "Invalid command type");

    /// <summary>A command lifetime out of range.</summary>
    public static readonly ProblemCode InvalidTtl = new("invalid_ttl", 400, "Invalid TTL");

    /// <summary>An idempotency key of the wrong length.</summary>
    public static readonly ProblemCode InvalidIdempotencyKey = new("invalid_idempotency_key", 400, "Invalid idempotency key");

    /// <summary>No such command.</summary>
    public static readonly ProblemCode CommandNotFound = new("command_not_found", 404, "Command not found");

    // The sensor API (mTLS).
    /// <summary>No client certificate issued to a sensor.</summary>
    public static readonly ProblemCode ClientCertificateInvalid = new("client_certificate_invalid", 401, "Client certificate invalid");

    /// <summary>A heartbeat without agentState, or with fields too long.</summary>
    public static readonly ProblemCode InvalidHeartbeat = new("invalid_heartbeat", 400, "Invalid heartbeat");

    /// <summary>The presented certificate is neither the current one nor the previous one within its overlap.</summary>
    public static readonly ProblemCode CertificateNotCurrent = new("certificate_not_current", 403, "Certificate not current");

    /// <summary>The presented certificate's validity has ended.</summary>
    public static readonly ProblemCode CertificateExpired = new("certificate_expired", 403, "Certificate expired");

    /// <summary>Not a NATS user public key (U…).</summary>
    public static readonly ProblemCode InvalidUserPublicKey = new("invalid_user_public_key", 400, "Invalid user public key");

    /// <summary>Not a problem response: the tenant's NATS account or the sensor's consumer is not ready; answered with 202, a PendingResponse and Retry-After.</summary>
    public static readonly ProblemCode NatsAccountPending = new("nats_account_pending", 202, "NATS account pending");

    // The provisioner-compatible routes and the account resolver.
    /// <summary>The provisioner routes are off.</summary>
    public static readonly ProblemCode ProvisionerDisabled = new("provisioner_disabled", 404, "Provisioner disabled");

    /// <summary>A tenant or sensor id that is not valid.</summary>
    public static readonly ProblemCode InvalidId = new("invalid_id", 400, "Invalid id");

    /// <summary>Not an account or user public key.</summary>
    public static readonly ProblemCode InvalidKey = new("invalid_key", 400, "Invalid key");

    /// <summary>No such NATS account.</summary>
    public static readonly ProblemCode AccountNotFound = new("account_not_found", 404, "Account not found");

    /// <summary>Every row.</summary>
    public static IReadOnlyList<ProblemCode> All { get; } =
    [
        BadRequest, Unauthenticated, Forbidden, NotFound, MethodNotAllowed, NotAcceptable,
        RequestTimeout, LengthRequired, RequestTooLarge, UriTooLong, UnsupportedMediaType, RequestHeadersTooLarge,
        InternalError, ServiceUnavailable, StorageUnavailable, ClusterUnavailable, InvalidJson, RequestBodyInvalid,
        InvalidParameter, InvalidInput, InvalidLimit, InvalidCursor, InvalidFilter, InvalidName,
        ApiKeyExpired, ApiKeyRevoked, InvalidRole, InvalidExpiry, InvalidKeyId, ApiKeyNotFound,
        InvalidTenantId, TenantNotFound, TenantExists, InvalidSensorId, SensorNotFound, SensorExists,
        SensorAlreadyEnrolled, SensorNotEnrolled, SensorDisabled, SensorRevoked, Conflict, ClaimCodeLifetimeInvalid,
        InvalidEnrollment, EnrollmentRefused, CsrMalformed, CsrTooLarge, CsrKeyNotAllowed, CsrSignatureInvalid,
        CsrCaNotAllowed, CsrIdentityNotAllowed, CsrKeyReused, InvalidCommandType, InvalidTtl, InvalidIdempotencyKey,
        CommandNotFound, ClientCertificateInvalid, InvalidHeartbeat, CertificateNotCurrent, CertificateExpired, InvalidUserPublicKey,
        NatsAccountPending, ProvisionerDisabled, InvalidId, InvalidKey, AccountNotFound,
    ];

    // After All: static initializers run in the order they are written.
    private static readonly Dictionary<string, ProblemCode> ByCode = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    /// <summary>The row of <paramref name="code"/>, or null when no row has it.</summary>
    public static ProblemCode? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var row) ? row : null;

    /// <summary>The problems the framework writes on its own, known only by their status (routing's 404, Kestrel's 413, …).</summary>
    public static ProblemCode? ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        406 => NotAcceptable,
        408 => RequestTimeout,
        411 => LengthRequired,
        413 => RequestTooLarge,
        414 => UriTooLong,
        415 => UnsupportedMediaType,
        431 => RequestHeadersTooLarge,
        500 => InternalError,
        503 => ServiceUnavailable,
        _ => null,
    };

    /// <summary>Whether <paramref name="code"/> refuses what a CSR asks for (not the claim code, the sensor or a reused key).</summary>
    public static bool IsCsrRefusal(string? code) =>
        Find(code) is { } row && (row == CsrMalformed || row == CsrTooLarge || row == CsrKeyNotAllowed || row == CsrSignatureInvalid
                                  || row == CsrCaNotAllowed || row == CsrIdentityNotAllowed);
}
