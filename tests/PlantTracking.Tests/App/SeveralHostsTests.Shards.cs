using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>
/// Shards spread over hosts (design.md "Shards"), as child processes on one data directory with <c>--shards 3</c>:
/// hosts share the shards evenly, a joining host takes its share from a host above it, a killed host's shards are
/// taken over, and every shard has one writer at a time (<see cref="CheckpointWriters"/> samples each shard's row).
/// </summary>
public sealed partial class SeveralHostsTests
{
    private const int Shards = 3;
    private static readonly TimeSpan RebalanceDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Three_shards_are_shared_by_two_then_three_hosts_and_a_killed_hosts_shards_are_taken_over()
    {
        await using var writers = new CheckpointWriters(Path.Combine(_data.Path, "projections.db"));
        var simulator = StartSimulator();
        List<AppProcess> hosts = [await StartHost("--shards", "3"), await StartHost("--shards", "3")];
        await WaitForShares(writers, hosts, [1, 2], "two hosts share three shards two and one");

        hosts.Add(await StartHost("--shards", "3"));
        await WaitForShares(writers, hosts, [1, 1, 1], "a joining third host takes one shard from the host that held two");
        await ApiShowsTheShardsAndPointsToTheirWriters(hosts[0], hosts, writers);
        var head = Enumerable.Range(0, Shards).Min(s => writers.Latest(Items, s)?.Position ?? 0);

        var killed = hosts.First(h => OwnerOf(h) == writers.LeaseOf(Items, 0)!.Owner);
        var killedOwner = OwnerOf(killed);
        killed.Kill();
        hosts.Remove(killed);
        Log($"killed {killedOwner}, the writer of shard 0");
        await WaitForShares(writers, hosts, [1, 2], "the two survivors take over the killed host's shard");
        await Eventually.Until(() => writers.Latest(Items, 0) is { } s && s.Writer != killedOwner && s.Position > head, CatchUpDeadline,
            () => $"the new writer of shard 0 did not resume from its checkpoint:\n{Tail(hosts)}");

        writers.Violations().Should().BeEmpty();
        writers.Samples.Where(s => s.Projection == Items).Select(s => s.Shard).Distinct().Order().Should().Equal(0, 1, 2);
        await StopAllAndVerify(simulator, hosts, writers);
    }

    /// <summary>
    /// <c>/api/projections/plant-items</c> of one host lists every shard with its writer and checkpoint (one of them here), and
    /// a key of a shard another host writes is answered from the store, naming that host's address for the live state.
    /// </summary>
    private async Task ApiShowsTheShardsAndPointsToTheirWriters(AppProcess asked, List<AppProcess> hosts, CheckpointWriters writers)
    {
        using var http = new HttpClient { Timeout = CommandDeadline };
        var summary = await Eventually.Value(async () =>
        {
            var answer = (await http.GetFromJsonAsync<ProjectionAnswer>($"{AddressOf(asked)}/api/projections/{Items}", JsonOptions))!;
            return answer.Shards.Count == Shards && answer.Shards.All(s => s.Owner == writers.LeaseOf(Items, s.Shard)?.Owner && s.Checkpoint is not null && s.OwnerAddress is not null)
                ? answer : null;
        }, StartDeadline, () => $"/api/projections of {OwnerOf(asked)} did not show every shard's writer:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        summary.Shards.Where(s => s.Here).Select(s => s.Owner).Should().Equal(OwnerOf(asked));
        summary.OwnedShards.Select(o => o.Shard).Should().Equal(summary.Shards.Single(s => s.Here).Shard);

        var elsewhere = summary.Shards.First(s => !s.Here);
        var writer = hosts.Single(h => OwnerOf(h) == elsewhere.Owner);
        elsewhere.OwnerAddress.Should().Be(AddressOf(writer));
        var page = (await http.GetFromJsonAsync<JsonElement>($"{AddressOf(writer)}/api/projections/{Items}/entities?take=200", JsonOptions));
        var key = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!)
            .First(k => Projections.Core.Pipeline.KeyHash.Shard(k, Shards) == elsewhere.Shard);
        var detail = (await http.GetFromJsonAsync<JsonElement>($"{AddressOf(asked)}/api/projections/{Items}/entity?key={Uri.EscapeDataString(key)}", JsonOptions));
        detail.GetProperty("source").GetString().Should().Be("store");
        detail.GetProperty("servedBy").GetProperty("address").GetString().Should().Be(AddressOf(writer));
        detail.GetProperty("servedBy").GetProperty("shard").GetInt32().Should().Be(elsewhere.Shard);
        Log($"{OwnerOf(asked)} answers {key} (shard {elsewhere.Shard}) from the store and names {AddressOf(writer)}");
    }

    private sealed record ProjectionAnswer(List<ShardAnswer> Shards, List<OwnedAnswer> OwnedShards);

    private sealed record ShardAnswer(int Shard, string? Owner, string? OwnerAddress, bool Here, long Epoch, string? Checkpoint, ulong? LagEvents);

    private sealed record OwnedAnswer(int Generation, int Shard, long Epoch);

    /// <summary>Waits until every shard of plant-items is leased to one of <paramref name="hosts"/> in exactly these per-host counts (any order).</summary>
    private async Task WaitForShares(CheckpointWriters writers, List<AppProcess> hosts, int[] counts, string what, int shards = Shards)
    {
        string Shares()
        {
            var owners = Enumerable.Range(0, shards).Select(s => writers.LeaseOf(Items, s)?.Owner).ToList();
            return string.Join(", ", owners.Select((o, s) => $"shard {s}: {o ?? "free"}"));
        }
        bool Shared()
        {
            var alive = hosts.Select(OwnerOf).ToHashSet();
            var owners = Enumerable.Range(0, shards).Select(s => writers.LeaseOf(Items, s)?.Owner).ToList();
            if (owners.Any(o => o is null || !alive.Contains(o))) return false;
            var perHost = hosts.Select(h => owners.Count(o => o == OwnerOf(h))).Where(c => c > 0).Order().ToArray();
            return perHost.SequenceEqual(counts);
        }
        await Eventually.Until(Shared, RebalanceDeadline + LeaseTakeoverBound, () => $"{what}: {Shares()}\n{Tail(hosts)}");
        Log($"{what}: {Shares()}");
    }
}
