using System.Net.Sockets;

namespace Projections.MongoDb.Tests;

/// <summary>Asks the Docker engine for /_ping with a short deadline, so a machine without Docker skips quickly instead of hanging.</summary>
internal static class DockerProbe
{
    public static async Task<bool> Answers(TimeSpan timeout)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        string? socketPath = null;
        Uri baseAddress;
        if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
        {
            socketPath = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
            if (!File.Exists(socketPath)) return false;
            baseAddress = new Uri("http://docker");
        }
        else if (host.StartsWith("tcp://", StringComparison.Ordinal))
        {
            baseAddress = new Uri("http://" + host["tcp://".Length..]);
        }
        else
        {
            return false;
        }

        var handler = new SocketsHttpHandler();
        if (socketPath is not null)
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
        try
        {
            using var response = await client.GetAsync("/_ping");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            return false;
        }
    }
}
