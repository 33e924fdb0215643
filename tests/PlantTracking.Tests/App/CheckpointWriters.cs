using Microsoft.Data.Sqlite;

namespace PlantTracking.Tests.App;

/// <summary>
/// The observable for "one writer per shard at a time": samples the checkpoint rows of projections.db
/// (which name the writer and its lease epoch) from outside the hosts, every few milliseconds, and
/// records every change. Within one generation the epoch may only grow, each epoch has one writer,
/// and the position never moves backwards.
/// </summary>
internal sealed class CheckpointWriters : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly List<LeaseSample> _leases = [];
    private readonly Dictionary<(string, int), DateTime> _dropped = [];
    private readonly Task _loop;

    public CheckpointWriters(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        _loop = Task.Run(Run);
    }

    public sealed record Sample(DateTime At, string Projection, int Generation, long Position, string? Writer, long? Epoch, int Shard = 0);

    /// <summary>A change of a lease row: who holds it (null when free) under which epoch.</summary>
    public sealed record LeaseSample(DateTime At, string Projection, int Generation, string? Owner, long Epoch, int Shard = 0);

    /// <summary>The current holder of the projection's lease (of <paramref name="shard"/>) of its highest generation, as last sampled.</summary>
    public LeaseSample? LeaseOf(string projection, int shard = 0)
    {
        lock (_samples) return _leases.Where(l => l.Projection == projection && l.Shard == shard).OrderBy(l => l.Generation).ThenBy(l => l.At).LastOrDefault();
    }

    /// <summary>The newest checkpoint sample of one shard of a projection.</summary>
    public Sample? Latest(string projection, int shard) => Samples.LastOrDefault(s => s.Projection == projection && s.Shard == shard);

    /// <summary>When the checkpoint rows of a generation were first seen gone (dropped by a switch), or null while they are there.</summary>
    public DateTime? DroppedAt(string projection, int generation)
    {
        lock (_samples) return _dropped.TryGetValue((projection, generation), out var at) ? at : null;
    }

    /// <summary>Every change of a lease row seen so far, in order.</summary>
    public IReadOnlyList<LeaseSample> Leases
    {
        get { lock (_samples) return _leases.ToArray(); }
    }

    public IReadOnlyList<Sample> Samples
    {
        get { lock (_samples) return _samples.ToArray(); }
    }

    /// <summary>The newest sample of a projection (any generation), or null before its first checkpoint.</summary>
    public Sample? Latest(string projection) => Samples.LastOrDefault(s => s.Projection == projection);

    /// <summary>Every breach of the single-writer rules seen so far, described.</summary>
    public IReadOnlyList<string> Violations()
    {
        var problems = new List<string>();
        foreach (var series in Samples.Where(s => s.Writer is not null).GroupBy(s => (s.Projection, s.Generation, s.Shard)))
        {
            Sample? previous = null;
            var writers = new Dictionary<long, string>();
            foreach (var s in series)
            {
                if (writers.TryGetValue(s.Epoch!.Value, out var w) && w != s.Writer)
                    problems.Add($"{s.Projection} g{s.Generation} shard {s.Shard}: epoch {s.Epoch} written by {w} and {s.Writer}");
                writers[s.Epoch.Value] = s.Writer!;
                if (previous is not null && s.Epoch < previous.Epoch)
                    problems.Add($"{s.Projection} g{s.Generation} shard {s.Shard}: epoch went back from {previous.Epoch} ({previous.Writer}) to {s.Epoch} ({s.Writer}) at {s.At:HH:mm:ss.fff}");
                if (previous is not null && s.Position < previous.Position)
                    problems.Add($"{s.Projection} g{s.Generation} shard {s.Shard}: checkpoint went back from {previous.Position} to {s.Position} at {s.At:HH:mm:ss.fff}");
                previous = s;
            }
        }
        return problems;
    }

    private async Task Run()
    {
        var last = new Dictionary<(string, int, int), Sample>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(_stop.Token);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT projection, generation, commit_position, writer, writer_epoch, shard FROM projection_checkpoints";
                await using (var leases = connection.CreateCommand())
                {
                    leases.CommandText = "SELECT projection, generation, owner, epoch, shard FROM projection_leases";
                    await using var rows = await leases.ExecuteReaderAsync(_stop.Token);
                    while (await rows.ReadAsync(_stop.Token))
                    {
                        var lease = new LeaseSample(DateTime.UtcNow, rows.GetString(0), rows.GetInt32(1), rows.IsDBNull(2) ? null : rows.GetString(2), rows.GetInt64(3), rows.GetInt32(4));
                        lock (_samples)
                            if (_leases.LastOrDefault(l => l.Projection == lease.Projection && l.Generation == lease.Generation && l.Shard == lease.Shard) is not { } before
                                || before.Owner != lease.Owner || before.Epoch != lease.Epoch)
                                _leases.Add(lease);
                    }
                }
                var present = new HashSet<(string, int)>();
                await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                while (await reader.ReadAsync(_stop.Token))
                {
                    present.Add((reader.GetString(0), reader.GetInt32(1)));
                    var sample = new Sample(DateTime.UtcNow, reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetInt32(5));
                    var key = (sample.Projection, sample.Generation, sample.Shard);
                    if (last.TryGetValue(key, out var before) && before with { At = sample.At } == sample) continue;
                    last[key] = sample;
                    lock (_samples) _samples.Add(sample);
                }
                // Only after a whole read: a generation seen before and absent now was dropped; a row written after that shows as a new sample.
                foreach (var key in last.Keys.Where(k => !present.Contains((k.Item1, k.Item2))).ToList())
                {
                    last.Remove(key); // so the same row written again is recorded
                    lock (_samples) _dropped.TryAdd((key.Item1, key.Item2), DateTime.UtcNow);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
            catch (SqliteException) { } // not created yet, or busy: sample again
            try { await Task.Delay(15, _stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
