using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Projections.Core.Ports;
using Projections.Sqlite.Events;
using Xunit;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>
/// The real host (<c>Projections.Hosting run</c>) as a child process on 127.0.0.1 with a free port, over
/// SQLite files in a temporary directory, simulator off. The test appends to the same events.db; the
/// host's subscription notices appends from another process by polling.
/// </summary>
public sealed partial class AppProcessPlantHost : IPlantHost
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly string _directory;
    private readonly SqliteEventStore _events;
    private readonly StringBuilder _output;
    private readonly bool _ownsDirectory;

    private AppProcessPlantHost(Process process, string directory, bool ownsDirectory, Uri address, StringBuilder output)
    {
        _process = process;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _output = output;
        BaseAddress = address;
        Http = new HttpClient { BaseAddress = address };
        _events = new SqliteEventStore(Path.Combine(directory, "events.db"));
        Plant = new PlantEvents(_events);
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IEventStore Events => _events;
    public PlantEvents Plant { get; }

    public static Task<AppProcessPlantHost> Start(string? adminToken = null, params string[] moreArgs) =>
        StartIn(Directory.CreateTempSubdirectory("projections-host-").FullName, ownsDirectory: true, adminToken, moreArgs);

    /// <summary>A second host on <paramref name="first"/>'s data directory (several hosts, one store); the first one deletes the directory.</summary>
    public static Task<AppProcessPlantHost> StartBeside(AppProcessPlantHost first, params string[] moreArgs) =>
        StartIn(first.DataDirectory, ownsDirectory: false, adminToken: null, moreArgs);

    private static async Task<AppProcessPlantHost> StartIn(string directory, bool ownsDirectory, string? adminToken, string[] moreArgs)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[]
        {
            PlantTracking.Tests.App.PlantApp.Dll, "run",
            "--data-dir", directory, "--no-simulate", "--progress", "plain", "--urls", "http://127.0.0.1:0",
            "--max-flush-interval", "200ms",
        })
            start.ArgumentList.Add(arg);
        if (adminToken is not null) { start.ArgumentList.Add("--admin-token"); start.ArgumentList.Add(adminToken); }
        foreach (var arg in moreArgs) start.ArgumentList.Add(arg);

        var output = new StringBuilder();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => address.TrySetException(new InvalidOperationException($"The host exited with {process.ExitCode} before listening:\n{Snapshot()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var uri = await address.Task.WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
            return new AppProcessPlantHost(process, directory, ownsDirectory, uri, output);
        }
        catch
        {
            Stop(process);
            throw;
        }

        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } match) address.TrySetResult(new Uri(match.Groups[1].Value));
        }

        string Snapshot() { lock (output) return output.ToString(); }
    }

    /// <summary>The host's data directory (events.db, projections.db).</summary>
    public string DataDirectory => _directory;

    /// <summary>What the host printed so far, for failure messages.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        Stop(_process);
        _events.Dispose();
        if (_ownsDirectory)
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* leave the temp dir if a file is still held */ }
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        process.Dispose();
    }

    [GeneratedRegex(@"Web dashboard and API: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
