using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Projections.EventStoreDb.Protocol;

/// <summary>
/// gRPC's length-prefixed messages on an HTTP/2 stream: one byte "compressed" flag (always 0 here:
/// no compression is negotiated), the payload length as a 4-byte big-endian integer, the payload.
/// Used where requests are written several per flush (<c>BatchAppendCall</c>).
/// </summary>
internal static class GrpcFraming
{
    public const int HeaderSize = 5;

    public static void Write(IMessage message, IBufferWriter<byte> output)
    {
        var size = message.CalculateSize();
        var span = output.GetSpan(HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1, 4), (uint)size);
        message.WriteTo(span.Slice(HeaderSize, size));
        output.Advance(HeaderSize + size);
    }

    /// <summary>The next message's payload, or null when the stream ended between messages.</summary>
    /// <exception cref="InvalidDataException">The stream ended inside a message, or a message is compressed or too large.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream input, int maxSize, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var read = await ReadFully(input, header, cancellationToken).ConfigureAwait(false);
        if (read == 0) return null;
        if (read < HeaderSize) throw new InvalidDataException("The gRPC response ended inside a message header.");
        if (header[0] != 0) throw new InvalidDataException("The gRPC response holds a compressed message; none was asked for.");
        var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (size > maxSize) throw new InvalidDataException($"A gRPC response message of {size} bytes exceeds the limit of {maxSize}.");
        var payload = new byte[size];
        if (await ReadFully(input, payload, cancellationToken).ConfigureAwait(false) < size)
            throw new InvalidDataException("The gRPC response ended inside a message.");
        return payload;
    }

    private static async ValueTask<int> ReadFully(Stream input, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await input.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
