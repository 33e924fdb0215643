namespace Projections.Hosting.Transfer;

/// <summary>The lines an import reads: a file (whose size and read position drive the progress bar) or standard input.</summary>
internal sealed class ImportInput : IDisposable
{
    private readonly FileStream? _file;

    private ImportInput(string name, TextReader reader, FileStream? file)
    {
        Name = name;
        Reader = reader;
        _file = file is { CanSeek: true } ? file : null; // a pipe has no size or position
        Length = _file?.Length;
    }

    /// <summary>"standard input" or the path, for messages.</summary>
    public string Name { get; }
    public TextReader Reader { get; }
    /// <summary>The file's size; null for standard input or a pipe.</summary>
    public long? Length { get; }
    /// <summary>How far the file has been read (ahead of the lines parsed by the reader's buffer).</summary>
    public long BytesRead => _file?.Position ?? 0;

    public static ImportInput Open(string path)
    {
        if (path == "-") return new ImportInput("standard input", Console.In, null);
        try
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return new ImportInput(path, new StreamReader(file), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new HostUserException($"Cannot read '{path}' for import: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Reader, Console.In)) Reader.Dispose();
    }
}
