using System.Buffers.Binary;
using Projections.EventStoreDb.Protocol.Shared;

namespace Projections.EventStoreDb.Protocol;

/// <summary>
/// Converts between .NET <see cref="Guid"/> and the server's UUID message. The structured form holds
/// the RFC 4122 bytes as two big-endian int64 halves; Guid.ToByteArray() is mixed-endian, so the
/// conversion must go through the big-endian byte layout.
/// </summary>
internal static class Uuids
{
    public static (long MostSignificantBits, long LeastSignificantBits) ToStructured(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes[..8]), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
    }

    public static Guid FromStructured(long mostSignificantBits, long leastSignificantBits)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], mostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], leastSignificantBits);
        return new Guid(bytes, bigEndian: true);
    }

    public static UUID ToUuid(Guid guid)
    {
        var (msb, lsb) = ToStructured(guid);
        return new UUID { Structured = new UUID.Types.Structured { MostSignificantBits = msb, LeastSignificantBits = lsb } };
    }

    public static Guid ToGuid(UUID? uuid) => uuid?.ValueCase switch
    {
        UUID.ValueOneofCase.Structured => FromStructured(uuid.Structured.MostSignificantBits, uuid.Structured.LeastSignificantBits),
        UUID.ValueOneofCase.String => Guid.Parse(uuid.String),
        _ => Guid.Empty,
    };
}
