using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FluentAssertions;
using Projections.Core.Projections;

namespace Projections.Core.Tests;

/// <summary>
/// The flusher writes states through <see cref="IProjection.SerializeState(object, IBufferWriter{byte})"/> into
/// one reused buffer; `verify` and warm start compare and read what it wrote, so both ways must give the same bytes.
/// </summary>
public class StateSerializationTests
{
    private sealed record Note(string Key, string Text, DateTimeOffset At, int[] Counts);

    private sealed class NoteProjection : Projection<Note>
    {
        public NoteProjection(JsonSerializerOptions? options = null) : base("notes")
        {
            if (options is not null) JsonOptions = options;
            FromStreams("n-");
            Initially(key => new Note(key, "", default, []));
        }
    }

    private static readonly Note Sample = new("n-1", "Ünïcødé <tag> & \"quotes\" ✓", new DateTimeOffset(2026, 12, 2, 1, 2, 3, TimeSpan.Zero), [1, 2, 3]);

    public static TheoryData<string> OptionSets => ["web defaults", "indented", "relaxed escaping"];

    private static JsonSerializerOptions? Options(string set) => set switch
    {
        "indented" => new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, IndentSize = 4 },
        "relaxed escaping" => new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping },
        _ => null,
    };

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Writing_into_a_buffer_gives_the_bytes_of_the_array_form(string set)
    {
        IProjection projection = new NoteProjection(Options(set));
        var buffer = new ArrayBufferWriter<byte>();

        projection.SerializeState(Sample, buffer);

        buffer.WrittenSpan.ToArray().Should().Equal(projection.SerializeState(Sample));
    }

    [Fact]
    public void States_written_one_after_another_into_one_buffer_stay_apart_and_each_reads_back()
    {
        IProjection projection = new NoteProjection();
        var buffer = new ArrayBufferWriter<byte>();
        var states = Enumerable.Range(0, 50).Select(i => Sample with { Key = $"n-{i}", Counts = [i] }).ToArray();
        var ends = new List<int>();

        foreach (var state in states)
        {
            projection.SerializeState(state, buffer);
            ends.Add(buffer.WrittenCount);
        }

        for (var i = 0; i < states.Length; i++)
        {
            var json = buffer.WrittenMemory[(i == 0 ? 0 : ends[i - 1])..ends[i]];
            json.ToArray().Should().Equal(projection.SerializeState(states[i]));
            ((Note)projection.DeserializeState(json)).Should().BeEquivalentTo(states[i]);
        }
    }

    [Fact]
    public void Two_projections_with_the_same_state_type_keep_their_own_options_on_one_thread()
    {
        IProjection plain = new NoteProjection(), indented = new NoteProjection(Options("indented"));
        var a = new ArrayBufferWriter<byte>();
        var b = new ArrayBufferWriter<byte>();

        plain.SerializeState(Sample, a);
        indented.SerializeState(Sample, b);
        plain.SerializeState(Sample, a);

        b.WrittenSpan.ToArray().Should().Equal(indented.SerializeState(Sample));
        a.WrittenSpan.ToArray().Should().Equal([.. plain.SerializeState(Sample), .. plain.SerializeState(Sample)]);
    }
}
