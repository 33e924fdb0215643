using Microsoft.Extensions.Logging;

namespace Projections.Hosting.Progress;

/// <summary>
/// While the live table owns the terminal, log lines would tear it; they are kept here instead and
/// drawn below the table (warnings and errors are kept longest because they are what a user needs).
/// </summary>
internal sealed class RecentLogLines : ILoggerProvider
{
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;

    public RecentLogLines(int capacity = 6) => _capacity = capacity;

    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lines) return _lines.ToArray();
    }

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > _capacity) _lines.Dequeue();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(RecentLogLines owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var shortCategory = category[(category.LastIndexOf('.') + 1)..];
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            owner.Add($"{DateTimeOffset.UtcNow:HH:mm:ss} {Level(logLevel)} {shortCategory}: {message}");
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Critical => "crit",
            LogLevel.Error => "fail",
            LogLevel.Warning => "warn",
            LogLevel.Information => "info",
            _ => "dbug",
        };
    }
}
