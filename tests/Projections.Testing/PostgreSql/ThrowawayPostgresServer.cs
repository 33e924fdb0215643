namespace Projections.Testing.PostgreSql;

/// <summary>
/// A PostgreSQL 15 server of its own: initdb into a temporary folder, started with pg_ctl on a free
/// 127.0.0.1 port (its unix socket in that folder too), stopped and deleted on dispose. Folders left by
/// a killed test run are found by their owner file and cleaned up when the next server starts.
/// </summary>
public sealed class ThrowawayPostgresServer : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    /// <summary>Where every throwaway server keeps its folder (and the owner file beside it).</summary>
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "projections-postgres-tests");
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly PostgresBinaries _binaries;
    private readonly string _folder;
    private bool _stopped;

    private ThrowawayPostgresServer(PostgresBinaries binaries, string folder, int port)
    {
        _binaries = binaries;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for <paramref name="database"/> as the superuser (trust authentication on loopback).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Pooling=true;Timeout=30;Command Timeout=120";

    /// <summary>Starts a server, or returns null with the reason when PostgreSQL is not installed here.</summary>
    /// <param name="durable">False (tests): fsync and synchronous commit off, since tests kill clients, never the server. True: the defaults (benchmarks).</param>
    public static async Task<(ThrowawayPostgresServer? Server, string Reason)> Start(bool durable = false)
    {
        var binaries = PostgresBinaries.Find(out var reason);
        if (binaries is null || OperatingSystem.IsWindows()) return (null, reason);

        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await RemoveOrphans(binaries);

        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        OwnerFile.Write(folder + ".owner");
        PostgresBinaries.HandOver(folder);
        var data = Path.Combine(folder, "data");
        try
        {
            await binaries.Run("initdb", ["-D", data, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], CommandTimeout);
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPort.Unused();
                try
                {
                    await binaries.Run("pg_ctl", ["start", "-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", ServerOptions(port, folder, durable)], CommandTimeout);
                    return (new ThrowawayPostgresServer(binaries, folder, port), "");
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Another process took the port between probing and binding; try another one.
                }
            }
        }
        catch
        {
            Delete(folder);
            throw;
        }
    }

    private static string ServerOptions(int port, string folder, bool durable)
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200 -c shared_buffers=128MB";
        return durable ? options : options + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    }

    private static async Task RemoveOrphans(PostgresBinaries binaries)
    {
        foreach (var owner in Directory.GetFiles(Root, "*.owner"))
        {
            if (OwnerFile.OwnerIsAlive(owner)) continue;
            var folder = owner[..^".owner".Length];
            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try { await binaries.Run("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], CommandTimeout); }
                catch (InvalidOperationException) { } // not running any more: only the files are left
            }
            Delete(folder);
        }
    }

    private static void Delete(string folder)
    {
        // Another test run starting at the same moment may be removing the same orphan.
        try { Directory.Delete(folder, recursive: true); }
        catch (DirectoryNotFoundException) { }
        File.Delete(folder + ".owner");
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        try { await _binaries.Run("pg_ctl", ["stop", "-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "-t", "60"], CommandTimeout); }
        finally { Delete(_folder); }
    }
}
