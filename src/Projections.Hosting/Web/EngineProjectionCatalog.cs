using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Hosting.Composition;
using Projections.Hosting.Preview;

namespace Projections.Hosting.Web;

/// <summary>The catalog over the host's running engine.</summary>
internal sealed class EngineProjectionCatalog(ProjectionsRuntime runtime) : IProjectionCatalog
{
    public IReadOnlyList<IProjectionRuntime> Runtimes => runtime.Started ? runtime.Engine.Runtimes : [];
    public IProjectionRuntime? Find(string name) => runtime.Started ? runtime.Engine.Find(name) : null;
    public Task StartRebuild(string name, bool preview, CancellationToken cancellationToken) => runtime.Engine.StartRebuild(name, preview, cancellationToken);
    public Task<int> SwitchPreview(string name, CancellationToken cancellationToken) => runtime.Engine.SwitchPreview(name, cancellationToken);
    public Task<int> DiscardPreview(string name, CancellationToken cancellationToken) => runtime.Engine.DiscardPreview(name, cancellationToken);
    public Task<DiffReport> Diff(string name, DiffQuery query, CancellationToken cancellationToken) =>
        GenerationDiff.Compute(runtime.Adapters.Store, name, query, cancellationToken);

    public Task<EntityHistoryResult> ReadHistory(IProjectionRuntime projection, string key, long maxScanned, CancellationToken cancellationToken) =>
        EntityHistory.Read(projection.Projection, runtime.Adapters.Source, runtime.Adapters.Store, projection.GetStats().Generation, key, maxScanned, cancellationToken);

    public string HostId => runtime.Started ? runtime.Engine.HostId : throw new ProjectionUnavailableException("The projections have not started yet.");

    public async Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken) =>
        runtime.Started && runtime.Adapters.Store is IHostRegistry registry ? await registry.ReadHosts(cancellationToken) : [];
}
