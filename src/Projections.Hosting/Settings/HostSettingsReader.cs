using Microsoft.Extensions.Configuration;
using Projections.Core;
using Projections.Hosting.Stores;
using static Projections.Hosting.Settings.HostOptionCatalog;

namespace Projections.Hosting.Settings;

/// <summary>Reads and validates <see cref="HostSettings"/> from merged configuration (file, environment, command line).</summary>
public static class HostSettingsReader
{
    /// <summary>Reads every option the registration knows; a bad value is a <see cref="HostUserException"/> naming it.</summary>
    public static HostSettings Read(IConfiguration configuration, ProjectionsRegistration registration)
    {
        string? Get(HostOption option)
        {
            var value = configuration[option.ConfigKey];
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        var engine = new ProjectionEngineOptions();
        foreach (var setting in registration.EngineSettings)
        {
            if (Get(setting.Option) is { } value) engine = setting.Apply(engine, value);
        }
        if (PoisonPolicyReader.ReadPerProjection(configuration, registration.EngineSettings.Single(s => s.Option.Name == "on-poison").Option) is { Count: > 0 } perProjection)
            engine = engine with { OnPoisonByProjection = perProjection };
        if (ReadShardsPerProjection(configuration, registration.EngineSettings.Single(s => s.Option.Name == "shards").Option) is { Count: > 0 } shards)
            engine = engine with { ShardsByProjection = shards };

        var urls = ReadUrls(Get(Urls) ?? "http://127.0.0.1:5080");
        return new HostSettings
        {
            DataDirectory = ReadDataDirectory(Get(DataDirectory) ?? registration.DataDirectory ?? "./data"),
            EventSource = Select(registration.EventSources, Get, configuration, "events come from one store"),
            ProjectionStore = Select(registration.ProjectionStores, Get, configuration, "projections are persisted in one store"),
            Engine = engine,
            Urls = urls,
            AllowedHosts = Get(AllowedHosts) is { } hosts ? AllowedHostNames.Parse(AllowedHosts, hosts) : AllowedHostNames.Default(urls),
            AdminToken = AdminTokenReader.Read(configuration[AdminToken.ConfigKey], Get(AdminTokenFile)),
            MaxLiveStreams = Get(MaxLiveStreams) is { } ms ? ValueParsers.Int(MaxLiveStreams, ms, 1, 100_000) : Web.WebOptions.DefaultMaxLiveStreams,
            MaxLiveStreamsPerClient = Get(MaxLiveStreamsPerClient) is { } mc
                ? ValueParsers.Int(MaxLiveStreamsPerClient, mc, 1, 100_000)
                : Web.WebOptions.DefaultMaxLiveStreamsPerClient,
            MaxEntityScans = Get(MaxEntityScans) is { } es ? ValueParsers.Int(MaxEntityScans, es, 1, 1_000) : Web.WebOptions.DefaultMaxEntityScans,
            Progress = Get(HostOptionCatalog.Progress) is { } pm ? ValueParsers.Enum<ProgressMode>(HostOptionCatalog.Progress, pm) : ProgressMode.Auto,
            ProgressInterval = Get(ProgressInterval) is { } pi
                ? ValueParsers.Duration(ProgressInterval, pi, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1))
                : null,
            ReconcileInterval = Get(ReconcileInterval) is { } ri
                ? ValueParsers.Duration(ReconcileInterval, ri, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(7))
                : null,
            ReconcileSample = Get(ReconcileSample) is { } rs ? ValueParsers.Int(ReconcileSample, rs, 1, 100_000) : 100,
        };
    }

    /// <summary>The one provider whose option has a value (configuration first, then code); none = embedded SQLite.</summary>
    private static SelectedStore<T>? Select<T>(IReadOnlyList<T> providers, Func<HostOption, string?> get, IConfiguration configuration, string why)
        where T : StoreProvider
    {
        var chosen = providers
            .Select(p => (Provider: p, Value: get(p.Option) ?? (string.IsNullOrWhiteSpace(p.ConnectionString) ? null : p.ConnectionString)))
            .Where(c => c.Value is not null)
            .ToList();
        if (chosen.Count > 1)
            throw new HostUserException($"Both {chosen[0].Provider.Option.Display} and {chosen[1].Provider.Option.Display} are set, but {why}; set only one.");
        return chosen.Count == 0 ? null : new SelectedStore<T>(chosen[0].Provider, chosen[0].Provider.Parse(chosen[0].Value!, configuration));
    }

    /// <summary><c>Projections:Projections:&lt;name&gt;:Shards</c>: one projection's shard count, which wins over <c>--shards</c>.</summary>
    private static Dictionary<string, int> ReadShardsPerProjection(IConfiguration configuration, HostOption shards)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(PoisonPolicyReader.PerProjectionSection).GetChildren())
            if (section["Shards"] is { Length: > 0 } value)
                counts[section.Key] = ValueParsers.Int(shards with { ConfigKey = $"{PoisonPolicyReader.PerProjectionSection}:{section.Key}:Shards" }, value, 1, ProjectionEngineOptions.MaxShards);
        return counts;
    }

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
