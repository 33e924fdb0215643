using System.Collections.Concurrent;

namespace Projections.Hosting.Reconciliation;

/// <summary>What the background reconciliation found for one projection: totals since start and the last round.</summary>
internal sealed record ReconciliationReport(
    int Generation,
    long Rounds,
    long Checked,
    long Mismatches,
    DateTimeOffset LastRoundAt,
    int LastChecked,
    int LastInFlight,
    IReadOnlyList<string> LastMismatchedKeys);

/// <summary>The latest <see cref="ReconciliationReport"/> per projection, read by the API and the dashboard.</summary>
internal sealed class ReconciliationReports
{
    private readonly ConcurrentDictionary<string, ReconciliationReport> _reports = new(StringComparer.Ordinal);

    /// <summary>Whether the reconciliation runs in this host (<c>--reconcile-interval</c> is set).</summary>
    public bool Enabled { get; internal set; }

    public ReconciliationReport? Find(string projection) => _reports.GetValueOrDefault(projection);

    internal void Record(string projection, int generation, int checkedKeys, int inFlight, IReadOnlyList<string> mismatchedKeys, DateTimeOffset at) =>
        _reports.AddOrUpdate(projection,
            _ => new ReconciliationReport(generation, 1, checkedKeys, mismatchedKeys.Count, at, checkedKeys, inFlight, mismatchedKeys),
            (_, previous) => new ReconciliationReport(generation, previous.Rounds + 1, previous.Checked + checkedKeys, previous.Mismatches + mismatchedKeys.Count,
                at, checkedKeys, inFlight, mismatchedKeys));
}
