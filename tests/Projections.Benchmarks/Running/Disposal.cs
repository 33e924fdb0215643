namespace Projections.Benchmarks.Running;

public static class Disposal
{
    /// <summary>Disposes adapters that own connections or files, whichever dispose pattern they implement.</summary>
    public static async ValueTask DisposeIfNeeded(object? resource)
    {
        switch (resource)
        {
            case IAsyncDisposable a: await a.DisposeAsync(); break;
            case IDisposable d: d.Dispose(); break;
        }
    }
}
