namespace RavenXcope.Infrastructure.Postgres;

/// <summary>One page of rows, and whether more follow the last one.</summary>
public sealed record RowPage<T>(IReadOnlyList<T> Items, bool HasMore);
