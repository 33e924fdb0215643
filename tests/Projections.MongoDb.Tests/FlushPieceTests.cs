using System.Text;
using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class FlushPieceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static BatchModels Models(int documents, int deadLetters, int stateBytes = 10) => BatchModels.For("projections", new ProjectionBatch("plant-items", 1,
        Enumerable.Range(0, documents).Select(i => TestData.Document($"item-{i}", $$"""{"pad":"{{new string('x', stateBytes)}}"}""")).ToList(),
        Enumerable.Range(0, deadLetters).Select(i => new DeadLetter(GlobalPosition.Of((ulong)i + 1), "s", 0, Guid.NewGuid(), "T", Encoding.UTF8.GetBytes("{}"), Array.Empty<byte>(), "r", Now)).ToList(),
        new ProjectionCheckpoint(GlobalPosition.Of(99), null)), Now);

    private static List<FlushPiece> Plan(BatchModels models, TransactionLimits limits)
    {
        var pieces = new List<FlushPiece>();
        var (document, deadLetter) = (0, 0);
        while (true)
        {
            var piece = FlushPiece.Next(models, document, deadLetter, limits);
            pieces.Add(piece);
            if (piece.WithCheckpoint) return pieces;
            (document, deadLetter) = (document + piece.DocumentCount, deadLetter + piece.DeadLetterCount);
        }
    }

    [Fact]
    public void Documents_then_dead_letters_fill_pieces_up_to_the_statement_limit_and_the_checkpoint_goes_last()
    {
        var pieces = Plan(Models(5, 3), new TransactionLimits(3, long.MaxValue));

        pieces.Select(p => (p.FirstDocument, p.DocumentCount, p.FirstDeadLetter, p.DeadLetterCount, p.WithCheckpoint)).Should().Equal(
            (0, 3, 0, 0, false), (3, 2, 0, 1, false), (5, 0, 1, 2, true));
    }

    [Fact]
    public void The_byte_limit_splits_too_but_a_piece_always_holds_at_least_one_write()
    {
        var models = Models(4, 0, stateBytes: 5_000);

        var pieces = Plan(models, new TransactionLimits(1_000, models.DocumentBytes[0] * 2L));
        var tiny = Plan(models, new TransactionLimits(1_000, 1));

        pieces.Select(p => p.DocumentCount).Should().Equal(2, 2);
        tiny.Select(p => p.DocumentCount).Should().Equal(1, 1, 1, 1);
        tiny.Select(p => p.WithCheckpoint).Should().Equal(false, false, false, true);
    }

    [Fact]
    public void A_flush_without_documents_is_one_piece_with_the_checkpoint()
    {
        Plan(Models(0, 0), TransactionLimits.Default).Should().ContainSingle().Which.WithCheckpoint.Should().BeTrue();
    }

    [Fact]
    public void Limits_follow_the_server_hello_and_halve_to_one()
    {
        var limits = TransactionLimits.FromHello(new BsonDocument { { "maxWriteBatchSize", 100 }, { "maxMessageSizeBytes", 48_000_000 } });

        limits.Should().Be(new TransactionLimits(100, TransactionLimits.DefaultMaxBytes));
        TransactionLimits.FromHello(new BsonDocument()).Should().Be(TransactionLimits.Default);
        limits.HalfOf(new FlushPiece(0, 1, 0, 0, true, 10)).Should().Be(new TransactionLimits(1, 5));
    }

    [Fact]
    public void Measured_sizes_are_the_encoded_sizes()
    {
        var document = DocumentMapping.ToBson(TestData.Document("ключ-😀", """{"a":[1,2.5,"x",{"b":null,"c":true}],"n":5000000000,"d":0.12345678901234567891,"t":"é","list":[0,1,2,3,4,5,6,7,8,9,10,11]}""", timeoutAt: Now));
        document.Add("bin", new BsonBinaryData([1, 2, 3]));

        BsonSize.Of(document).Should().Be(document.ToBson().Length);
    }
}
