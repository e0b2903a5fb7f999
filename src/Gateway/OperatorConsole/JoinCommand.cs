using Microsoft.Extensions.Options;
using RavenXcope.Gateway.Hosting;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>The one line a host runs to enroll with a claim code: the agent, the code, this gateway's enrollment URL and its CA.</summary>
public sealed class JoinCommand(IOptions<GatewayOptions> gateway, IOptions<CaTrustOptions> ca)
{
    /// <summary>Where the agent keeps its key and certificate on a host installed from the package.</summary>
    public const string StateDirectory = "/var/lib/ravenxcope-sensor";

    /// <summary>The enrollment URL for a host that reaches this gateway as <paramref name="host"/> (the name the browser used).</summary>
    public string EnrollUrl(string host) => $"https://{host}:{gateway.Value.EnrollPort}";

    /// <summary>The command for <paramref name="claimCode"/>.</summary>
    public string For(string claimCode, string host) =>
        $"ravenxcope-sensor enroll --code {claimCode} --url {EnrollUrl(host)} --ca-file {ca.Value.CertificatePath} --state-dir {StateDirectory}";
}
