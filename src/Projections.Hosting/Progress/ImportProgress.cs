using Spectre.Console;
using static Projections.Hosting.Progress.ProgressFormat;

namespace Projections.Hosting.Progress;

/// <summary>How far an import has come: the line read, events appended and already present, bytes read of a known total.</summary>
internal readonly record struct ImportCounts(long Line, long Appended, long AlreadyPresent, long BytesRead, long? TotalBytes)
{
    /// <summary>"line 12,000, 11,500 appended, 500 already present".</summary>
    public string Describe() => $"line {Count(Line)}, {Count(Appended)} appended, {Count(AlreadyPresent)} already present";

    public double? Fraction => TotalBytes is > 0 and var total ? Math.Clamp((double)BytesRead / total, 0, 1) : null;
}

/// <summary>
/// Shows an import's progress: a progress bar redrawn in place on a terminal (<see cref="Live"/>), a plain
/// line every interval otherwise (<see cref="Plain"/>), or nothing. <c>import</c> calls <see cref="Report"/>
/// after each batch.
/// </summary>
internal abstract class ImportProgress
{
    public abstract void Report(ImportCounts counts);

    /// <summary>Runs <paramref name="import"/> with the progress display of <paramref name="mode"/>; the live bar stays on screen after it.</summary>
    public static Task<T> Run<T>(Settings.ProgressMode mode, TimeSpan interval, TextWriter output, IAnsiConsole console, TimeProvider time,
        Func<ImportProgress, Task<T>> import) => mode switch
    {
        Settings.ProgressMode.Live => Live(console, import),
        Settings.ProgressMode.Plain => import(new Plain(output, interval, time)),
        _ => import(new None()),
    };

    private static Task<T> Live<T>(IAnsiConsole console, Func<ImportProgress, Task<T>> import) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = new Bar(context.AddTask("import", maxValue: 1));
                var result = await import(bar);
                bar.Finish();
                return result;
            });

    /// <summary>A line every interval: "[14:03:09] import: 45%, line 12,000, 11,500 appended, 500 already present".</summary>
    internal sealed class Plain(TextWriter output, TimeSpan interval, TimeProvider time) : ImportProgress
    {
        private readonly DateTimeOffset _started = time.GetUtcNow();
        private DateTimeOffset? _last;

        public override void Report(ImportCounts counts)
        {
            var now = time.GetUtcNow();
            if (now - (_last ?? _started) < interval) return;
            _last = now;
            var percent = counts.Fraction is { } f ? $"{(int)(f * 100)}%, " : "";
            output.WriteLine($"[{Clock(now)}] import: {percent}{counts.Describe()}");
        }
    }

    private sealed class Bar(ProgressTask task) : ImportProgress
    {
        private bool _sized;

        public override void Report(ImportCounts counts)
        {
            if (!_sized)
            {
                _sized = true;
                if (counts.TotalBytes is > 0 and var total) task.MaxValue = total;
                else task.IsIndeterminate = true; // standard input: no end to measure against
            }
            if (!task.IsIndeterminate) task.Value = Math.Min(counts.BytesRead, task.MaxValue);
            task.Description = Markup.Escape("import: " + counts.Describe());
        }

        public void Finish()
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    private sealed class None : ImportProgress
    {
        public override void Report(ImportCounts counts) { }
    }
}
