using FluentAssertions;
using Npgsql;
using Projections.Testing;
using Projections.Testing.PostgreSql;
using Xunit;

namespace Projections.PostgreSql.Tests;

/// <summary>The throwaway server the tests start: loopback only, and what a killed test run left behind is cleaned up by the next one.</summary>
public sealed class ThrowawayServerTests
{
    [Fact]
    public async Task A_folder_whose_owner_process_is_gone_is_removed_when_the_next_server_starts_and_a_server_is_deleted_when_disposed()
    {
        Directory.CreateDirectory(ThrowawayPostgresServer.Root);
        var orphan = Path.Combine(ThrowawayPostgresServer.Root, "orphan" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(orphan, "data"));
        await File.WriteAllTextAsync(orphan + ".owner", "2147483000 12345", TestContext.Current.CancellationToken); // no such process

        var ownBefore = OwnFolders();

        var (server, reason) = await ThrowawayPostgresServer.Start();
        if (server is null) MissingServer.SkipOrFail(TestServer.PostgreSQL, reason);
        await using (server)
        {
            Directory.Exists(orphan).Should().BeFalse("its owner process is gone");
            File.Exists(orphan + ".owner").Should().BeFalse();
            await using var connection = new NpgsqlConnection(server.ConnectionString());
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            (await new NpgsqlCommand("SHOW listen_addresses", connection).ExecuteScalarAsync(TestContext.Current.CancellationToken)).Should().Be("127.0.0.1");
        }

        OwnFolders().Should().Be(ownBefore, "a disposed server leaves no folder behind");
    }

    // The assembly fixture's server belongs to this process too, so folders are counted before and after.
    private static int OwnFolders() =>
        Directory.GetFiles(ThrowawayPostgresServer.Root, "*.owner").Count(f => File.ReadAllText(f).StartsWith($"{Environment.ProcessId} ", StringComparison.Ordinal));
}
