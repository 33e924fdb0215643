using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Host.Tests.Support;
using Projections.Sqlite.Documents;

namespace Projections.Host.Tests;

/// <summary><c>dead-letters</c> lists, shows and exports (JSON lines) what the active generations parked.</summary>
public sealed class DeadLettersCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Dispose();

    private Task<int> Run(params string[] args) =>
        HostProgram.RunAsync([.. args, "--data-dir", _data.Path], _output, _error, stop: Ct);

    private async Task Park(params (ulong Position, string Stream, string Payload)[] letters)
    {
        using var store = new SqliteProjectionStore(Path.Combine(_data.Path, "projections.db"));
        await store.Initialize(Ct);
        await store.EnsureProjection("plant-items", [], Ct);
        var parked = letters.Select(l => new DeadLetter(GlobalPosition.Of(l.Position), l.Stream, 2, Guid.NewGuid(), "ItemDetected",
            Encoding.UTF8.GetBytes(l.Payload), ReadOnlyMemory<byte>.Empty, $"Parked by 'ops-alice': JsonException at {l.Position}", DateTimeOffset.UnixEpoch)).ToArray();
        await store.WriteBatch(new ProjectionBatch("plant-items", 1, [], parked, new ProjectionCheckpoint(GlobalPosition.Of(letters.Max(l => l.Position)), null)), Ct);
    }

    [Fact]
    public async Task List_prints_one_line_per_parked_event_and_says_when_a_projection_has_none()
    {
        await Park((7, "item-1", "not json"), (9, "item-2", "{}"));

        (await Run("dead-letters")).Should().Be(0, _error.ToString());

        var lines = _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.StartsWith("plant-items g1 @7  item-1@2 ItemDetected") && l.Contains("Parked by 'ops-alice'"));
        lines.Should().Contain(l => l.StartsWith("plant-items g1 @9  item-2@2 ItemDetected"));
        lines.Should().Contain("station-load g1: no dead letters");
    }

    [Fact]
    public async Task Export_writes_json_lines_with_the_payload_and_show_prints_one_letter()
    {
        await Park((7, "item-1", "not json"), (9, "item-2", "{}"));

        (await Run("dead-letters", "export", "plant-items")).Should().Be(0, _error.ToString());
        var exported = _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        exported.Should().HaveCount(2);
        exported[0].GetProperty("projection").GetString().Should().Be("plant-items");
        exported[0].GetProperty("letter").GetProperty("position").GetString().Should().Be("7");
        exported[0].GetProperty("letter").GetProperty("data").GetString().Should().Be("not json");

        _output.GetStringBuilder().Clear();
        (await Run("dead-letters", "show", "plant-items", "9")).Should().Be(0, _error.ToString());
        JsonDocument.Parse(_output.ToString()).RootElement.GetProperty("letter").GetProperty("streamId").GetString().Should().Be("item-2");
    }

    [Theory]
    [InlineData(new[] { "dead-letters", "show", "plant-items", "8" }, "error: Projection 'plant-items' generation 1 has no dead letter at position 8.")]
    [InlineData(new[] { "dead-letters", "show", "plant-items", "x" }, "error: Invalid position 'x' for dead-letters show: expected a position such as 4711 or 4711/4700.")]
    [InlineData(new[] { "dead-letters", "list", "plant-itemz" }, "error: Unknown projection 'plant-itemz' for dead-letters list; expected all or one of: plant-items, station-load.")]
    public async Task Bad_arguments_get_one_line_naming_what_was_wrong(string[] args, string message)
    {
        await Park((7, "item-1", "not json"));

        (await Run(args)).Should().Be(2);
        _error.ToString().Trim().Should().Be(message);
    }
}
