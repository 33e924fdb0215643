namespace Projections.EventStoreDb.Connection;

public enum NodePreference { Leader, Follower, Random, ReadOnlyReplica }

public sealed record EndPointAddress(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";
}

public sealed record UserCredentials(string Username, string Password);

/// <summary>Settings parsed from an <c>esdb://</c> connection string (defaults are the official client's).</summary>
public sealed record EventStoreDbSettings
{
    public const int DefaultPort = 2113;

    public required IReadOnlyList<EndPointAddress> Hosts { get; init; }
    /// <summary>Hosts are gossip seeds (esdb+discover:// or several hosts) rather than one node to use directly.</summary>
    public bool UseDiscovery { get; init; }
    public UserCredentials? Credentials { get; init; }
    public bool Tls { get; init; } = true;
    public bool TlsVerifyCert { get; init; } = true;
    public string? TlsCaFile { get; init; }
    public string? UserCertFile { get; init; }
    public string? UserKeyFile { get; init; }
    public string ConnectionName { get; init; } = $"ES-{Guid.NewGuid()}";
    public NodePreference NodePreference { get; init; } = NodePreference.Leader;
    public int MaxDiscoverAttempts { get; init; } = 10;
    public TimeSpan DiscoveryInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan GossipTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Deadline for non-streaming calls; null means none.</summary>
    public TimeSpan? DefaultDeadline { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> disables keep-alive pings.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool ThrowOnAppendFailure { get; init; } = true;

    /// <summary>A description for logs: hosts and options that matter, never the password.</summary>
    public string Describe() =>
        $"EventStoreDB {(UseDiscovery ? "cluster via " : "")}{string.Join(",", Hosts)} ({(Tls ? "tls" : "insecure")}{(Credentials is null ? "" : $", user {Credentials.Username}")})";
}
