using System.Buffers;

namespace Projections.Core.Pipeline;

/// <summary>
/// A growable byte buffer whose arrays come from <see cref="ArrayPool{T}.Shared"/>, for the flusher's serialized
/// documents: a pipeline that starts (a rebuild, a restart) reuses arrays another one returned instead of growing
/// its own. Single-threaded; <see cref="Reset"/> keeps the array, <see cref="Dispose"/> returns it.
/// </summary>
internal sealed class PooledBufferWriter(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialSize);

    public int WrittenCount { get; private set; }
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    public void Reset() => WrittenCount = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (WrittenCount + count > _buffer.Length) throw new InvalidOperationException("Advanced past the end of the buffer.");
        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint); // first: it may replace _buffer
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    private void Reserve(int sizeHint)
    {
        var needed = WrittenCount + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, WrittenCount).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        WrittenCount = 0;
    }
}
