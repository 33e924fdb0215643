using FluentAssertions;
using Xunit;
using Projections.Core.Ports;
using Projections.Hosting.Tests.Support;
using Projections.Sqlite.Events;
using Projections.Testing;

namespace Projections.Hosting.Tests.CommandLine;

/// <summary>import and export on the embedded event store: JSON lines in, the same lines out, idempotent on id.</summary>
public sealed class ImportExportTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await ProjectionsCommandLine.RunAsync([.. args, "--data-dir", _data.Path], TestApp.Builder(), configureApp: null, output, error,
            TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<int> EventCount()
    {
        using var events = new SqliteEventStore(_data.Combine("events.db"));
        return await events.ReadAllForward(null, EventFilter.All, TestContext.Current.CancellationToken).CountAsync(TestContext.Current.CancellationToken);
    }

    private static string Line(string stream, string type, string data, string? id = null) =>
        $$"""{"stream":"{{stream}}","type":"{{type}}","data":{{data}}{{(id is null ? "" : $",\"id\":\"{id}\"")}}}""";

    [Fact]
    public async Task Importing_the_same_file_twice_appends_each_event_once_and_export_gives_them_back()
    {
        var file = _data.Combine("in.jsonl");
        string[] lines =
        [
            Line("item-1", "Seen", """{"at":"S1"}""", "6f1c0b8e-0000-4000-8000-000000000001"),
            Line("item-2", "Seen", """{"at":"S2"}""", "6f1c0b8e-0000-4000-8000-000000000002"),
            Line("item-1", "Seen", """{"at":"S3"}""", "6f1c0b8e-0000-4000-8000-000000000003"),
        ];
        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);

        var first = await Run("import", file);
        var second = await Run("import", file);

        first.ExitCode.Should().Be(ExitCodes.Ok, first.Error);
        first.Output.Should().Contain("Imported 3 events, 0 already present, 0 bad lines.");
        second.Output.Should().Contain("Imported 0 events, 3 already present, 0 bad lines.");
        (await EventCount()).Should().Be(3);

        var export = await Run("export", _data.Combine("out.jsonl"));
        export.ExitCode.Should().Be(ExitCodes.Ok, export.Error);
        var exported = await File.ReadAllLinesAsync(_data.Combine("out.jsonl"), TestContext.Current.CancellationToken);
        exported.Select(l => l[..l.IndexOf(",\"created\"", StringComparison.Ordinal)] + "}").Should().Equal(lines);

        var reimport = await Run("import", _data.Combine("out.jsonl"));
        reimport.Output.Should().Contain("Imported 0 events, 3 already present");
    }

    [Fact]
    public async Task A_malformed_line_is_reported_by_number_and_nothing_after_it_is_appended()
    {
        var file = _data.Combine("bad.jsonl");
        await File.WriteAllLinesAsync(file,
            [Line("item-1", "Seen", "{}"), """{"stream":"item-2","type":"Seen","data":[1]}""", Line("item-3", "Seen", "{}")], TestContext.Current.CancellationToken);

        var result = await Run("import", file);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().Be($"error: {file} line 2: \"data\" must be a JSON object" + Environment.NewLine);
        result.Output.Should().Contain("Imported 1 events").And.Contain("stopped at line 2");
        (await EventCount()).Should().Be(1);
    }

    [Fact]
    public async Task With_skip_bad_lines_the_good_lines_after_a_bad_one_are_appended()
    {
        var file = _data.Combine("bad.jsonl");
        await File.WriteAllLinesAsync(file, [Line("item-1", "Seen", "{}"), "not json", Line("item-3", "Seen", "{}")], TestContext.Current.CancellationToken);

        var result = await Run("import", file, "--skip-bad-lines");

        result.ExitCode.Should().Be(ExitCodes.Failed);
        result.Error.Should().StartWith($"error: {file} line 2: not valid JSON");
        result.Output.Should().Contain("Imported 2 events, 0 already present, 1 bad lines.");
        (await EventCount()).Should().Be(2);
    }

    private static Microsoft.Data.Sqlite.SqliteConnection HoldWriteLock(string database)
    {
        var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False;Default Timeout=60");
        writer.Open();
        using var begin = writer.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        begin.ExecuteNonQuery();
        return writer;
    }

    [Fact]
    public async Task An_event_store_locked_by_another_writer_at_the_start_is_one_line_naming_the_file()
    {
        var file = _data.Combine("in.jsonl");
        await File.WriteAllLinesAsync(file, [Line("item-1", "Seen", "{}")], TestContext.Current.CancellationToken);
        (await Run("import", file)).ExitCode.Should().Be(ExitCodes.Ok);

        using (HoldWriteLock(_data.Combine("events.db")))
        {
            var result = await Run("import", file);

            result.ExitCode.Should().Be(ExitCodes.UsageError, result.Error);
            result.Error.TrimEnd().Split('\n').Should().ContainSingle()
                .Which.Should().StartWith("error: ").And.Contain("events.db").And.Contain("locked by another writer").And.NotContain("   at ");
        }
    }

    [Fact]
    public async Task An_event_store_locked_by_another_writer_during_the_import_ends_it_with_one_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _data.Combine("in.jsonl");
        await File.WriteAllLinesAsync(file, [Line("item-1", "Seen", "{}"), Line("item-2", "Seen", "{}")], ct);
        (await Run("import", file)).ExitCode.Should().Be(ExitCodes.Ok); // the store exists, with two events

        // The import reads a pipe, so the lock can be taken after its first batch is in.
        var pipe = _data.Combine("events.pipe");
        Fifo.Create(pipe);
        var import = Task.Run(() => Run("import", pipe), ct);
        using var lines = await Task.Run(() => new StreamWriter(new FileStream(pipe, FileMode.Open, FileAccess.Write)), ct);
        for (var i = 0; i < 500; i++) await lines.WriteLineAsync(Line($"batch1-{i}", "Seen", "{}"));
        await lines.FlushAsync(ct);
        await Eventually.Until(async () => await EventCount() == 502, TimeSpan.FromSeconds(30), "the first batch of 500 is appended", ct);

        using (HoldWriteLock(_data.Combine("events.db")))
        {
            await lines.WriteLineAsync(Line("batch2-0", "Seen", "{}"));
            lines.Close();

            var result = await import.WaitAsync(TimeSpan.FromSeconds(60), ct);

            result.ExitCode.Should().Be(ExitCodes.Failed, result.Error);
            result.Error.TrimEnd().Split('\n').Should().ContainSingle()
                .Which.Should().StartWith("error: import stopped at line 501: ").And.Contain("events.db").And.Contain("locked by another writer")
                .And.NotContain("   at ");
            result.Output.Should().Contain("Imported 500 events").And.Contain("stopped at line 501, where the event store refused the batch.");
        }
        (await EventCount()).Should().Be(502);
    }
}
