using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// Options bound from one configuration section and checked by one validator, whether they are read through
/// <see cref="IOptions{TOptions}"/> (validated when the host starts) or read while the host is being built
/// (Orleans' providers and Kestrel's listeners need some values then). Both paths bind the same way and run the
/// same validator, so a bad value stops the process at start with a message that names the key and its
/// environment names, never the value.
/// </summary>
public static partial class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="sectionName"/>, validates it with <typeparamref name="TValidator"/>
    /// on start, and registers the bound instance itself too, for consumers that take the options object.
    /// <paramref name="postConfigure"/> fills values derived from others before validation.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T, TValidator>(this IServiceCollection services, string sectionName, Action<T>? postConfigure = null)
        where T : class
        where TValidator : class, IValidateOptions<T>, new()
    {
        services.AddSingleton<IValidateOptions<T>>(new KeyNamingValidator<T>(sectionName, new TValidator()));
        var builder = services.AddOptions<T>().BindConfiguration(sectionName);
        if (postConfigure is not null)
        {
            builder.PostConfigure(postConfigure);
        }

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return builder.ValidateOnStart();
    }

    /// <summary>
    /// Reads <typeparamref name="T"/> now, as <see cref="AddValidatedOptions{T, TValidator}"/> will on start: bind,
    /// <paramref name="postConfigure"/>, validate.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">A value is missing or invalid; the message names the key.</exception>
    public static T ReadValidated<T, TValidator>(this IConfiguration configuration, string sectionName, Action<T>? postConfigure = null)
        where T : class, new()
        where TValidator : class, IValidateOptions<T>, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(sectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidConfigurationException(DescribeBindFailure(e) ?? $"{sectionName}: {e.Message}");
        }

        postConfigure?.Invoke(options);
        var result = new KeyNamingValidator<T>(sectionName, new TValidator()).Validate(Options.DefaultName, options);
        return result.Failed ? throw new InvalidConfigurationException(string.Join(Environment.NewLine, result.Failures)) : options;
    }

    /// <summary>
    /// The message for a configuration error that stopped a host at start (an options validation or a value that
    /// does not bind), or null when <paramref name="exception"/> is something else.
    /// </summary>
    public static string? DescribeStartFailure(Exception exception) => exception switch
    {
        InvalidConfigurationException e => e.Message,
        OptionsValidationException e => string.Join(Environment.NewLine, e.Failures),
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException) =>
            string.Join(Environment.NewLine, inner.Cast<OptionsValidationException>().SelectMany(e => e.Failures)),
        InvalidOperationException e => DescribeBindFailure(e),
        _ => null,
    };

    // The binder names the key ("… at 'Cluster:SiloPort' to type 'System.Int32'."), never the value.
    private static string? DescribeBindFailure(InvalidOperationException exception) =>
        BinderKey().Match(exception.Message) is { Success: true } key
            ? $"{EnvironmentNames.Describe(key.Groups[1].Value)}: not a value of type {key.Groups[2].Value}"
            : null;

    [GeneratedRegex("at '([^']+)' to type '([^']+)'")]
    private static partial Regex BinderKey();
}
