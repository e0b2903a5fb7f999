using System.Reflection;
using System.Text.RegularExpressions;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Protocol.Tests;

/// <summary>
/// The problem table is the one place codes are spelled: its codes are unique and well-formed, it lists every row it
/// declares, and no source outside the protocol spells a code by hand.
/// </summary>
public sealed partial class ProblemCodeTableTests
{
    [Fact]
    public void Codes_are_unique_snake_case_with_a_status_and_a_title()
    {
        Assert.Equal(ProblemCodes.All.Count, ProblemCodes.All.Select(p => p.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ProblemCodes.All, p =>
        {
            Assert.Matches(SnakeCase(), p.Code);
            Assert.InRange(p.Status, 200, 599);
            Assert.False(string.IsNullOrWhiteSpace(p.Title));
            Assert.Same(p, ProblemCodes.Find(p.Code));
        });
    }

    [Fact]
    public void All_lists_every_declared_row()
    {
        var declared = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ProblemCode))
            .Select(f => (ProblemCode)f.GetValue(null)!)
            .ToList();

        Assert.Equal(declared.Select(p => p.Code).Order(StringComparer.Ordinal), ProblemCodes.All.Select(p => p.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Codes_on_the_wire_are_those_of_today()
    {
        // Agents and operator tools match on these: pinned as literals.
        Assert.Equal(("sensor_revoked", 409, 403), (ProblemCodes.SensorRevoked.Code, ProblemCodes.SensorRevoked.Status, ProblemCodes.SensorRevoked.SensorStatus));
        Assert.Equal(("sensor_disabled", 409, 403), (ProblemCodes.SensorDisabled.Code, ProblemCodes.SensorDisabled.Status, ProblemCodes.SensorDisabled.SensorStatus));
        Assert.Equal(("certificate_expired", 403), (ProblemCodes.CertificateExpired.Code, ProblemCodes.CertificateExpired.SensorStatus));
        Assert.Equal(("csr_key_reused", 400), (ProblemCodes.CsrKeyReused.Code, ProblemCodes.CsrKeyReused.SensorStatus));
        Assert.Equal(("enrollment_refused", 403), (ProblemCodes.EnrollmentRefused.Code, ProblemCodes.EnrollmentRefused.Status));
        Assert.Equal(("concurrent_update", 409), (ProblemCodes.Conflict.Code, ProblemCodes.Conflict.Status));
        Assert.Equal(("storage_unavailable", 503), (ProblemCodes.StorageUnavailable.Code, ProblemCodes.StorageUnavailable.Status));
        Assert.Equal("https://ravenxcope.dev/problems/sensor_not_found", ProblemCodes.SensorNotFound.Type);
    }

    [Fact]
    public void No_server_source_spells_a_problem_code_by_hand()
    {
        var codes = ProblemCodes.All.Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var root = RepositoryRoot();
        var found = new List<string>();
        // Every project that ships or measures code, except the protocol itself.
        var projects = new[] { "src", "tools", "bench" }
            .SelectMany(top => Directory.EnumerateDirectories(Path.Combine(root, top)))
            .Where(d => Path.GetFileName(d) != "Protocol" && Directory.EnumerateFiles(d, "*.csproj").Any())
            .ToList();
        Assert.True(projects.Count >= 10, $"expected the solution's projects under src, tools and bench, found {projects.Count}");
        foreach (var project in projects)
        {
            foreach (var file in Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    continue;
                }

                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    found.AddRange(StringLiteral().Matches(lines[i]).Select(m => m.Groups[1].Value).Where(codes.Contains)
                        .Select(code => $"{Path.GetRelativePath(root, file)}:{i + 1}: \"{code}\""));
                }
            }
        }

        Assert.True(found.Count == 0, $"problem codes spelled outside src/Protocol:\n{string.Join('\n', found)}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RavenXcope.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no RavenXcope.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("\"([a-z_]+)\"")]
    private static partial Regex StringLiteral();
}
