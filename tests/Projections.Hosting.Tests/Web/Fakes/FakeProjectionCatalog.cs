using System.Collections.Concurrent;
using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Hosting.Preview;
using Projections.Hosting.Web;

namespace Projections.Hosting.Tests.Web.Fakes;

public sealed class FakeProjectionCatalog(params IProjectionRuntime[] runtimes) : IProjectionCatalog
{
    public ConcurrentQueue<string> RebuildRequests { get; } = new();

    public IReadOnlyList<IProjectionRuntime> Runtimes => runtimes;
    public IProjectionRuntime? Find(string name) => runtimes.FirstOrDefault(r => r.Name == name);

    public Task StartRebuild(string name, bool preview, CancellationToken cancellationToken)
    {
        RebuildRequests.Enqueue(preview ? $"{name} (preview)" : name);
        return Task.CompletedTask;
    }

    public Task<int> SwitchPreview(string name, CancellationToken cancellationToken) => throw NoStore;
    public Task<int> DiscardPreview(string name, CancellationToken cancellationToken) => throw NoStore;
    Task<DiffReport> IProjectionCatalog.Diff(string name, DiffQuery query, CancellationToken cancellationToken) => throw NoStore;

    private static InvalidOperationException NoStore => new("The fake catalog has no store: previews are tested against the real host (PreviewCommandTests).");

    public Task<EntityHistoryResult> ReadHistory(IProjectionRuntime runtime, string key, long maxScanned, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The fake catalog has no event source: history is tested against the real host.");

    public string HostId => "fake-host";

    /// <summary>What <see cref="ReadHosts"/> answers.</summary>
    public List<HostRecord> Hosts { get; } = [];

    public Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HostRecord>>(Hosts);
}
