using Microsoft.Extensions.Configuration;
using Projections.Core;
using Projections.Host.Cli;
using static Projections.Host.Cli.HostOptionCatalog;

namespace Projections.Host.Configuration;

/// <summary>Reads and validates <see cref="HostSettings"/> from merged configuration (file, environment, command line).</summary>
public static class HostSettingsReader
{
    public static HostSettings Read(IConfiguration configuration)
    {
        string? Get(HostOption option)
        {
            var value = configuration[option.ConfigKey];
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        var defaults = new ProjectionEngineOptions();
        var engine = defaults with
        {
            Partitions = Get(Partitions) is { } p ? ValueParsers.Int(Partitions, p, 1, 1024) : defaults.Partitions,
            MaxBatchSize = Get(MaxBatchSize) is { } b ? ValueParsers.Int(MaxBatchSize, b, 1, 1_000_000) : defaults.MaxBatchSize,
            MaxFlushInterval = Get(MaxFlushInterval) is { } f
                ? ValueParsers.Duration(MaxFlushInterval, f, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1))
                : defaults.MaxFlushInterval,
            MaxUnflushedEvents = Get(MaxUnflushedEvents) is { } e ? ValueParsers.Long(MaxUnflushedEvents, e, 1, long.MaxValue) : defaults.MaxUnflushedEvents,
            MaxUnflushedBytes = Get(MaxUnflushedBytes) is { } by ? ValueParsers.Long(MaxUnflushedBytes, by, 1024, long.MaxValue) : defaults.MaxUnflushedBytes,
            MaxLiveAggregates = Get(MaxLiveAggregates) is { } l ? ValueParsers.Int(MaxLiveAggregates, l, 1, int.MaxValue) : defaults.MaxLiveAggregates,
            WallClockAdvancesIdleStreamTime = Get(WallClockAdvance) is { } w ? ValueParsers.Bool(WallClockAdvance, w) : defaults.WallClockAdvancesIdleStreamTime,
            AllowedLateness = Get(AllowedLateness) is { } al
                ? ValueParsers.Duration(AllowedLateness, al, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24))
                : defaults.AllowedLateness,
        };
        if (Get(LeaseTtl) is { } ttl)
        {
            var leaseTtl = ValueParsers.Duration(LeaseTtl, ttl, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
            engine = engine with { LeaseTimeToLive = leaseTtl, LeaseRenewInterval = leaseTtl / 10 };
        }

        var simulator = new SimulatorSettings(
            Enabled: Get(Simulate) is not { } s || ValueParsers.Bool(Simulate, s),
            Items: Get(Items) is { } i ? ValueParsers.Int(Items, i, 1, 10_000_000) : 200,
            Stations: Get(Stations) is { } st ? ValueParsers.Int(Stations, st, 2, 10_000) : 12,
            Rate: Get(Rate) is { } r ? ReadRate(r) : 500,
            Duration: Get(Duration) is { } d ? ValueParsers.Duration(Duration, d, TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue) : null,
            TotalEvents: Get(TotalEvents) is { } t ? ValueParsers.Long(TotalEvents, t, 1, long.MaxValue) : null,
            Seed: Get(Seed) is { } sd ? ValueParsers.Int(Seed, sd, int.MinValue, int.MaxValue) : null);

        return new HostSettings
        {
            DataDirectory = ReadDataDirectory(Get(DataDirectory) ?? "./data"),
            EventStore = Get(EventStore) is { } es ? ConnectionStrings.EventStore(EventStore, es) : null,
            Mongo = Get(Mongo) is { } m ? ConnectionStrings.Mongo(Mongo, m) : null,
            MongoDatabase = Get(MongoDatabase) is { } db ? ReadMongoDatabase(db) : null,
            Postgres = Get(HostOptionCatalog.Postgres) is { } pg
                ? Get(Mongo) is null ? ConnectionStrings.Postgres(HostOptionCatalog.Postgres, pg) : throw OneProjectionStore()
                : null,
            Engine = engine,
            Simulator = simulator,
            Urls = ReadUrls(Get(Urls) ?? "http://127.0.0.1:5080"),
            AdminToken = Get(AdminToken),
            Progress = Get(HostOptionCatalog.Progress) is { } pm ? ValueParsers.Enum<ProgressMode>(HostOptionCatalog.Progress, pm) : ProgressMode.Auto,
            ProgressInterval = Get(ProgressInterval) is { } pi
                ? ValueParsers.Duration(ProgressInterval, pi, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1))
                : null,
        };
    }

    private static double? ReadRate(string value) =>
        string.Equals(value.Trim(), "max", StringComparison.OrdinalIgnoreCase) ? null
        : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0 && double.IsFinite(rate) ? rate
        : throw ValueParsers.Invalid(Rate, value, "expected events per second (a number greater than 0) or max");

    private static string ReadDataDirectory(string value)
    {
        try
        {
            return Path.GetFullPath(value);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw ValueParsers.Invalid(DataDirectory, value, "expected a directory path");
        }
    }

    private static HostUserException OneProjectionStore() =>
        new($"{Mongo.Display} and {HostOptionCatalog.Postgres.Display} both name a projection store; give one of them.");

    private static string ReadMongoDatabase(string value)
    {
        // MongoDB forbids these characters in database names.
        if (value.Length > 63 || value.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?']) >= 0)
            throw ValueParsers.Invalid(MongoDatabase, value, "expected a MongoDB database name (at most 63 characters, none of /\\. \"$*<>:|?)");
        return value;
    }

    private static IReadOnlyList<string> ReadUrls(string value)
    {
        var urls = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            // Kestrel accepts * and + as "any address"; Uri does not.
            var checkable = url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal);
            if (!Uri.TryCreate(checkable, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                throw ValueParsers.Invalid(Urls, value, "expected http:// or https:// addresses separated by ';', such as http://127.0.0.1:5080");
        }
        return urls.Length > 0 ? urls : throw ValueParsers.Invalid(Urls, value, "expected at least one address");
    }
}
