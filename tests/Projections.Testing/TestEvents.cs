using System.Text;
using Projections.Core.Events;

namespace Projections.Testing;

/// <summary>Small JSON events whose payload says which one they are.</summary>
public static class TestEvents
{
    public static EventData Numbered(string eventType, int number) =>
        new(Guid.NewGuid(), eventType, Encoding.UTF8.GetBytes($$"""{"n":{{number}}}"""), Encoding.UTF8.GetBytes($$"""{"source":"contract","n":{{number}}}"""));

    public static IReadOnlyList<EventData> Numbered(string eventType, int from, int count) =>
        Enumerable.Range(from, count).Select(n => Numbered(eventType, n)).ToArray();

    /// <summary>The "n" of a payload made by <see cref="Numbered(string,int)"/>.</summary>
    public static int NumberOf(RecordedEvent e) =>
        System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("n").GetInt32();
}
