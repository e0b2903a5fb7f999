using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// Binds and validates settings that are needed while the host is being built (Orleans reads its
/// providers' settings then), so that a bad value stops the process before anything starts.
/// </summary>
public static class SettingsLoader
{
    /// <summary>Binds section <paramref name="sectionName"/> and validates its data annotations.</summary>
    /// <exception cref="InvalidConfigurationException">A value is missing or invalid; the message names the key.</exception>
    public static T Load<T>(IConfiguration configuration, string sectionName)
        where T : class, new()
    {
        var settings = new T();
        try
        {
            configuration.GetSection(sectionName).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidConfigurationException($"{sectionName}: {e.Message}");
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true))
        {
            var problems = results.Select(r => $"{ConfigurationAliases.Describe($"{sectionName}:{r.MemberNames.FirstOrDefault()}")}: {r.ErrorMessage}");
            throw new InvalidConfigurationException(string.Join(Environment.NewLine, problems));
        }

        return settings;
    }
}
