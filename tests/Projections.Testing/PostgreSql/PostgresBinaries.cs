using System.Diagnostics;

namespace Projections.Testing.PostgreSql;

/// <summary>
/// Finds Debian's PostgreSQL 15 programs and runs them. PostgreSQL refuses to run as root, so as root
/// every program runs as the "postgres" user through runuser.
/// </summary>
internal sealed class PostgresBinaries(string directory)
{
    public const string DebianDirectory = "/usr/lib/postgresql/15/bin";
    public const string OsUser = "postgres";

    public string Directory { get; } = directory;

    /// <summary>The installed binaries, or null with the reason they cannot be used.</summary>
    public static PostgresBinaries? Find(out string reason)
    {
        reason = "";
        if (!OperatingSystem.IsLinux())
        {
            reason = "the throwaway PostgreSQL server is only started on Linux";
            return null;
        }
        if (!File.Exists(Path.Combine(DebianDirectory, "initdb")) || !File.Exists(Path.Combine(DebianDirectory, "pg_ctl")))
        {
            reason = $"PostgreSQL 15 is not installed ({DebianDirectory}/initdb is missing; `apt-get install postgresql-15` installs it)";
            return null;
        }
        return new PostgresBinaries(DebianDirectory);
    }

    public static bool RunningAsRoot => Environment.UserName == "root";

    /// <summary>Runs a program to completion; throws with its output when it fails.</summary>
    public async Task Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (RunningAsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", OsUser, "--" }) start.ArgumentList.Add(a);
            start.ArgumentList.Add(Path.Combine(Directory, program));
        }
        else
        {
            start.FileName = Path.Combine(Directory, program);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout.TotalSeconds:0} s.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} failed with exit code {process.ExitCode}: {await stderr}{await stdout}");
    }

    /// <summary>Gives a folder to the user the server runs as (initdb wants to own its data folder).</summary>
    public static void HandOver(string path)
    {
        if (!RunningAsRoot) return;
        using var chown = Process.Start(new ProcessStartInfo("chown", [$"{OsUser}:{OsUser}", path]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("Could not start chown.");
        var error = chown.StandardError.ReadToEnd();
        chown.WaitForExit();
        if (chown.ExitCode != 0)
            throw new InvalidOperationException($"Could not give '{path}' to user '{OsUser}' (does the user exist? `apt-get install postgresql-15` creates it): {error}");
    }
}
