using System.Buffers;
using FluentAssertions;
using Google.Protobuf;
using Projections.Core.Events;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;
using static Projections.EventStoreDb.Tests.Integration.TestEvents;

namespace Projections.EventStoreDb.Tests.Unit;

/// <summary>
/// The gRPC message framing the BatchAppend call writes and reads itself: a 0 flag byte, the length as a
/// 4-byte big-endian integer, the protobuf payload; several requests back to back in one write.
/// </summary>
public sealed class GrpcFramingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BatchAppendReq Request(int number, int dataSize) =>
        AppendRequests.Batch(Guid.NewGuid(), new AppendRequest($"item-{number}", ExpectedRevision.Exact(4),
            [Event("ItemDetected", number) with { Data = new byte[dataSize] }]), TimeSpan.FromSeconds(2));

    [Fact]
    public void Requests_are_written_back_to_back_each_with_a_zero_flag_and_a_big_endian_length()
    {
        var first = Request(1, 10);
        var second = Request(2, 300);
        var output = new ArrayBufferWriter<byte>();

        GrpcFraming.Write(first, output);
        GrpcFraming.Write(second, output);

        var bytes = output.WrittenSpan.ToArray();
        var firstPayload = first.ToByteArray();
        var secondPayload = second.ToByteArray();
        bytes.Should().HaveCount(5 + firstPayload.Length + 5 + secondPayload.Length);
        bytes[..5].Should().Equal(0, 0, 0, (byte)(firstPayload.Length >> 8), (byte)firstPayload.Length);
        bytes[5..(5 + firstPayload.Length)].Should().Equal(firstPayload);
        var at = 5 + firstPayload.Length;
        secondPayload.Length.Should().BeGreaterThan(255, "the length's second byte must be seen to carry");
        bytes[at..(at + 5)].Should().Equal(0, 0, 0, (byte)(secondPayload.Length >> 8), (byte)(secondPayload.Length & 0xFF));
        BatchAppendReq.Parser.ParseFrom(bytes[(at + 5)..]).Should().Be(second);
    }

    [Fact]
    public async Task Answers_split_across_reads_are_put_back_together_and_the_end_between_messages_ends_them()
    {
        var answers = new[]
        {
            new BatchAppendResp { CorrelationId = Uuids.ToUuid(Guid.NewGuid()), Success = new BatchAppendResp.Types.Success { CurrentRevision = 3 } },
            new BatchAppendResp { CorrelationId = Uuids.ToUuid(Guid.NewGuid()), Success = new BatchAppendResp.Types.Success { CurrentRevision = 700 } },
        };
        var output = new ArrayBufferWriter<byte>();
        foreach (var answer in answers) GrpcFraming.Write(answer, output);
        using var input = new OneByteAtATime(output.WrittenSpan.ToArray());

        var read = new List<BatchAppendResp>();
        while (await GrpcFraming.ReadAsync(input, 1024, Ct) is { } payload) read.Add(BatchAppendResp.Parser.ParseFrom(payload));

        read.Should().Equal(answers);
    }

    [Fact]
    public async Task A_response_that_ends_inside_a_message_is_an_error_not_the_end()
    {
        var output = new ArrayBufferWriter<byte>();
        GrpcFraming.Write(Request(1, 50), output);
        using var cut = new MemoryStream(output.WrittenSpan[..^1].ToArray());

        await FluentActions.Awaiting(() => GrpcFraming.ReadAsync(cut, 1024, Ct).AsTask())
            .Should().ThrowAsync<InvalidDataException>().WithMessage("*ended inside a message*");
    }

    [Fact]
    public async Task A_compressed_or_oversized_message_is_refused()
    {
        using var compressed = new MemoryStream([1, 0, 0, 0, 1, 0]);
        using var oversized = new MemoryStream([0, 0, 1, 0, 0]);

        await FluentActions.Awaiting(() => GrpcFraming.ReadAsync(compressed, 1024, Ct).AsTask())
            .Should().ThrowAsync<InvalidDataException>().WithMessage("*compressed*");
        await FluentActions.Awaiting(() => GrpcFraming.ReadAsync(oversized, 1024, Ct).AsTask())
            .Should().ThrowAsync<InvalidDataException>().WithMessage("*65536 bytes exceeds the limit of 1024*");
    }

    private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
