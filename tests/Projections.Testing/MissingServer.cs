using System.Diagnostics.CodeAnalysis;
using Xunit;

namespace Projections.Testing;

/// <summary>The servers some tests need and a developer machine may lack.</summary>
public enum TestServer
{
    MongoDB,
    EventStoreDB,
    PostgreSQL,
}

/// <summary>
/// The one place that decides what a test does when the server it needs is not there: it skips with the
/// reason (which names the variable to set), or fails when PROJECTIONS_TEST_REQUIRE_SERVERS=1, so a run that
/// is meant to cover the servers cannot pass by skipping them. Every reason starts with "No &lt;server&gt;
/// server:", which <c>.ci/run</c> matches to tell the skips it expects from the ones it does not.
/// </summary>
public static class MissingServer
{
    public const string RequireVariable = "PROJECTIONS_TEST_REQUIRE_SERVERS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable)?.Trim() == "1";

    /// <summary>The reason as tests report it: "No EventStoreDB server: ...".</summary>
    public static string Reason(TestServer server, string why) => $"No {server} server: {why}";

    /// <summary>Skips the calling test, or fails it when servers are required.</summary>
    [DoesNotReturn]
    public static void SkipOrFail(TestServer server, string why)
    {
        var reason = Reason(server, why);
        if (Required) Assert.Fail($"{reason} ({RequireVariable}=1: a missing server fails the test instead of skipping it.)");
        Assert.Skip(reason);
    }
}
