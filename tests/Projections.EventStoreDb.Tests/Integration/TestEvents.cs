using System.Text;
using Projections.Core.Events;

namespace Projections.EventStoreDb.Tests.Integration;

internal static class TestEvents
{
    /// <summary>A prefix no other test (or earlier run against the same server) uses, and that no sample projection reads ("item-" streams).</summary>
    public static string UniquePrefix(string name) => $"test-{name}{Guid.NewGuid():N}-";

    public static EventData Event(string type, int n) =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), Encoding.UTF8.GetBytes("""{"source":"test"}"""));

    public static IReadOnlyList<EventData> Events(string type, int count, int first = 0) =>
        Enumerable.Range(first, count).Select(n => Event(type, n)).ToList();

    public static int N(RecordedEvent e) => int.Parse(Encoding.UTF8.GetString(e.Data.Span)[5..^1]);
}
