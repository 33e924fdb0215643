using Projections.Core;
using static Projections.Hosting.Settings.ValueParsers;

namespace Projections.Hosting.Settings;

/// <summary>
/// An engine option: how it is named on the command line and in configuration, and how its value
/// changes <see cref="ProjectionEngineOptions"/>. <paramref name="Apply"/> parses with
/// <see cref="ValueParsers"/> so a bad value is one line naming the option.
/// </summary>
public sealed record EngineSetting(HostOption Option, Func<ProjectionEngineOptions, string, ProjectionEngineOptions> Apply);

/// <summary>The engine options every host has. A new one is one entry here (and a README row).</summary>
public static class EngineSettings
{
    private static EngineSetting Setting(string name, string key, string hint, string @default, string description,
        Func<ProjectionEngineOptions, HostOption, string, ProjectionEngineOptions> apply)
    {
        var option = new HostOption(name, $"Projections:Engine:{key}", hint, @default, description);
        return new EngineSetting(option, (o, value) => apply(o, option, value));
    }

    /// <summary>Every engine option, in the order the help lists them.</summary>
    public static IReadOnlyList<EngineSetting> All { get; } =
    [
        Setting("partitions", "Partitions", "n", "processor count", "Partition workers per projection.",
            (o, opt, v) => o with { Partitions = Int(opt, v, 1, 1024) }),
        Setting("max-batch-size", "MaxBatchSize", "n", "5000", "Most documents per store write (a write also ends at 1 MiB of state); a larger flush is split before its checkpoint.",
            (o, opt, v) => o with { MaxBatchSize = Int(opt, v, 1, 1_000_000) }),
        Setting("max-flush-interval", "MaxFlushInterval", "duration", "1s", "Longest time a changed aggregate waits for a flush (e.g. 500ms, 2s, 00:00:01).",
            (o, opt, v) => o with { MaxFlushInterval = Duration(opt, v, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)) }),
        Setting("max-unflushed-events", "MaxUnflushedEvents", "n", "200000", "The reader pauses while this many applied events are not persisted.",
            (o, opt, v) => o with { MaxUnflushedEvents = Long(opt, v, 1, long.MaxValue) }),
        Setting("max-unflushed-bytes", "MaxUnflushedBytes", "bytes", "268435456", "The reader pauses while unpersisted events' payloads exceed this size.",
            (o, opt, v) => o with { MaxUnflushedBytes = Long(opt, v, 1024, long.MaxValue) }),
        Setting("max-live-aggregates", "MaxLiveAggregates", "n", "(no cap)", "Cap on in-memory aggregates per projection; clean persisted ones are evicted first.",
            (o, opt, v) => o with { MaxLiveAggregates = Int(opt, v, 1, int.MaxValue) }),
        Setting("memory-budget", "MemoryBudget", "bytes", "a quarter of the available memory",
            "Bound on the estimated bytes of live aggregates per projection (serialized size + engine overhead); clean persisted ones are evicted, least recently used first.",
            (o, opt, v) => o with { MemoryBudget = Long(opt, v, 1024 * 1024, long.MaxValue) }),
        Setting("wall-clock-advance", "WallClockAdvance", "true|false", "true",
            "While the source is connected, caught up and idle, and its events are current, stream time follows the wall clock (up to now minus --allowed-lateness) so timeouts fire in a quiet period.",
            (o, opt, v) => o with { WallClockAdvancesIdleStreamTime = Bool(opt, v) }),
        Setting("allowed-lateness", "AllowedLateness", "duration", "5m",
            "How far behind the wall clock event times may be and still count as current; the wall clock never moves stream time past now minus this.",
            (o, opt, v) => o with { AllowedLateness = Duration(opt, v, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24)) }),
        Setting("on-poison", "OnPoison", "stop|park", "(each projection's own policy)",
            "What a handler failure or an unreadable payload does: stop the projection naming the event, or park it as a dead letter and go on. Per projection: Projections:Projections:<name>:OnPoison.",
            (o, opt, v) => o with { OnPoison = PoisonPolicyReader.Parse(opt, v) }),
        Setting("lease-ttl", "LeaseTimeToLive", "duration", "5s",
            "Several hosts on one store: a standby takes over this long after the writing host stopped renewing (renewed every tenth of it).",
            (o, opt, v) => Duration(opt, v, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) is var ttl
                ? o with { LeaseTimeToLive = ttl, LeaseRenewInterval = ttl / 10 } : o),
        Setting("shards", "Shards", "n", "1",
            "Several hosts on one store share each projection's keys in this many shards, each written by one host. Fixed per generation: changing it needs --rebuild. Per projection: Projections:Projections:<name>:Shards.",
            (o, opt, v) => o with { Shards = Int(opt, v, 1, ProjectionEngineOptions.MaxShards) }),
    ];
}
