namespace Projections.Hosting.Stores;

/// <summary>Adapters opened by the host, disposed in reverse order of opening.</summary>
internal sealed class OwnedResources : IAsyncDisposable
{
    private readonly List<object> _resources = [];

    public T Add<T>(T resource) where T : notnull
    {
        _resources.Add(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _resources.Count - 1; i >= 0; i--)
        {
            if (_resources[i] is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (_resources[i] is IDisposable disposable) disposable.Dispose();
        }
        _resources.Clear();
    }
}
