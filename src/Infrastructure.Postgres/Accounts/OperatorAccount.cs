using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Infrastructure.Postgres.Accounts;

/// <summary>
/// A console account as stored. <see cref="PasswordHash"/> is the hasher's output (salted, iterated), never a
/// password. The role names are the API keys' (<see cref="ApiKeyRole"/>): one table of what each role may do.
/// </summary>
public sealed record OperatorAccount(
    string UserName,
    string PasswordHash,
    ApiKeyRole Role,
    string? TenantId,
    DateTimeOffset CreatedAt,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? DisabledAt);

/// <summary>One recorded sign-in attempt.</summary>
public sealed record SignInRecord(long Id, DateTimeOffset At, string UserName, string Outcome, string? Remote);
