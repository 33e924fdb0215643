using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using MongoDB.Bson;
using Xunit;

namespace Projections.MongoDb.Tests;

public sealed class StateMappingTests
{
    private static BsonDocument ToBson(string json) => JsonToBson.ReadObject(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Scalars_keep_their_types_so_queries_compare_them_naturally()
    {
        var bson = ToBson("""{"name":"pump","count":42,"big":5000000000,"ratio":0.25,"active":true,"note":null}""");

        bson["name"].ShouldBeBson(new BsonString("pump"));
        bson["count"].ShouldBeBson(new BsonInt32(42));
        bson["big"].ShouldBeBson(new BsonInt64(5_000_000_000));
        bson["ratio"].ShouldBeBson(new BsonDouble(0.25));
        bson["active"].ShouldBeBson(BsonBoolean.True);
        bson["note"].ShouldBeBson(BsonNull.Value);
    }

    [Fact]
    public void Iso_dates_stay_strings_so_offset_and_ticks_survive()
    {
        var bson = ToBson("""{"lastSeen":"2026-03-01T08:30:15.1234567+02:00"}""");

        bson["lastSeen"].ShouldBeBson(new BsonString("2026-03-01T08:30:15.1234567+02:00"));
    }

    [Fact]
    public void Nested_objects_and_arrays_become_sub_documents_and_arrays()
    {
        var bson = ToBson("""{"plan":{"stations":["S1","S2"],"steps":[{"station":"S1","dwell":30}]},"tags":[]}""");

        bson["plan"]["stations"].ShouldBeBson(new BsonArray { "S1", "S2" });
        bson["plan"]["steps"][0].ShouldBeBson(new BsonDocument { { "station", "S1" }, { "dwell", 30 } });
        bson["tags"].ShouldBeBson(new BsonArray());
    }

    [Theory]
    [InlineData("0.1", BsonType.Double)]
    [InlineData("12.50", BsonType.Double)]
    [InlineData("0.30000000000000004", BsonType.Double)]
    [InlineData("1e300", BsonType.Double)]
    [InlineData("0.12345678901234567891", BsonType.Decimal128)]
    [InlineData("18446744073709551615", BsonType.Decimal128)]
    [InlineData("-9223372036854775809", BsonType.Decimal128)]
    public void Numbers_use_double_only_when_it_holds_the_written_value(string number, BsonType expected)
    {
        var value = ToBson($$"""{"n":{{number}}}""")["n"];

        value.BsonType.Should().Be(expected);
        var back = System.Text.Json.JsonDocument.Parse(BsonToJson.WriteObject(new BsonDocument("n", value), n => n)).RootElement.GetProperty("n");
        if (number == "1e300") back.GetDouble().Should().Be(1e300);
        else back.GetDecimal().Should().Be(decimal.Parse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture), "the number comes back with the value written");
    }

    [Theory]
    [InlineData("""{"name":"pump","count":42,"big":5000000000,"ratio":0.25,"active":true,"note":null}""")]
    [InlineData("""{"plan":{"stations":["S1","S2"],"steps":[{"station":"S1","dwell":30}]},"tags":[],"when":"2026-03-01T08:30:15.1234567+02:00"}""")]
    [InlineData("""{"precise":0.12345678901234567891,"huge":18446744073709551615,"tiny":1e-300,"neg":-7}""")]
    [InlineData("""{"text":"$5 off \"quoted\" \u00e9\u0000","empty":{}}""")]
    public void Reading_back_gives_the_same_json(string json)
    {
        var bson = ToBson(json);

        var back = BsonToJson.WriteObject(bson, name => name);

        JsonNode.DeepEquals(JsonNode.Parse(back), JsonNode.Parse(json)).Should().BeTrue(
            $"{Encoding.UTF8.GetString(back)} should equal {json}");
    }

    [Theory]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("{\"a\":1} {}", "not valid JSON")]
    [InlineData("{\"$set\":1}", "'$set' starts with '$'")]
    [InlineData("{\"a\":{\"$where\":1}}", "'a.$where' starts with '$'")]
    public void Bad_states_are_refused_with_the_reason(string json, string reason)
    {
        var act = () => ToBson(json);

        act.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }
}
