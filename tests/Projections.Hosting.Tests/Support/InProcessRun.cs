using System.Text.RegularExpressions;
using Projections.Testing;
using Xunit;

namespace Projections.Hosting.Tests.Support;

/// <summary>
/// <c>run</c> of the test application in this process, on a free loopback port and its own data
/// directory, with what it prints captured; disposing stops it as Ctrl+C would.
/// </summary>
internal sealed partial class InProcessRun : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly TextWriter _syncOutput;
    private readonly TextWriter _syncError;
    private readonly Task<int> _run;

    private InProcessRun(string[] args)
    {
        _syncOutput = TextWriter.Synchronized(_output);
        _syncError = TextWriter.Synchronized(_error);
        string[] all = ["run", "--data-dir", _data.Path, "--progress", "off", .. args];
        if (!args.Contains("--urls")) all = [.. all, "--urls", "http://127.0.0.1:0"];
        _run = Task.Run(() => ProjectionsCommandLine.RunAsync(all, TestApp.Builder(), configureApp: null, _syncOutput, _syncError, _stop.Token));
    }

    public string Output { get { lock (_syncOutput) return _output.ToString(); } }
    public string Error { get { lock (_syncError) return _error.ToString(); } }
    public Task<int> Exit => _run;

    /// <summary>Starts <c>run</c> and waits until it listens (or exits, for a start error).</summary>
    public static async Task<InProcessRun> Start(params string[] args)
    {
        var run = new InProcessRun(args);
        await Eventually.Until(() => run._run.IsCompleted || Listening().IsMatch(run.Output), TimeSpan.FromSeconds(30),
            () => $"run to listen; it printed:\n{run.Output}\n{run.Error}");
        return run;
    }

    /// <summary>The address it listens on.</summary>
    public Uri Address => new(Listening().Match(Output).Groups[1].Value);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _run.WaitAsync(TimeSpan.FromSeconds(30)); }
        finally
        {
            _stop.Dispose();
            _data.Dispose();
        }
    }

    [GeneratedRegex(@"(?:Listening on|Web dashboard and API:) (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
