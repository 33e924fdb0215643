using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Projections.Core.Events;
using Projections.Core.Resilience;
using Projections.EventStoreDb.Errors;

namespace Projections.EventStoreDb.Connection;

/// <summary>
/// Holds the channel to the chosen node. It connects lazily, detects capabilities once per node,
/// rediscovers after the node became unreachable and follows "not leader" answers to the leader.
/// </summary>
internal sealed class EventStoreDbConnection : IAsyncDisposable
{
    private readonly EventStoreDbSettings _settings;
    private readonly GossipDiscovery _discovery;
    private readonly Metadata _headers;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private NodeConnection? _current;
    private EndPointAddress? _preferred;
    private bool _disposed;
    private readonly CancellationTokenSource _disposing = new();
    private Task _lastRetirement = Task.CompletedTask;

    private readonly EventStoreDbOptions _options;

    public EventStoreDbConnection(EventStoreDbSettings settings, EventStoreDbOptions options)
    {
        _settings = settings;
        _options = options;
        _discovery = new GossipDiscovery(settings);
        _headers = BuildHeaders(settings);
    }

    public EventStoreDbSettings Settings => _settings;

    /// <summary>Lets tests present a newer server as an older one (fewer capabilities) to exercise the fallbacks.</summary>
    internal Func<ServerCapabilities, ServerCapabilities>? AdjustCapabilities { get; init; }

    internal static Metadata BuildHeaders(EventStoreDbSettings settings)
    {
        var headers = new Metadata
        {
            { "requires-leader", settings.NodePreference == NodePreference.Leader ? "true" : "false" },
            { "connection-name", settings.ConnectionName },
        };
        // Put directly into the headers: Grpc.Net.Client does not send CallCredentials over h2c.
        if (settings.Credentials is { } c)
            headers.Add("authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}")));
        return headers;
    }

    /// <summary>Options for a streaming call: no deadline (the server would cancel a subscription).</summary>
    public CallOptions StreamingCall(CancellationToken cancellationToken) => new(_headers, cancellationToken: cancellationToken);

    /// <summary>Options for a unary or append call, with the configured default deadline.</summary>
    public CallOptions UnaryCall(CancellationToken cancellationToken) =>
        new(_headers, _settings.DefaultDeadline is { } d ? DateTime.UtcNow + d : null, cancellationToken);

    public async Task<NodeConnection> GetNode(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } current) return current;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not null) return _current;
            var endPoint = _preferred ?? (_settings.UseDiscovery
                ? await _discovery.Discover(cancellationToken).ConfigureAwait(false)
                : _settings.Hosts[0]);
            var channel = ChannelFactory.Create(_settings, endPoint);
            try
            {
                var capabilities = await ServerCapabilities.Detect(channel, endPoint, UnaryCall(cancellationToken)).ConfigureAwait(false);
                if (AdjustCapabilities is not null) capabilities = AdjustCapabilities(capabilities);
                _current = new NodeConnection(endPoint, channel, capabilities);
                return _current;
            }
            catch (RpcException ex) when (FindTlsFailure(ex) is { } tls)
            {
                channel.Dispose();
                _preferred = null;
                throw new EventStoreException(
                    $"TLS with EventStoreDB at {endPoint} failed: {tls.Message} Trust the server's CA with tlsCaFile=..., or use tlsVerifyCert=false for development certificates.", ex);
            }
            catch (RpcException ex)
            {
                channel.Dispose();
                _preferred = null;
                throw RpcErrorMapper.Map(ex, $"connecting to {endPoint}") switch
                {
                    EventStoreUnavailableException u => new EventStoreUnavailableException($"EventStoreDB at {endPoint} is not reachable: {ex.StatusCode} {ex.Status.Detail}", u.InnerException),
                    var other => other,
                };
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A certificate the client does not trust is not transient: retrying would never succeed.</summary>
    private static AuthenticationException? FindTlsFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is AuthenticationException tls) return tls;
        return null;
    }

    /// <summary>False once <paramref name="node"/> was reset: its channel will be disposed, so long-lived calls should move on.</summary>
    public bool IsCurrent(NodeConnection node) => Volatile.Read(ref _current) == node;

    /// <summary>Forgets a node that failed, so the next call reconnects (and rediscovers in a cluster).</summary>
    public void Reset(NodeConnection failed, EndPointAddress? next = null)
    {
        if (Interlocked.CompareExchange(ref _current, null, failed) == failed)
        {
            _preferred = next;
            _lastRetirement = Retire(failed.Channel);
        }
    }

    /// <summary>Completes once the channel of the last reset node is disposed (tests wait on it).</summary>
    internal Task LastRetirement => Volatile.Read(ref _lastRetirement);

    /// <summary>
    /// Other calls may still be starting on a channel that one call found broken; disposing it at once
    /// would fail them with ObjectDisposedException instead of a transport error they retry. So the
    /// channel is disposed a little later (or when the connection is disposed). A call still running on
    /// it then (a subscription on a channel another call reset spuriously) sees ObjectDisposedException,
    /// which every caller treats as a lost connection.
    /// </summary>
    private async Task Retire(GrpcChannel channel)
    {
        try
        {
            await Task.Delay(_options.RetiredChannelGrace, _disposing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        channel.Dispose();
    }

    /// <summary>
    /// Runs one call, following a "not leader" answer to the named leader (a few times at most), and
    /// retrying with backoff, for up to <see cref="EventStoreDbOptions.TransientRetryTimeout"/>, when
    /// the request provably did not take effect: the node refused the connection, or answered that it
    /// is not ready or too busy (as during a restart). Anything else is mapped to the Core's exceptions.
    /// </summary>
    /// <param name="idempotent">
    /// True when repeating the call cannot change its effect (reads; appends of fixed event ids with an
    /// exact or no-stream expectation, which the server deduplicates). Such calls are also retried after
    /// transient failures whose outcome is unknown, such as a connection dropped mid-call.
    /// </param>
    public async Task<T> Run<T>(string operation, string? streamId, ExpectedRevision? expected,
        Func<NodeConnection, Task<T>> call, CancellationToken cancellationToken, bool idempotent = false)
    {
        var giveUpAt = DateTime.UtcNow + _options.TransientRetryTimeout;
        var backoff = new Backoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay);
        for (var redirects = 0; ; )
        {
            Exception failure;
            NodeConnection? node = null;
            try
            {
                node = await GetNode(cancellationToken).ConfigureAwait(false);
                return await call(node).ConfigureAwait(false);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = RpcErrorMapper.Map(ex, operation, streamId, expected);
                if (failure is NotLeaderException { LeaderHost: { } host, LeaderPort: { } port } && redirects++ < 3)
                {
                    Reset(node!, new EndPointAddress(host, port));
                    continue;
                }
                if (failure is EventStoreUnavailableException) Reset(node!);
                if (!NotDelivered(ex) && !(idempotent && failure is EventStoreUnavailableException)) throw failure;
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && node is not null)
            {
                Reset(node);
                failure = new EventStoreUnavailableException($"EventStoreDB {operation} failed: {node.EndPoint} is not reachable ({ex.Message}).", ex);
                if (!NotDelivered(ex) && !idempotent) throw failure;
            }
            catch (ObjectDisposedException ex) when (!cancellationToken.IsCancellationRequested && node is not null && !_disposed)
            {
                Reset(node);
                failure = new EventStoreUnavailableException($"EventStoreDB {operation} failed: its connection to {node.EndPoint} was closed after another call found it broken.", ex);
                if (!idempotent) throw failure;
            }
            catch (EventStoreUnavailableException ex) when (node is null && (NotDelivered(ex) || idempotent))
            {
                failure = ex; // connecting failed before anything was sent
            }

            var delay = backoff.Next();
            if (DateTime.UtcNow + delay > giveUpAt) throw failure;
            _options.OnReconnecting?.Invoke(failure, delay);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when the failure shows the request never reached the server or was refused before any write.</summary>
    internal static bool NotDelivered(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
                return true;
            if (e is RpcException rpc)
            {
                if (rpc.StatusCode == StatusCode.Unavailable && rpc.Status.Detail is "Server Is Not Ready" or "Server Is Too Busy") return true;
                if (rpc.Status.DebugException is { } debug && NotDelivered(debug)) return true;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            _current?.Channel.Dispose();
            _current = null;
            await _disposing.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
