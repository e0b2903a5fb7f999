namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>
/// The role names, read strictly. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> is not: it takes
/// "reader,admin" as the bitwise OR of both (admin), " admin" with its space, and numbers.
/// </summary>
public static class ApiKeyRoles
{
    /// <summary>The stored and wire name of <paramref name="role"/>.</summary>
    public static string Name(ApiKeyRole role) => role switch
    {
        ApiKeyRole.Reader => "reader",
        ApiKeyRole.Operator => "operator",
        ApiKeyRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>True when <paramref name="text"/> is exactly one role's name (letter case aside).</summary>
    public static bool TryParse(string? text, out ApiKeyRole role)
    {
        foreach (var candidate in Enum.GetValues<ApiKeyRole>())
        {
            if (string.Equals(text, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}
