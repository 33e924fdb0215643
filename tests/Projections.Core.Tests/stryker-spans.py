#!/usr/bin/env python3
"""Writes the "mutate" spans of stryker-invariants.json from the code the invariant sites are anchored on.

Stryker.NET 5.1 narrows a file to character spans only (`file.cs{start..end}`), which go stale as soon
as a line above moves. Each site below names its code by the text it starts and ends with instead;
this script finds that text and rewrites the spans. Run it after changing these files:

    python3 tests/Projections.Core.Tests/stryker-spans.py          # rewrite stryker-invariants.json
    python3 tests/Projections.Core.Tests/stryker-spans.py --check  # exit 1 when the spans are stale

A site's start and end text must each occur once in its file (the end after the start); when the code
is rewritten, change the anchors here, not the numbers in the JSON.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "src" / "Projections.Core"
CONFIG = HERE / "stryker-invariants.json"

# (file under src/Projections.Core, what it carries, start text, end text); the span runs from the
# first character of the start text to the last character of the end text.
SITES = [
    ("Pipeline/Flusher.cs", "invariants 2 and 3: the barrier's hand-over and the checkpoint of a flush",
     "foreach (var handover in barrier.Handovers)",
     "if (snapshots.Count > 0 || parked.Count > 0 || previous != checkpoint"),
    ("Pipeline/Flusher.cs", "invariants 3 and 7, one writer per shard: chunks, only the last moves the checkpoint and carries the dead letters; the fence",
     "var unchanged = previous ?? new ProjectionCheckpoint(GlobalPosition.Start, null);",
     "} while (offset < snapshots.Count)"),
    ("Pipeline/Flusher.cs", "invariant 6: events persisted = the barrier's dispatched count",
     "Interlocked.Exchange(ref p.PersistedEvents, barrier.DispatchedEvents)",
     "Interlocked.Exchange(ref p.PersistedEvents, barrier.DispatchedEvents)"),
    ("Pipeline/Partition.cs", "invariant 4: the replay skip",
     "if (current is not null && e.Position <= current.Position) return true;",
     "if (current is not null && e.Position <= current.Position) return true;"),
    ("Pipeline/Partition.cs", "invariant 7: park or fail on a throwing handler",
     "if (!_pipeline.ParksEvent(e.Position,",
     "out var reason)"),
    ("Pipeline/Partition.cs", "invariants 2 and 7: HandleBarrier's snapshot of the dirty aggregates and dead letters",
     "RecountFlushed();\n        var dirty = new DirtySnapshot[_dirty.Count];",
     "barrier.HandOver(_index, new PartitionHandover(dirty, parked))"),
    ("Pipeline/Partition.Storage.cs", "eviction: the count and memory limits",
     "private bool OverLimits =>",
     "_estimatedBytes > budget)"),
    ("Pipeline/Reader.Dispatch.cs", "invariant 6: the reader's backpressure loop",
     "while (UnflushedEvents > options.MaxUnflushedEvents || UnflushedBytes > options.MaxUnflushedBytes)",
     "_p.SignalFlush()"),
    ("Pipeline/Partition.Retirement.cs", "retirement: starting and cancelling the countdown",
     "if (!FinishedAsIndexed(entry))",
     "_retiring.Enqueue((entry, at))"),
    ("Pipeline/Partition.Index.cs", "retirement: whether the aggregate is finished, as its index read the rule",
     "private static bool FinishedAsIndexed(AggregateEntry entry) =>",
     "entry.IndexedValues[^1] == \"true\""),
    ("Pipeline/Partition.Retirement.cs", "retirement: a due countdown retires only a clean, persisted, still finished aggregate",
     "while (_retiring.TryPeek(out var candidate) && candidate.At <= streamTime)",
     "else _retireOncePersisted.Add(candidate.Entry)"),
    ("Pipeline/Partition.Retirement.cs", "eviction and retirement guard: clean and persisted",
     "private static bool IsCleanAndPersisted(AggregateEntry entry) =>",
     "entry.PersistedVersion == entry.Current.Version"),
]


def find_once(text, needle, start, where):
    at = text.find(needle, start)
    if at < 0:
        sys.exit(f"{where}: text not found: {needle!r}")
    if text.find(needle, at + 1) >= 0 and start == 0:
        sys.exit(f"{where}: text occurs more than once: {needle!r}")
    return at


def spans():
    result = []
    for path, _, first, last in SITES:
        # Stryker reads offsets of the file as it is on disk; keep its line endings.
        text = (SOURCE / path).read_bytes().decode("utf-8-sig")
        begin = find_once(text, first, 0, path)
        end = find_once(text, last, begin, path) + len(last)
        result.append(f"**/{path}{{{begin}..{end}}}")
    return result


def main():
    config = json.loads(CONFIG.read_text())
    wanted = spans()
    if "--check" in sys.argv[1:]:
        current = config["stryker-config"]["mutate"]
        if current != wanted:
            print("stale spans in stryker-invariants.json; run this script without --check", file=sys.stderr)
            for old, new in zip(current, wanted):
                if old != new:
                    print(f"  {old} -> {new}", file=sys.stderr)
            sys.exit(1)
        return
    config["stryker-config"]["mutate"] = wanted
    CONFIG.write_text(json.dumps(config, indent=2) + "\n")


if __name__ == "__main__":
    main()
