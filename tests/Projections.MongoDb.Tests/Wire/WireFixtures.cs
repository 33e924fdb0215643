using System.Text;
using MongoDB.Bson;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>Stores, batches and server replies for the tests that talk to a <see cref="ScriptedMongoServer"/>.</summary>
internal static class WireFixtures
{
    public const string Documents = "plant-items.g1";

    public static MongoProjectionStore Store(ScriptedMongoServer server, bool useTransactions = true, int maxAttempts = 2, Func<MongoProjectionStoreOptions, MongoProjectionStoreOptions>? configure = null)
    {
        var options = new MongoProjectionStoreOptions
        {
            ConnectionString = server.ConnectionString,
            DatabaseName = "projections",
            UseTransactionsWhenAvailable = useTransactions,
            MaxAttempts = maxAttempts,
            RetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.Zero,
        };
        return new MongoProjectionStore(configure is null ? options : configure(options));
    }

    public static string Key(int i) => $"item-{i:D4}";

    public static ProjectionBatch Batch(int documents, int stateBytes = 20) => new("plant-items", 1,
        Enumerable.Range(0, documents).Select(i => Item(Key(i), $$"""{"status":"Active","pad":"{{new string('x', stateBytes)}}"}""", (ulong)(i + 1))).ToList(),
        [], new ProjectionCheckpoint(GlobalPosition.Of((ulong)documents + 1), null));

    public static StoredDocument Item(string key, string json, ulong position = 1) =>
        new(key, Encoding.UTF8.GetBytes(json), 1, GlobalPosition.Of(position), null, DateTimeOffset.UnixEpoch);

    public static string Collection(BsonDocument command) => command[0].AsString;

    public static bool IsUpdateOf(BsonDocument command, string collection) =>
        ScriptedMongoServer.NameOf(command) == "update" && Collection(command) == collection;

    public static IEnumerable<string> Ids(BsonDocument update) => update["updates"].AsBsonArray.Select(u => u["q"]["_id"].AsString);

    public static long? TxnNumber(BsonDocument command) => command.TryGetValue("txnNumber", out var n) ? n.ToInt64() : null;

    /// <summary>A server error reply: ok 0, code, codeName, errmsg and, optionally, errorLabels.</summary>
    public static BsonDocument Error(int code, string codeName, string message, params string[] labels)
    {
        var reply = new BsonDocument { { "ok", 0.0 }, { "errmsg", message }, { "code", code }, { "codeName", codeName } };
        if (labels.Length > 0) reply.Add("errorLabels", new BsonArray(labels));
        return reply;
    }

    /// <summary>{ ok: 1, writeConcernError: { code: 64, ... } }: the write happened but replication did not confirm it in time.</summary>
    public static BsonDocument WriteConcernTimeout(BsonDocument? success = null)
    {
        var reply = success ?? new BsonDocument("ok", 1.0);
        reply["writeConcernError"] = new BsonDocument
        {
            { "code", 64 }, { "codeName", "WriteConcernFailed" }, { "errmsg", "waiting for replication timed out" },
            { "errInfo", new BsonDocument { { "wtimeout", true }, { "writeConcern", new BsonDocument { { "w", "majority" }, { "wtimeout", 30000 } } } } },
        };
        return reply;
    }

    /// <summary>What the server answers to an update command of a transaction whose statement <paramref name="index"/> was refused: the statements before it applied, then the batch stops.</summary>
    public static BsonDocument WriteError(int index, int code, string message, BsonDocument? extra = null)
    {
        var error = new BsonDocument { { "index", index }, { "code", code }, { "errmsg", message } };
        if (extra is not null) error.AddRange(extra);
        return new BsonDocument { { "n", index }, { "nModified", 0 }, { "writeErrors", new BsonArray { error } }, { "ok", 1.0 } };
    }
}

/// <summary>Plays the server's part in transactions: after a statement error aborts a transaction, its later commands get NoSuchTransaction.</summary>
internal sealed class TransactionLedger
{
    private readonly HashSet<string> _aborted = [];
    private readonly object _lock = new();

    public static string? KeyOf(BsonDocument command) =>
        command.TryGetValue("txnNumber", out var n) && command.TryGetValue("lsid", out var lsid) ? $"{lsid["id"]}/{n.ToInt64()}" : null;

    public void Abort(BsonDocument command)
    {
        if (KeyOf(command) is { } key) lock (_lock) _aborted.Add(key);
    }

    /// <summary>The NoSuchTransaction reply when the command belongs to an aborted transaction, else null.</summary>
    public BsonDocument? Refuse(BsonDocument command)
    {
        var key = KeyOf(command);
        lock (_lock)
            if (key is null || !_aborted.Contains(key)) return null;
        return WireFixtures.Error(251, "NoSuchTransaction", $"Transaction with {{ txnNumber: {command["txnNumber"]} }} has been aborted.", "TransientTransactionError");
    }

    /// <summary>Groups the commands of each transaction (by session and txnNumber), in order.</summary>
    public static IReadOnlyList<IReadOnlyList<BsonDocument>> Transactions(IEnumerable<BsonDocument> commands) => commands
        .Where(c => KeyOf(c) is not null && c.Contains("autocommit"))
        .GroupBy(c => KeyOf(c)!)
        .Select(g => (IReadOnlyList<BsonDocument>)g.ToList())
        .ToList();
}
