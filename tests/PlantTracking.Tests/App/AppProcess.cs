using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace PlantTracking.Tests.App;

/// <summary>
/// The built sample application (<c>dotnet PlantTracking.App.dll ...</c>) as a child process, with its output captured
/// line by line so tests can wait for what it prints.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<DateTime> _arrivals = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    public static string HostDll => PlantApp.Dll;

    public string Arguments => string.Join(' ', _process.StartInfo.ArgumentList);
    public int Id => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Starts the sample application; <paramref name="environment"/> adds variables (as an orchestrator sets them for one replica).</summary>
    public static AppProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) => Start(HostDll, args, environment: environment);

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c>, an application built from the sample or from the template.</summary>
    public static AppProcess Start(string dll, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Children must not inherit settings meant for the test process.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PROJECTIONS__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new AppProcess(process);
        process.OutputDataReceived += (_, e) => host.Add(e.Data, "");
        process.ErrorDataReceived += (_, e) => host.Add(e.Data, "stderr: ");
        process.Exited += (_, _) => host._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> Run(IEnumerable<string> args, TimeSpan timeout)
    {
        await using var host = Start(args);
        var exitCode = await host.WaitForExit(timeout);
        return (exitCode, host.Output);
    }

    /// <summary>Runs <c>dotnet <paramref name="dll"/> args</c> in <paramref name="workingDirectory"/> to completion.</summary>
    public static async Task<(int ExitCode, string Output)> Run(string dll, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        await using var host = Start(dll, args, workingDirectory);
        var exitCode = await host.WaitForExit(timeout);
        return (exitCode, host.Output);
    }

    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines); }
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public async Task<int> WaitForExit(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"'{Arguments}' did not exit within {timeout}. Output so far:\n{Output}");
        }
        // Exited fires before the redirected streams are drained; this waits for them.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>Kills the host and everything it started, without letting it flush or checkpoint.</summary>
    public void Kill()
    {
        if (!HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary>Asks the host to stop as Ctrl+C / docker stop would (SIGTERM).</summary>
    public void Terminate()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("SIGTERM needs a POSIX system.");
        if (!HasExited && SendSignal(_process.Id, 15) != 0)
            throw new InvalidOperationException($"kill(SIGTERM) failed for {_process.Id}: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Freezes the host (SIGSTOP), as a long GC pause or a stalled VM would: it neither renews nor writes until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(19, "SIGSTOP");

    /// <summary>
    /// Freezes the host and waits until every one of its threads has stopped: SIGSTOP takes effect when a thread returns
    /// to user space, so a write the host was in the middle of (a commit) still lands after the signal was sent. Once all
    /// threads are stopped, what the store holds is what the host wrote.
    /// </summary>
    public async Task FreezeFully(TimeSpan deadline)
    {
        Freeze();
        await Projections.Testing.Eventually.Until(() => HasExited || AllThreadsStopped(), deadline, $"process {_process.Id} stopping all its threads after SIGSTOP");
    }

    private bool AllThreadsStopped()
    {
        try
        {
            return Directory.GetDirectories($"/proc/{_process.Id}/task").All(task =>
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0]; // the field after "(name)"
                return state is 'T' or 't';
            });
        }
        catch (IOException) { return false; } // a thread ended while listed: look again
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Lets a frozen host run again (SIGCONT).</summary>
    public void Thaw() => Signal(18, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException($"{name} is sent with Linux signal numbers.");
        if (!HasExited && SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({name}) failed for {_process.Id}: errno {Marshal.GetLastPInvokeError()}");
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Add(string? line, string prefix)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(prefix + line);
            _arrivals.Add(DateTime.UtcNow);
        }
    }

    /// <summary>When (UTC, as read from the pipe) the first line after <paramref name="after"/> that matches arrived; null when none has.</summary>
    public DateTime? ArrivedAt(Func<string, bool> match, DateTime after)
    {
        lock (_lines)
            for (var i = 0; i < _lines.Count; i++)
                if (_arrivals[i] > after && match(_lines[i])) return _arrivals[i];
        return null;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
