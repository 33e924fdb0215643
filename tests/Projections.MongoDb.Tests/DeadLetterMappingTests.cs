using System.Text;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class DeadLetterMappingTests
{
    [Fact]
    public void A_parked_event_reads_back_with_its_exact_payload_bytes()
    {
        var letter = new DeadLetter(new GlobalPosition(9, 8), "item-1", 3, Guid.NewGuid(), "ItemDetected",
            Encoding.UTF8.GetBytes("{\"station\":"), new byte[] { 0xc3, 0x28, 0x00 }, "payload is not valid JSON",
            new DateTimeOffset(2026, 3, 1, 9, 0, 0, 250, TimeSpan.Zero));
        var fields = DeadLetterMapping.Fields("plant-items", 1, letter);

        var back = DeadLetterMapping.FromBson(fields);

        back.Should().BeEquivalentTo(letter, o => o.Excluding(l => l.Data).Excluding(l => l.Metadata));
        back.Data.ToArray().Should().Equal(letter.Data.ToArray());
        back.Metadata.ToArray().Should().Equal(letter.Metadata.ToArray(), "invalid UTF-8 is kept as binary, byte for byte");
    }
}
