namespace RavenXcope.ServiceDefaults;

/// <summary>A configuration value is missing or invalid. The message names the setting and never its secret value.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
