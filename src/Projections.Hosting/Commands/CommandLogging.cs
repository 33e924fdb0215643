using Microsoft.Extensions.Logging.Console;

namespace Projections.Hosting.Commands;

internal static class CommandLogging
{
    /// <summary>Warnings and errors as single lines on stderr, so a command's stdout stays its result.</summary>
    public static ILoggerFactory CreateFactory() => LoggerFactory.Create(logging =>
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
