using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Projections.Testing.Logging;

/// <summary>Keeps every log line the engine writes, so a test can count them (one line per outage, one per operator action).</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public IEnumerable<LogLine> AtLeast(LogLevel level) => _lines.Where(l => l.Level >= level);

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _lines);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Recorder(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), exception));
    }
}

/// <summary>One recorded log line.</summary>
public sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}";
}
