using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using Projections.Testing;
using Xunit;

namespace PlantTracking.Tests.App;

/// <summary>The host registry with real hosts: each host lists every host sharing the store, and who writes.</summary>
public sealed partial class SeveralHostsTests
{
    [Fact]
    public async Task Status_and_the_api_list_both_hosts_name_the_writer_and_show_a_killed_host_as_gone()
    {
        List<AppProcess> hosts = [await StartHost(), await StartHost()];
        AppProcess? found = null;
        await Eventually.Until(() => (found = hosts.FirstOrDefault(h => Owns(h, Items))) is not null, TakeoverTarget + StartDeadline,
            () => $"no host took the lease of {Items}:\n{Tail(hosts)}");
        var (writer, standby) = (found!, hosts.Single(h => h != found));
        var (writerId, standbyId) = (OwnerOf(writer)!, OwnerOf(standby)!);
        using var http = new HttpClient { Timeout = CommandDeadline };

        // The standby answers for both: the registry is in the store, not in the writer's memory. A host's
        // address is recorded by the first heartbeat after its web server listens.
        var listed = await Eventually.Value(async () =>
        {
            var answer = await Hosts(http, standby);
            return answer.Hosts.Any(h => h.Id == writerId && h.Address == AddressOf(writer) && h.IsWriting(Items))
                && answer.Hosts.Any(h => h.Id == standbyId && h.Address == AddressOf(standby) && h.Role == "standby") ? answer : null;
        }, StartDeadline, () => $"/api/hosts of the standby did not list {writerId} writing and {standbyId} as standby:\n{Tail(hosts)}", TimeSpan.FromMilliseconds(300));
        listed.ThisHost.Should().Be(standbyId);
        var (exitCode, status) = await AppProcess.Run(Args("status"), CommandDeadline);
        Log("status:\n" + status);
        exitCode.Should().Be(0, status);
        status.Should().Contain("hosts: 2 alive, 0 gone");
        status.Should().Contain($"  {writerId} at {AddressOf(writer)}: writing {Items} (generation 1 shard 0)");
        status.Should().Contain($"  {standbyId} at {AddressOf(standby)}: standby;");

        writer.Kill();
        var afterKill = await Eventually.Value(async () =>
        {
            var answer = await Hosts(http, standby);
            return answer.Hosts.Any(h => h.Id == writerId && h.Role == "gone") && answer.Hosts.Any(h => h.Id == standbyId && h.IsWriting(Items)) ? answer : null;
        }, LeaseTakeoverBound + StartDeadline, () => $"after kill -9 the registry did not show {writerId} gone and {standbyId} writing:\n{Tail([standby])}", TimeSpan.FromMilliseconds(300));
        afterKill.Hosts.Single(h => h.Id == writerId).IsWriting(Items).Should().BeFalse("a gone host writes nothing");

        standby.Terminate();
        (await standby.WaitForExit(CommandDeadline)).Should().Be(0, standby.Output);
        (_, status) = await AppProcess.Run(Args("status"), CommandDeadline);
        status.Should().Contain("hosts: 0 alive, 2 gone", "a clean stop signs off at once");
    }

    private static async Task<HostsAnswer> Hosts(HttpClient http, AppProcess host) =>
        (await http.GetFromJsonAsync<HostsAnswer>($"{AddressOf(host)}/api/hosts", JsonOptions))!;

    /// <summary>Where the host's API listens, from its banner ("Web dashboard and API: http://127.0.0.1:40123").</summary>
    private static string AddressOf(AppProcess host) =>
        host.Lines.First(l => l.StartsWith("Web dashboard and API:"))["Web dashboard and API:".Length..].Trim();

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record HostsAnswer(string ThisHost, List<HostAnswer> Hosts);

    private sealed record HostAnswer(string Id, string? Address, string Role, List<WrittenAnswer> Writes)
    {
        public bool IsWriting(string projection) => Role == "writing" && Writes.Any(w => w.Projection == projection);
    }

    private sealed record WrittenAnswer(string Projection, int Generation, int Shard);
}
