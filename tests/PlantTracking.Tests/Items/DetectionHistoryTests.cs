using System.Collections.Immutable;
using FluentAssertions;
using PlantTracking.Items;

namespace PlantTracking.Tests.Items;

public sealed class DetectionHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 6, 6, 0, 0, TimeSpan.Zero);

    private static Detection At(int minute, string id) => new(id, "S" + minute % 4, T0.AddMinutes(minute));

    [Fact]
    public void A_full_history_keeps_the_latest_detections_in_time_order_and_refuses_older_ones()
    {
        ImmutableArray<Detection> history = [At(1, "a"), At(3, "c"), At(5, "e")];

        DetectionHistory.Insert(history, At(4, "d"), limit: 3, out var updated).Should().Be(DetectionHistory.Outcome.Inserted);
        updated.Select(d => d.MessageId).Should().Equal("c", "d", "e");

        DetectionHistory.Insert(history, At(0, "z"), limit: 3, out var unchanged).Should().Be(DetectionHistory.Outcome.BeyondHistory);
        unchanged.Should().Equal(history);

        DetectionHistory.Insert(history, At(9, "c"), limit: 3, out _).Should().Be(DetectionHistory.Outcome.Duplicate);
    }

    /// <summary>Random arrivals (seeded) against the plain definition: insert in (time, id) order, then drop the oldest beyond the limit.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Inserting_matches_sorting_and_keeping_the_latest_entries(int seed)
    {
        var random = new Random(seed);
        var history = ImmutableArray<Detection>.Empty;
        for (var n = 0; n < 400; n++)
        {
            var limit = n < 200 ? 12 : 5; // a smaller limit later: histories longer than the limit shrink
            var detection = At(random.Next(0, 300), "m" + random.Next(0, 250));
            var outcome = DetectionHistory.Insert(history, detection, limit, out var updated);

            if (history.Any(d => d.MessageId == detection.MessageId))
            {
                outcome.Should().Be(DetectionHistory.Outcome.Duplicate);
                updated.Should().Equal(history);
                continue;
            }
            var sorted = history.Add(detection)
                .OrderBy(d => d.DetectedAt).ThenBy(d => d.MessageId, StringComparer.Ordinal).ToList();
            if (history.Length >= limit && ReferenceEquals(sorted[0], detection))
            {
                outcome.Should().Be(DetectionHistory.Outcome.BeyondHistory);
                updated.Should().Equal(history);
                continue;
            }
            outcome.Should().Be(DetectionHistory.Outcome.Inserted);
            updated.Should().Equal(sorted.Skip(Math.Max(0, sorted.Count - limit)));
            history = updated;
        }
    }
}
