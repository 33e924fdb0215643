using System.Diagnostics;
using Xunit;

namespace Projections.Sqlite.Tests.Outages;

/// <summary>
/// Another process — Debian's sqlite3 shell — holding the write lock of a database file
/// (BEGIN EXCLUSIVE) until <see cref="Release"/>.
/// </summary>
public sealed class LockingProcess : IDisposable
{
    private const string Shell = "/usr/bin/sqlite3";
    private readonly Process _process;

    private LockingProcess(Process process) => _process = process;

    public static async Task<LockingProcess> LockOrSkip(string databaseFile, CancellationToken ct)
    {
        if (!File.Exists(Shell)) Assert.Skip($"{Shell} is missing (apt-get install -y sqlite3): the lock test needs another process holding the lock.");
        var process = Process.Start(new ProcessStartInfo(Shell, [databaseFile])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        await process.StandardInput.WriteLineAsync("BEGIN EXCLUSIVE; INSERT INTO projection_generations SELECT * FROM projection_generations WHERE 0; SELECT 'holding';");
        await process.StandardInput.FlushAsync(ct);
        var line = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
        if (line != "holding")
            throw new InvalidOperationException($"sqlite3 did not take the lock: {line} {await process.StandardError.ReadToEndAsync(ct)}");
        return new LockingProcess(process);
    }

    public async Task Release()
    {
        await _process.StandardInput.WriteLineAsync("COMMIT;");
        await _process.StandardInput.WriteLineAsync(".quit");
        await _process.StandardInput.FlushAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
