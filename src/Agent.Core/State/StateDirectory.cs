using System.Text.Json;
using RavenXcope.Common;

namespace RavenXcope.Agent;

/// <summary>
/// One agent's state directory: key, certificates, NATS credentials, outcomes and the trust record, each written
/// atomically with mode 0600. Everything an agent keeps is in here, so that several agents run in one process
/// (the fleet simulator) with a directory each.
/// </summary>
public sealed class StateDirectory(string path)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The directory.</summary>
    public string Path { get; } = path;

    /// <summary>Client private key.</summary>
    public string KeyFile => System.IO.Path.Combine(Path, "client.key.pem");

    /// <summary>Client certificate.</summary>
    public string CertificateFile => System.IO.Path.Combine(Path, "client.cert.pem");

    /// <summary>Previous key, kept for the overlap.</summary>
    public string PreviousKeyFile => System.IO.Path.Combine(Path, "client.prev.key.pem");

    /// <summary>Previous certificate, kept for the overlap.</summary>
    public string PreviousCertificateFile => System.IO.Path.Combine(Path, "client.prev.cert.pem");

    /// <summary>The control plane's CA.</summary>
    public string CaFile => System.IO.Path.Combine(Path, "ca.cert.pem");

    /// <summary>NATS credentials: the user JWT from the control plane and the seed made here.</summary>
    public string NatsCredsFile => System.IO.Path.Combine(Path, "nats.creds");

    /// <summary>Where and what the NATS credentials are for (URL, inbox prefix, stream, consumer, expiry).</summary>
    public string NatsMetaFile => System.IO.Path.Combine(Path, "nats.json");

    /// <summary>Command outcomes the control plane has not confirmed yet (see <see cref="OutcomeLedger"/>).</summary>
    public string OutcomesFile => System.IO.Path.Combine(Path, "outcomes.json");

    /// <summary>The key of an enrollment not yet answered, kept so that a retry sends the same CSR.</summary>
    public string EnrollKeyFile => System.IO.Path.Combine(Path, "enroll.key.pem");

    /// <summary>The CSR of an enrollment not yet answered.</summary>
    public string EnrollCsrFile => System.IO.Path.Combine(Path, "enroll.csr.pem");

    /// <summary>Whether Suricata should run (<c>running</c> or <c>stopped</c>), as the last command left it.</summary>
    public string DesiredStateFile => System.IO.Path.Combine(Path, "suricata.desired");

    /// <summary>The trust record.</summary>
    public string StateFile => System.IO.Path.Combine(Path, "sensor-state.json");

    /// <summary>
    /// The trust record, or null when the agent is not (completely) enrolled: the record is written last,
    /// so a crash between writes reads as "not enrolled" and leads to a new enrollment.
    /// </summary>
    public AgentState? Load()
    {
        if (!File.Exists(StateFile) || !File.Exists(KeyFile) || !File.Exists(CertificateFile))
        {
            return null;
        }

        return JsonSerializer.Deserialize<AgentState>(File.ReadAllText(StateFile), Json);
    }

    /// <summary>The trust record, or null when absent or unreadable (then the host enrolls anew).</summary>
    public AgentState? SafeLoad()
    {
        try
        {
            return Load();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the trust record.</summary>
    public void Save(AgentState state) => SecretFiles.WriteAtomically(StateFile, JsonSerializer.Serialize(state, Json), secret: true);

    /// <summary>Writes a new identity in the order that keeps a crash harmless: key, certificate, CA.</summary>
    public void SaveIdentity(string keyPem, string certificatePem, string caPem)
    {
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        SecretFiles.WriteAtomically(KeyFile, keyPem, secret: true);
        SecretFiles.WriteAtomically(CertificateFile, certificatePem, secret: true);
        SecretFiles.WriteAtomically(CaFile, caPem, secret: true);
    }

    /// <summary>Keeps the current key and certificate as the previous ones (for the overlap).</summary>
    public void KeepPrevious()
    {
        SecretFiles.WriteAtomically(PreviousKeyFile, File.ReadAllText(KeyFile), secret: true);
        SecretFiles.WriteAtomically(PreviousCertificateFile, File.ReadAllText(CertificateFile), secret: true);
    }
}
