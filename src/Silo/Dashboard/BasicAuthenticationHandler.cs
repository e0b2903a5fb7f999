using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace RavenXcope.Silo.Dashboard;

/// <summary>
/// HTTP Basic authentication against the one configured dashboard credential, compared in constant
/// time. Unauthenticated requests get 401 with a Basic challenge, so a browser asks for the credential.
/// </summary>
public sealed partial class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    DashboardSecurityOptions credential)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>Name of the scheme.</summary>
    public const string SchemeName = "DashboardBasic";

    private readonly byte[] _expectedUser = SHA256.HashData(Encoding.UTF8.GetBytes(credential.Username));
    private readonly byte[] _expectedPassword = SHA256.HashData(Encoding.UTF8.GetBytes(credential.Password));

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credential"));
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credential"));
        }

        // Hashing first gives equal lengths, so the comparison's time says nothing about either value.
        var userMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(decoded[..separator])), _expectedUser);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(decoded[(separator + 1)..])), _expectedPassword);
        if (!(userMatches & passwordMatches))
        {
            LogRefused(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Task.FromResult(AuthenticateResult.Fail("wrong dashboard credential"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credential.Username)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"RavenXcope dashboard\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard login refused from {RemoteAddress}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress);
}
