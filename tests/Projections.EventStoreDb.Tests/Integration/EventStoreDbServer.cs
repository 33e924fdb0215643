using System.Diagnostics;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Projections.Testing;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>
/// The EventStoreDB the integration tests run against: the connection string in
/// PROJECTIONS_TEST_ESDB, else a Testcontainers container when a Docker engine answers, else none
/// (tests then skip with a reason naming the variable).
/// </summary>
public sealed class EventStoreDbServer : IAsyncLifetime
{
    public const string ConnectionVariable = "PROJECTIONS_TEST_ESDB";
    public const string RestartVariable = "PROJECTIONS_TEST_ESDB_RESTART";
    public const string ImageVariable = "PROJECTIONS_TEST_ESDB_IMAGE";
    private const string DefaultImage = "eventstore/eventstore:23.10.6-bookworm-slim";

    private IContainer? _container;

    public string? ConnectionString { get; private set; }
    public string? UnavailableReason { get; private set; }
    /// <summary>A shell command that stops and starts the server found through the variable (optional).</summary>
    public string? RestartCommand { get; } = Environment.GetEnvironmentVariable(RestartVariable);

    public bool CanRestart => _container is not null || !string.IsNullOrWhiteSpace(RestartCommand);

    public async ValueTask InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(ConnectionString)) return;
        ConnectionString = null;

        if (!DockerAnswers())
        {
            UnavailableReason = $"set {ConnectionVariable} to a connection string (e.g. esdb://127.0.0.1:2113?tls=false), or run where a Docker engine answers.";
            return;
        }

        try
        {
            // The database stays on the container's disk (no EVENTSTORE_MEM_DB), so a restart keeps the events
            // and the restart tests can pass under Docker.
            _container = new ContainerBuilder(Environment.GetEnvironmentVariable(ImageVariable) ?? DefaultImage)
                .WithEnvironment("EVENTSTORE_INSECURE", "true")
                .WithEnvironment("EVENTSTORE_TELEMETRY_OPTOUT", "true")
                .WithPortBinding(2113, true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(2113).ForPath("/health/live")))
                .Build();
            await _container.StartAsync();
            ConnectionString = $"esdb://{_container.Hostname}:{_container.GetMappedPublicPort(2113)}?tls=false";
        }
        catch (Exception ex)
        {
            UnavailableReason = $"Docker answered but the EventStoreDB container did not start ({ex.Message}); set {ConnectionVariable} instead.";
        }
    }

    /// <summary>Skips (or, under PROJECTIONS_TEST_REQUIRE_SERVERS=1, fails) the calling test with a reason naming the variable when no server is available.</summary>
    public string RequireConnectionString()
    {
        if (ConnectionString is null) MissingServer.SkipOrFail(TestServer.EventStoreDB, UnavailableReason ?? $"set {ConnectionVariable}.");
        return ConnectionString;
    }

    /// <summary>Stops the server and starts it again (container restart, or the command in PROJECTIONS_TEST_ESDB_RESTART).</summary>
    public async Task Restart(CancellationToken cancellationToken)
    {
        await StopAndStart(cancellationToken);
        await WaitUntilServing(cancellationToken);
    }

    private async Task StopAndStart(CancellationToken cancellationToken)
    {
        if (_container is not null)
        {
            await _container.StopAsync(cancellationToken);
            await _container.StartAsync(cancellationToken);
            ConnectionString = $"esdb://{_container.Hostname}:{_container.GetMappedPublicPort(2113)}?tls=false";
            return;
        }
        if (string.IsNullOrWhiteSpace(RestartCommand))
            throw new InvalidOperationException($"Set {RestartVariable} to a command that restarts the server.");

        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", RestartCommand]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not run {RestartVariable}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{RestartVariable} exited with {process.ExitCode}.");
    }

    /// <summary>A node answers /health/live before it has become leader; wait until it serves reads on $all.</summary>
    private async Task WaitUntilServing(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        await using var store = EventStoreDbEventStore.Connect(ConnectionString!);
        while (true)
        {
            try
            {
                await store.ReadHeadPosition(cancellationToken);
                return;
            }
            catch (Core.Events.EventStoreException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static bool DockerAnswers()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host)) return true;
        return File.Exists("/var/run/docker.sock");
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
