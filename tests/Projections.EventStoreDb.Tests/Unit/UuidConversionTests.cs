using FluentAssertions;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Shared;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class UuidConversionTests
{
    // Vectors from the protocol sheet (§2.2): RFC 4122 bytes read as two big-endian int64 halves.
    [Theory]
    [InlineData("00112233-4455-6677-8899-aabbccddeeff", 4822678189205111L, -8603657889541918977L)]
    [InlineData("fedcba98-7654-3210-f0e1-d2c3b4a59687", -81985529216486896L, -1089357896855742841L)]
    public void Guid_maps_to_the_servers_structured_halves_and_back(string text, long msb, long lsb)
    {
        var guid = Guid.Parse(text);

        Uuids.ToStructured(guid).Should().Be((msb, lsb));
        Uuids.FromStructured(msb, lsb).Should().Be(guid);
    }

    [Fact]
    public void Structured_form_is_not_the_mixed_endian_byte_array()
    {
        var guid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

        Uuids.ToStructured(guid).MostSignificantBits.Should().NotBe(BitConverter.ToInt64(guid.ToByteArray(), 0));
    }

    [Fact]
    public void Uuid_message_in_either_form_reads_back_as_the_same_guid()
    {
        var guid = Guid.NewGuid();

        Uuids.ToGuid(Uuids.ToUuid(guid)).Should().Be(guid);
        Uuids.ToGuid(new UUID { String = guid.ToString() }).Should().Be(guid);
    }
}
