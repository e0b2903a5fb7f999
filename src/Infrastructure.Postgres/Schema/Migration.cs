using System.Security.Cryptography;
using System.Text;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>One versioned schema change, shipped inside this assembly as an embedded SQL file <c>NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL text: an applied migration whose text later changed is refused.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>The migrations of this build, in version order.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    private static List<Migration> LoadEmbedded()
    {
        const string prefix = "RavenXcope.Migrations.";
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"migrations must be numbered 1, 2, 3… without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }

        return migrations;
    }
}
