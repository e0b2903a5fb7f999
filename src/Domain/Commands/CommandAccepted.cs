namespace RavenXcope.Domain;

/// <summary>What accepting a command did: the new entry, and the pending starts it superseded.</summary>
public sealed record CommandAccepted<TEntry>(TEntry Command, IReadOnlyList<TEntry> Superseded);
