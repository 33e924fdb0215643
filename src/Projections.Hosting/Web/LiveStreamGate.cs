using System.Net;
using Microsoft.Extensions.Options;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Web;

/// <summary>
/// Counts open live streams, in all and per client address, and refuses a new one beyond either cap, so
/// clients that open streams and never close them cannot exhaust the host's memory and connections.
/// </summary>
internal sealed class LiveStreamGate(IOptions<WebOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private int _open;

    /// <summary>Streams open now.</summary>
    public int Open { get { lock (_gate) return _open; } }

    /// <summary>A lease to dispose when the stream ends, or null with the reason it was refused.</summary>
    public IDisposable? TryEnter(IPAddress? client, out string? refusal)
    {
        var address = client is null ? IPAddress.None : client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var limits = options.Value;
        lock (_gate)
        {
            _perClient.TryGetValue(address, out var mine);
            refusal = _open >= limits.MaxLiveStreams
                ? $"The host already serves {_open} live streams, its limit ({HostOptionCatalog.MaxLiveStreams.Display}); try again later."
                : mine >= limits.MaxLiveStreamsPerClient
                    ? $"This client address already holds {mine} live streams, the limit per address ({HostOptionCatalog.MaxLiveStreamsPerClient.Display}); close one and try again."
                    : null;
            if (refusal is not null) return null;
            _open++;
            _perClient[address] = mine + 1;
        }
        return new Lease(this, address);
    }

    private void Leave(IPAddress address)
    {
        lock (_gate)
        {
            _open--;
            if (--_perClient[address] == 0) _perClient.Remove(address);
        }
    }

    private sealed class Lease(LiveStreamGate gate, IPAddress address) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) gate.Leave(address);
        }
    }
}
