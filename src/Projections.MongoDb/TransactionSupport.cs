using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>Decides from the server's "hello" reply whether documents and checkpoint can share a transaction.</summary>
internal static class TransactionSupport
{
    // Wire version 7 = MongoDB 4.0 (replica-set transactions), 8 = 4.2 (sharded transactions).
    private const int ReplicaSetTransactionsWireVersion = 7;
    private const int ShardedTransactionsWireVersion = 8;

    public static bool FromHello(BsonDocument hello)
    {
        if (!hello.Contains("logicalSessionTimeoutMinutes") || hello["logicalSessionTimeoutMinutes"].IsBsonNull)
            return false; // no sessions, no transactions
        var wireVersion = hello.GetValue("maxWireVersion", 0).ToInt32();
        if (hello.Contains("setName"))
            return wireVersion >= ReplicaSetTransactionsWireVersion;
        if (hello.GetValue("msg", "").ToString() == "isdbgrid")
            return wireVersion >= ShardedTransactionsWireVersion;
        return false; // a standalone server has sessions but no transactions
    }

    public static string Describe(BsonDocument hello) =>
        hello.Contains("setName") ? $"replica set '{hello["setName"]}'"
        : hello.GetValue("msg", "").ToString() == "isdbgrid" ? "sharded cluster"
        : "standalone server";
}
