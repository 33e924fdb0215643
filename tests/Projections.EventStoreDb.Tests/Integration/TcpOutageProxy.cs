using System.Net;
using System.Net.Sockets;
using Projections.Testing;

namespace Projections.EventStoreDb.Tests.Integration;

/// <summary>
/// A loopback TCP proxy in front of the server, so a test can make the server "go away" (every
/// connection is cut and new ones are refused) and "come back" without losing its in-memory data.
/// </summary>
public sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public TcpOutageProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        Port = LoopbackPort.Unused();
        Start();
    }

    public int Port { get; }

    /// <summary>Cuts every connection and stops listening.</summary>
    public async Task GoAway()
    {
        _listener?.Stop();
        await _acceptLoop.ConfigureAwait(false);
        lock (_open)
        {
            foreach (var client in _open) client.Close();
            _open.Clear();
        }
    }

    public void ComeBack() => Start();

    private void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        var listener = _listener;
        _acceptLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient inbound;
                try { inbound = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException) { return; }
                _ = Relay(inbound);
            }
        });
    }

    private async Task Relay(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (_open) { _open.Add(inbound); _open.Add(outbound); }
        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token).ConfigureAwait(false);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token)).ConfigureAwait(false);
        }
        catch (Exception) { /* a cut connection ends the relay */ }
        finally
        {
            inbound.Close();
            outbound.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await GoAway();
        _stop.Dispose();
    }
}
