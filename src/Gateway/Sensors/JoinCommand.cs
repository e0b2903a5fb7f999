using RavenXcope.Gateway.Hosting;
using RavenXcope.Grains.Model;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Gateway.Sensors;

/// <summary>What a host needs to join with a claim code: the code carrying the CA's fingerprint, and the one line to run.</summary>
public sealed record JoinInstructions(string ClaimCode, string CaFingerprint, string Command);

/// <summary>
/// Builds the join instructions for an issued claim code, for the operator API's answer and the console alike: the code
/// pins this gateway's CA by its SHA-256 fingerprint, so the command needs no CA file on the host.
/// </summary>
public sealed class JoinCommand(GatewayOptions settings, CaTrust ca)
{
    /// <summary>
    /// The instructions for <paramref name="issued"/>. The enrollment URL is the configured public one, else the host
    /// name the caller used to reach this gateway, on the enrollment port.
    /// </summary>
    public JoinInstructions For(IssuedClaimCode issued, string requestHost)
    {
        var code = new JoinCode(issued.ClaimCode, ca.CaFingerprint).ToString();
        var enrollUrl = settings.PublicEnrollmentUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"https://{requestHost}:{settings.EnrollPort}";
        return new JoinInstructions(code, ca.CaFingerprint, $"ravenxcope-sensor enroll --url {enrollUrl} --code {code}");
    }
}
