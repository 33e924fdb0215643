using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Projections.EventStoreDb.Connection;

/// <summary>Creates the gRPC channel to one node: h2c when tls=false, TLS otherwise.</summary>
internal static class ChannelFactory
{
    /// <summary>Events can be up to 16 MiB; the default 4 MB receive limit would reject them.</summary>
    public const int MaxReceiveMessageSize = 17 * 1024 * 1024;

    public static Uri AddressOf(EventStoreDbSettings settings, EndPointAddress endPoint)
    {
        var host = endPoint.Host.Contains(':') ? $"[{endPoint.Host}]" : endPoint.Host;
        return new Uri($"{(settings.Tls ? "https" : "http")}://{host}:{endPoint.Port}");
    }

    public static GrpcChannel Create(EventStoreDbSettings settings, EndPointAddress endPoint) =>
        GrpcChannel.ForAddress(AddressOf(settings, endPoint), new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(settings),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxReceiveMessageSize,
        });

    /// <summary>The HTTP/2 handler of a channel; the batch append call uses one of its own (<c>BatchAppendCall</c>).</summary>
    public static SocketsHttpHandler CreateHandler(EventStoreDbSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = settings.KeepAliveInterval,
            KeepAlivePingTimeout = settings.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // Every open subscription holds one HTTP/2 stream; Kestrel allows 100 per connection.
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = settings.GossipTimeout,
        };
        if (settings.Tls) ConfigureTls(handler.SslOptions, settings);
        return handler;
    }

    private static void ConfigureTls(SslClientAuthenticationOptions ssl, EventStoreDbSettings settings)
    {
        if (!settings.TlsVerifyCert)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (settings.TlsCaFile is { } caFile)
        {
            var ca = LoadCertificate(caFile, "tlsCaFile");
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateAgainst(ca, certificate, errors);
        }

        // The parser accepts userCertFile only together with userKeyFile.
        if (settings is { UserCertFile: { } certFile, UserKeyFile: { } keyFile })
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
    }

    private static X509Certificate2 LoadCertificate(string path, string option)
    {
        if (!File.Exists(path))
            throw new InvalidConnectionStringException($"{option} '{path}' does not exist.");
        return X509CertificateLoader.LoadCertificateFromFile(path);
    }

    private static bool ValidateAgainst(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}
