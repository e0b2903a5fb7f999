namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>What an operator API key may do. Stored by lower-case name.</summary>
public enum ApiKeyRole
{
    /// <summary>Reads only.</summary>
    Reader,

    /// <summary>Reads and operates sensors (claim codes, disable, enable, renew, commands).</summary>
    Operator,

    /// <summary>Everything, including tenants, API keys and revocation.</summary>
    Admin,
}
