using System.Collections.Concurrent;
using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Hosting.Web;

namespace Projections.Hosting.Tests.Web.Fakes;

public sealed class FakeProjectionCatalog(params IProjectionRuntime[] runtimes) : IProjectionCatalog
{
    public ConcurrentQueue<string> RebuildRequests { get; } = new();

    public IReadOnlyList<IProjectionRuntime> Runtimes => runtimes;
    public IProjectionRuntime? Find(string name) => runtimes.FirstOrDefault(r => r.Name == name);

    public Task StartRebuild(string name, CancellationToken cancellationToken)
    {
        RebuildRequests.Enqueue(name);
        return Task.CompletedTask;
    }

    public Task<EntityHistoryResult> ReadHistory(IProjectionRuntime runtime, string key, long maxScanned, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The fake catalog has no event source: history is tested against the real host.");

    public string HostId => "fake-host";

    /// <summary>What <see cref="ReadHosts"/> answers.</summary>
    public List<HostRecord> Hosts { get; } = [];

    public Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HostRecord>>(Hosts);
}
