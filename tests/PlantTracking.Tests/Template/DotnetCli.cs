using System.Diagnostics;
using System.Text;

namespace PlantTracking.Tests.Template;

/// <summary>
/// Runs <c>dotnet</c> commands (pack, new, build, test) as a user would, in a given directory, with an
/// environment cleaned of what the test host inherited from its own build; a failure shows the command's output.
/// </summary>
internal sealed class DotnetCli(IReadOnlyDictionary<string, string> environment)
{
    /// <summary>Runs <c>dotnet args</c> in <paramref name="directory"/>; throws with the whole output when it fails or outlives <paramref name="timeout"/>.</summary>
    public async Task<string> Run(string directory, TimeSpan timeout, params string[] args)
    {
        var (exitCode, output) = await RunUnchecked(directory, timeout, args);
        if (exitCode != 0)
            throw new InvalidOperationException($"'dotnet {string.Join(' ', args)}' in {directory} exited with {exitCode}:\n{output}");
        return output;
    }

    public async Task<(int ExitCode, string Output)> RunUnchecked(string directory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Clean(info.Environment);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) throw new TimeoutException($"'dotnet {string.Join(' ', args)}' in {directory} did not finish within {timeout}:\n{output}");
        }
        await process.WaitForExitAsync(); // drains the redirected streams
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>
    /// The test host runs under the SDK that built it: MSBuild's and the test platform's variables would steer
    /// the child's build, and PROJECTIONS__ settings meant for this process would configure the app.
    /// </summary>
    private static void Clean(IDictionary<string, string?> env)
    {
        string[] prefixes = ["MSBUILD", "DOTNET_HOST_PATH", "TESTINGPLATFORM_", "PROJECTIONS__", "VSTEST"];
        foreach (var key in env.Keys.Where(k => prefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            env.Remove(key);
    }
}
