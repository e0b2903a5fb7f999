using RavenXcope.Gateway.Api;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Tests.Unit;

/// <summary>The statuses ASP.NET Core answers with by itself map to rows of the problem table, so each gets a code.</summary>
public sealed class FrameworkProblemStatusTests
{
    // The statuses the gateway's pipeline writes on its own (routing, Kestrel's limits, the exception handler).
    private static readonly int[] FrameworkStatuses = [400, 401, 403, 404, 405, 406, 408, 411, 413, 414, 415, 431, 500, 503];

    [Fact]
    public void Every_status_the_framework_answers_with_has_a_row_of_that_status()
    {
        Assert.All(FrameworkStatuses, status =>
        {
            var row = ProblemCodes.Find(Problems.CodeForStatus(status));
            Assert.NotNull(row);
            Assert.Equal(status, row.Status);
        });
    }
}
