using Projections.Core;
using Projections.Core.Runtime;

namespace Projections.Host.Web;

/// <summary>The catalog over the host's <see cref="ProjectionEngine"/> singleton.</summary>
internal sealed class EngineProjectionCatalog(ProjectionEngine engine) : IProjectionCatalog
{
    public IReadOnlyList<IProjectionRuntime> Runtimes => engine.Runtimes;
    public IProjectionRuntime? Find(string name) => engine.Find(name);
    public Task StartRebuild(string name, CancellationToken cancellationToken) => engine.StartRebuild(name, cancellationToken);
}
