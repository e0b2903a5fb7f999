using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using RavenXcope.Gateway.Security;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;
using RavenXcope.Infrastructure.Postgres.Accounts;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>The outcome of a sign-in: the caller, or the message to show (never which of name or password was wrong).</summary>
public sealed record SignInOutcome(OperatorCaller? Caller, string? Message);

/// <summary>
/// Console accounts: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted,
/// versioned, so stronger settings rehash on the next sign-in), lock-out after repeated failures, and every attempt
/// recorded in the sign-in log and the gateway's log.
/// </summary>
public sealed partial class ConsoleAccounts(OperatorAccountStore store, IClusterClient cluster, AuditTrail audit, ILogger<ConsoleAccounts> logger)
{
    /// <summary>Failures in a row that lock an account.</summary>
    public const int LockOutAfter = 5;

    /// <summary>How long a locked account refuses every sign-in.</summary>
    public static readonly TimeSpan LockOutFor = TimeSpan.FromMinutes(5);

    /// <summary>The cookie scheme of the console.</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The claim carrying the tenant scope; absent for a global account.</summary>
    public const string TenantClaim = "rxc:tenant";

    /// <summary>What the sign-in log records as the name of an attempt on an account that does not exist.</summary>
    public const string UnknownUser = "(unknown user)";

    private const string Generic = "The user name or the password is wrong.";
    private static readonly PasswordHasher<OperatorAccount> Hasher = new();

    // An unknown name is checked against this hash, so that it costs what a wrong password costs: the time taken
    // does not tell which names exist.
    private static readonly string DecoyHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString());

    /// <summary>The stored form of <paramref name="password"/>.</summary>
    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>Why <paramref name="password"/> is too weak to keep, or null.</summary>
    public static string? WeakPassword(string? password) =>
        password is null || password.Length < 12 ? "a password needs at least 12 characters"
        : password.Length > 256 ? "a password has at most 256 characters"
        : null;

    /// <summary>Checks the name and password, counting failures and locking the account after <see cref="LockOutAfter"/> in a row.</summary>
    public async Task<SignInOutcome> SignInAsync(string? userName, string? password, string? remote, CancellationToken cancellationToken)
    {
        var name = (userName ?? string.Empty).Trim().ToLowerInvariant();
        var account = OperatorAccountStore.IsUserName(name) ? await store.FindAsync(name, cancellationToken) : null;
        if (account is null)
        {
            // What was typed as an unknown name is often a password in the wrong box: neither the log nor the
            // sign-in record keeps it.
            Hasher.VerifyHashedPassword(null!, DecoyHash, password ?? string.Empty);
            return await RefuseAsync(UnknownUser, "unknown_user", remote, Generic, cancellationToken);
        }

        if (account.DisabledAt is not null)
        {
            return await RefuseAsync(name, "disabled", remote, Generic, cancellationToken);
        }

        if (account.LockedUntil is { } until && until > DateTimeOffset.UtcNow)
        {
            return await RefuseAsync(name, "locked_out", remote, $"This account is locked after repeated failures; try again after {until:HH:mm} UTC or ask an admin.", cancellationToken);
        }

        var verdict = Hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? string.Empty);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var locked = await store.RecordFailureAsync(name, LockOutAfter, LockOutFor, cancellationToken);
            var lockedNow = locked is { } at && at > DateTimeOffset.UtcNow;
            return await RefuseAsync(name, lockedNow ? "wrong_password_locked" : "wrong_password", remote,
                lockedNow ? "The password is wrong, and the account is now locked after repeated failures." : Generic, cancellationToken);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await store.SetPasswordAsync(name, Hash(password!), cancellationToken);
        }

        await store.RecordSuccessAsync(name, cancellationToken);
        await store.AuditSignInAsync(name, "signed_in", remote, cancellationToken);
        LogSignedIn(logger, name, ApiKeyRoles.Name(account.Role), account.TenantId ?? "*", remote ?? "?");
        return new SignInOutcome(Caller(account), null);
    }

    /// <summary>The accounts <paramref name="caller"/> may manage: all for a global admin, its tenant's for a tenant's admin.</summary>
    public async Task<IReadOnlyList<OperatorAccount>?> ListAsync(OperatorCaller caller, CancellationToken cancellationToken) =>
        caller.HasRole(OperatorPermissions.ManageAccounts) ? await store.ListAsync(caller.TenantId, cancellationToken) : null;

    /// <summary>Creates an account, as <paramref name="caller"/>; the refusal to show, or null when created.</summary>
    public async Task<string?> CreateAsync(OperatorCaller caller, string? userName, string? password, string? role, string? tenantId, CancellationToken cancellationToken)
    {
        tenantId = string.IsNullOrWhiteSpace(tenantId) ? null : tenantId.Trim();
        var name = (userName ?? string.Empty).Trim().ToLowerInvariant();
        if (caller.Refusal(tenantId, OperatorPermissions.ManageAccounts) is { } refusal)
        {
            return refusal.Detail;
        }

        // A tenant's admin makes accounts of its tenant only, never a global one.
        if (caller.TenantId is not null && tenantId != caller.TenantId)
        {
            return $"an admin of {caller.TenantId} creates accounts of {caller.TenantId} only";
        }

        if (!OperatorAccountStore.IsUserName(name))
        {
            return "the user name must be 2 to 64 lower-case letters, digits, '.', '_', '-' or '@'";
        }

        if (!ApiKeyRoles.TryParse(role, out var parsedRole))
        {
            return "the role must be admin, operator or reader";
        }

        if (tenantId is not null && !await Api.OperatorApi.TenantExistsAsync(tenantId, cluster, cancellationToken))
        {
            return $"tenant {tenantId} does not exist";
        }

        if (WeakPassword(password) is { } weak)
        {
            return weak;
        }

        if (!await store.CreateAsync(name, Hash(password!), parsedRole, tenantId, cancellationToken))
        {
            return $"the user {name} exists already";
        }

        if (tenantId is not null)
        {
            await audit.RecordAsync(tenantId, new AuditEvent(caller.Actor, "account.create", $"user:{name}", "done", ApiKeyRoles.Name(parsedRole)), cancellationToken);
        }

        // A global account belongs to no tenant's audit chain; the log keeps the record instead.
        LogCreated(logger, name, ApiKeyRoles.Name(parsedRole), tenantId ?? "*", caller.Actor);
        return null;
    }

    /// <summary>The cookie's principal for <paramref name="caller"/>.</summary>
    public static ClaimsPrincipal Principal(OperatorCaller caller, string userName)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, userName), new(ClaimTypes.Role, ApiKeyRoles.Name(caller.Role)) };
        if (caller.TenantId is { } tenant)
        {
            claims.Add(new Claim(TenantClaim, tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    /// <summary>The caller a signed-in principal stands for; null when it is not one of ours.</summary>
    public static OperatorCaller? CallerOf(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, Name: { } name }
            || !ApiKeyRoles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return null;
        }

        return new OperatorCaller($"user:{name}", role, user.FindFirstValue(TenantClaim));
    }

    /// <summary>
    /// Checks a cookie against the account on every request: an account deleted, disabled, locked or given another
    /// role or scope since the sign-in ends that session at once.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var caller = CallerOf(context.Principal);
        var store = context.HttpContext.RequestServices.GetRequiredService<OperatorAccountStore>();
        var account = caller is null ? null : await store.FindAsync(context.Principal!.Identity!.Name!, context.HttpContext.RequestAborted);
        if (account is null || account.DisabledAt is not null || account.Role != caller!.Role || account.TenantId != caller.TenantId
            || account.LockedUntil > DateTimeOffset.UtcNow)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static OperatorCaller Caller(OperatorAccount account) => new($"user:{account.UserName}", account.Role, account.TenantId);

    private async Task<SignInOutcome> RefuseAsync(string name, string outcome, string? remote, string message, CancellationToken cancellationToken)
    {
        await store.AuditSignInAsync(name, outcome, remote, cancellationToken);
        LogRefused(logger, name, outcome, remote ?? "?");
        return new SignInOutcome(null, message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console sign-in of {UserName} ({Role}, tenant {TenantId}) from {Remote}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string role, string tenantId, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console account {UserName} ({Role}, tenant {TenantId}) created by {Actor}")]
    private static partial void LogCreated(ILogger logger, string userName, string role, string tenantId, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in refused for {UserName}: {Outcome} (from {Remote})")]
    private static partial void LogRefused(ILogger logger, string userName, string outcome, string remote);
}
