using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>
/// A loopback endpoint that speaks MongoDB's wire protocol (OP_MSG, and OP_QUERY for the legacy
/// handshake) and answers each command with a reply document the test scripts, as a replica-set
/// primary would. It is not a database: it lets the real driver (3.14.0) turn real server replies
/// (writeErrors, writeConcernError, errorLabels, batch limits from hello) into the exceptions it
/// builds itself, so the store is tested against exactly what the driver throws.
/// </summary>
internal sealed class ScriptedMongoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<BsonDocument> _commands = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private readonly Func<BsonDocument, Task<BsonDocument?>> _script;
    private int _connectionIds;

    /// <param name="script">Returns the reply to a command, or null for a plain success (<see cref="DefaultReply"/>).</param>
    public ScriptedMongoServer(Func<BsonDocument, BsonDocument?> script, int maxWriteBatchSize = 100_000, int maxMessageSizeBytes = 48_000_000)
        : this(maxWriteBatchSize, maxMessageSizeBytes, c => Task.FromResult(script(c)))
    {
    }

    /// <summary>A server whose script may take its time to answer (a slow or stuck primary).</summary>
    public static ScriptedMongoServer Slow(Func<BsonDocument, Task<BsonDocument?>> script) => new(100_000, 48_000_000, script);

    private ScriptedMongoServer(int maxWriteBatchSize, int maxMessageSizeBytes, Func<BsonDocument, Task<BsonDocument?>> script)
    {
        _script = script;
        MaxWriteBatchSize = maxWriteBatchSize;
        MaxMessageSizeBytes = maxMessageSizeBytes;
        _listener.Start();
        _accepting = Accept();
    }

    public int MaxWriteBatchSize { get; }

    public int MaxMessageSizeBytes { get; }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public string ConnectionString => $"mongodb://{Address}/?replicaSet=rs0&serverSelectionTimeoutMS=5000&connectTimeoutMS=5000";

    /// <summary>Every command received except the handshake and monitoring (hello), in arrival order.</summary>
    public IReadOnlyList<BsonDocument> Commands => _commands.ToArray();

    public IEnumerable<BsonDocument> CommandsNamed(string name) => Commands.Where(c => c.GetElement(0).Name == name);

    public static string NameOf(BsonDocument command) => command.GetElement(0).Name;

    public BsonDocument Hello(int connectionId) => new()
    {
        { "helloOk", true }, { "ismaster", true }, { "isWritablePrimary", true },
        { "setName", "rs0" }, { "setVersion", 1 }, { "hosts", new BsonArray { Address } }, { "primary", Address }, { "me", Address },
        { "electionId", new ObjectId("7fffffff0000000000000001") },
        { "maxBsonObjectSize", 16 * 1024 * 1024 }, { "maxMessageSizeBytes", MaxMessageSizeBytes }, { "maxWriteBatchSize", MaxWriteBatchSize },
        { "localTime", DateTime.UtcNow }, { "logicalSessionTimeoutMinutes", 30 }, { "connectionId", connectionId },
        { "minWireVersion", 0 }, { "maxWireVersion", 21 }, { "readOnly", false }, { "ok", 1.0 },
    };

    /// <summary>What a primary answers when the command succeeds and the script has nothing to say.</summary>
    public static BsonDocument DefaultReply(BsonDocument command)
    {
        var database = command.GetValue("$db", "test").AsString;
        return NameOf(command) switch
        {
            "update" or "delete" or "insert" => new BsonDocument { { "n", StatementCount(command) }, { "nModified", 0 }, { "ok", 1.0 } },
            "find" or "listCollections" or "listIndexes" or "aggregate" => Cursor($"{database}.{command[0]}", []),
            "findAndModify" => new BsonDocument
            {
                { "lastErrorObject", new BsonDocument { { "n", 1 }, { "updatedExisting", false } } },
                { "value", new BsonDocument { { "_id", command["query"]["_id"] }, { "active", 1 }, { "building", BsonNull.Value } } },
                { "ok", 1.0 },
            },
            _ => new BsonDocument("ok", 1.0),
        };
    }

    public static BsonDocument Cursor(string ns, IEnumerable<BsonDocument> documents) => new()
    {
        { "cursor", new BsonDocument { { "id", 0L }, { "ns", ns }, { "firstBatch", new BsonArray(documents) } } },
        { "ok", 1.0 },
    };

    /// <summary>The statements of a write command ("updates", "deletes", "documents").</summary>
    public static int StatementCount(BsonDocument command) =>
        command.Elements.Where(e => e.Name is "updates" or "deletes" or "documents").Sum(e => e.Value.AsBsonArray.Count);

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_connections) _connections.Add(Serve(client, Interlocked.Increment(ref _connectionIds)));
        }
    }

    private async Task Serve(TcpClient client, int connectionId)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var header = new byte[16];
                if (!await ReadExactly(stream, header)) return;
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
                var body = new byte[length - 16];
                if (!await ReadExactly(stream, body)) return;
                var (command, legacy) = opCode switch
                {
                    2013 => (ReadOpMsg(body), false),
                    2004 => (ReadOpQuery(body), true),
                    _ => throw new InvalidDataException($"Unexpected opcode {opCode}."),
                };
                var reply = await Answer(command, connectionId);
                var bytes = legacy ? OpReply(requestId, reply) : OpMsg(requestId, reply);
                await stream.WriteAsync(bytes, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the driver closed the connection (e.g. after cancelling an operation), or the server stops
        }
    }

    private async Task<BsonDocument> Answer(BsonDocument command, int connectionId)
    {
        var name = NameOf(command);
        if (name is "hello" or "isMaster" or "ismaster") return Hello(connectionId);
        _commands.Enqueue(command);
        return await _script(command) ?? DefaultReply(command);
    }

    private static BsonDocument ReadOpMsg(byte[] body)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body);
        var end = (flags & 1) != 0 ? body.Length - 4 : body.Length;
        var position = 4;
        BsonDocument? command = null;
        var sequences = new List<(string Name, BsonArray Documents)>();
        while (position < end)
        {
            var kind = body[position++];
            if (kind == 0)
            {
                var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                command = BsonSerializer.Deserialize<BsonDocument>(body.AsSpan(position, size).ToArray());
                position += size;
            }
            else
            {
                var sectionEnd = position + BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                var nameEnd = Array.IndexOf(body, (byte)0, position + 4);
                var name = System.Text.Encoding.UTF8.GetString(body, position + 4, nameEnd - position - 4);
                var documents = new BsonArray();
                for (var p = nameEnd + 1; p < sectionEnd;)
                {
                    var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(p));
                    documents.Add(BsonSerializer.Deserialize<BsonDocument>(body.AsSpan(p, size).ToArray()));
                    p += size;
                }
                sequences.Add((name, documents));
                position = sectionEnd;
            }
        }
        var result = command ?? throw new InvalidDataException("OP_MSG without a body section.");
        foreach (var (name, documents) in sequences) result[name] = documents;
        result["$messageBytes"] = body.Length + 16;
        return result;
    }

    private static BsonDocument ReadOpQuery(byte[] body)
    {
        var nameEnd = Array.IndexOf(body, (byte)0, 4);
        var position = nameEnd + 1 + 8;
        var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
        return BsonSerializer.Deserialize<BsonDocument>(body.AsSpan(position, size).ToArray());
    }

    private static byte[] OpMsg(int responseTo, BsonDocument reply)
    {
        var document = reply.ToBson();
        var message = new byte[16 + 4 + 1 + document.Length];
        WriteHeader(message, responseTo, 2013);
        message[20] = 0;
        document.CopyTo(message, 21);
        return message;
    }

    private static byte[] OpReply(int responseTo, BsonDocument reply)
    {
        var document = reply.ToBson();
        var message = new byte[16 + 20 + document.Length];
        WriteHeader(message, responseTo, 1);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(32), 1); // numberReturned
        document.CopyTo(message, 36);
        return message;
    }

    private static void WriteHeader(byte[] message, int responseTo, int opCode)
    {
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), Random.Shared.Next());
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
    }

    private async Task<bool> ReadExactly(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
