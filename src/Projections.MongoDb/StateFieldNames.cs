namespace Projections.MongoDb;

/// <summary>
/// State fields live at the top level of a document beside "_id" and "_meta". So that a state field
/// can never collide with them, every top-level state field whose name starts with '_' is stored
/// with one more leading '_' ("_id" → "__id", "_x" → "__x") and unescaped when read. Nested fields
/// are stored as they are.
/// </summary>
internal static class StateFieldNames
{
    public const string Id = "_id";
    public const string Meta = "_meta";

    public static string Escape(string stateField) => stateField.StartsWith('_') ? "_" + stateField : stateField;

    /// <summary>The state field stored under <paramref name="storedField"/>, or null for "_id" and "_meta".</summary>
    public static string? Unescape(string storedField) => storedField switch
    {
        Id or Meta => null,
        _ when storedField.StartsWith("__", StringComparison.Ordinal) => storedField[1..],
        _ => storedField,
    };

    /// <summary>Escapes the first segment of an index path ("_x.y" → "__x.y").</summary>
    public static string EscapePath(string path) => Escape(path);
}
