using FluentAssertions;
using Projections.Core.Events;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;
using Xunit;

namespace Projections.Sqlite.Tests;

public sealed class BadPathTests : IDisposable
{
    private readonly TempDatabase _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_directory_is_refused_by_both_stores_naming_the_path()
    {
        using var events = new SqliteEventStore(_files.Directory);
        using var projections = new SqliteProjectionStore(_files.Directory);

        var openEvents = () => events.Initialize(Ct);
        var openProjections = () => projections.Initialize(Ct);

        (await openEvents.Should().ThrowAsync<EventStoreException>()).Which.Message.Should().Contain(_files.Directory).And.Contain("is a directory");
        (await openProjections.Should().ThrowAsync<SqliteDatabaseException>()).Which.Message.Should().Contain(_files.Directory).And.Contain("is a directory");
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_by_both_stores_naming_the_path()
    {
        var path = _files.Path("notes.txt");
        await File.WriteAllTextAsync(path, "These are my notes, not a database. ".PadRight(4096, '.'), Ct);
        using var events = new SqliteEventStore(path);
        using var projections = new SqliteProjectionStore(path);

        var openEvents = () => events.ReadHeadPosition(Ct);
        var openProjections = () => projections.Initialize(Ct);

        (await openEvents.Should().ThrowAsync<EventStoreException>()).Which.Message.Should().Contain(path).And.Contain("not a SQLite database");
        (await openProjections.Should().ThrowAsync<SqliteDatabaseException>()).Which.DatabasePath.Should().Be(path);
    }

    [Fact]
    public async Task A_path_below_a_regular_file_cannot_be_created_and_says_so()
    {
        var file = _files.Path("plain-file");
        await File.WriteAllTextAsync(file, "x", Ct);
        var path = Path.Combine(file, "events.db");
        using var events = new SqliteEventStore(path);

        var open = () => events.Initialize(Ct);

        (await open.Should().ThrowAsync<EventStoreException>()).Which.Message.Should().Contain(path);
    }

    [Fact]
    public async Task Missing_directories_are_created()
    {
        var path = _files.Path(Path.Combine("data", "nested", "events.db"));
        using var events = new SqliteEventStore(path);

        await events.Append("a", ExpectedRevision.NoStream, [Testing.TestEvents.Numbered("E", 0)], Ct);

        File.Exists(path).Should().BeTrue();
    }

    [Fact]
    public async Task A_connection_string_is_accepted_in_place_of_a_path()
    {
        var path = _files.Path("by-connection-string.db");
        using var store = new SqliteProjectionStore($"Data Source={path}");

        await store.Initialize(Ct);

        store.FilePath.Should().Be(path);
        File.Exists(path).Should().BeTrue();
    }

    [Theory]
    [InlineData("", null, "path is empty")]
    [InlineData(":memory:", null, ":memory:")]
    [InlineData("x.db", 0, "PollInterval")]
    public void Invalid_options_are_refused_naming_the_option(string path, int? pollMilliseconds, string expected)
    {
        var options = new SqliteStoreOptions(path);
        if (pollMilliseconds is { } ms) options = options with { PollInterval = TimeSpan.FromMilliseconds(ms) };

        var create = () => new SqliteEventStore(options);

        create.Should().Throw<ArgumentException>().WithMessage($"*{expected}*");
    }

    public void Dispose() => _files.Dispose();
}
