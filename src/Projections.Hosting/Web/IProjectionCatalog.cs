using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Hosting.Preview;

namespace Projections.Hosting.Web;

/// <summary>What the web layer needs from the engine: the running projections and rebuild.</summary>
internal interface IProjectionCatalog
{
    IReadOnlyList<IProjectionRuntime> Runtimes { get; }
    IProjectionRuntime? Find(string name);
    Task StartRebuild(string name, bool preview, CancellationToken cancellationToken);
    /// <summary>Activates the preview (<see cref="PreviewRefusedException"/> when there is none or it is behind); returns the active generation.</summary>
    Task<int> SwitchPreview(string name, CancellationToken cancellationToken);
    /// <summary>Drops the preview (<see cref="PreviewRefusedException"/> when there is none); returns its generation.</summary>
    Task<int> DiscardPreview(string name, CancellationToken cancellationToken);
    /// <summary>The active generation against the preview (<see cref="PreviewRefusedException"/> when there is none).</summary>
    Task<DiffReport> Diff(string name, DiffQuery query, CancellationToken cancellationToken);
    /// <summary>Folds one aggregate's history on demand from the events up to the active generation's checkpoint, reading at most <paramref name="maxScanned"/> events.</summary>
    Task<EntityHistoryResult> ReadHistory(IProjectionRuntime runtime, string key, long maxScanned, CancellationToken cancellationToken);
    /// <summary>This host's id in the store's leases and host registry.</summary>
    string HostId { get; }
    /// <summary>The hosts recorded in the store (none for a store without a host registry).</summary>
    Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken);
}
