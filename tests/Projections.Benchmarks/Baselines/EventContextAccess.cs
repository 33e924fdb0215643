using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Baselines;

/// <summary>
/// The baselines call the projection's handlers as the engine does, so they need to fill the same
/// context object the engine fills. Its setter is internal to the engine; this accessor reaches it at
/// no run-time cost, without widening the public API for a benchmark.
/// </summary>
internal static class EventContextAccess
{
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Reset")]
    public static extern void Reset(EventContext context, string key, RecordedEvent e, DateTimeOffset eventTime, DateTimeOffset streamTime);
}
