namespace RavenXcope.ServiceDefaults;

/// <summary>
/// What a host's command line may carry besides its commands: settings as the .NET command-line configuration
/// provider reads them (<c>--Key=value</c>, <c>--Key value</c>, <c>/Key value</c>, <c>Key=value</c>). Anything else
/// (a mistyped command, say) that provider would silently ignore, and the host would start as if it were not there.
/// </summary>
public static class HostCommandLine
{
    /// <summary>The first token that is not a setting, or null when every token is one.</summary>
    public static string? FirstStray(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.StartsWith("--", StringComparison.Ordinal) || token.StartsWith('/'))
            {
                // Without '=' the next token is the value.
                i += token.Contains('=', StringComparison.Ordinal) ? 0 : 1;
            }
            else if (token.StartsWith('-') || !token.Contains('=', StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }
}
