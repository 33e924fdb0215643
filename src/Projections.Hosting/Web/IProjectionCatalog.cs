using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>What the web layer needs from the engine: the running projections and rebuild.</summary>
internal interface IProjectionCatalog
{
    IReadOnlyList<IProjectionRuntime> Runtimes { get; }
    IProjectionRuntime? Find(string name);
    Task StartRebuild(string name, CancellationToken cancellationToken);
}
