namespace Projections.Benchmarks.Backends;

/// <summary>A server given on the command line cannot be used; the runner skips the rest of that backend's scenarios.</summary>
public sealed class BackendUnavailableException(string backend, string message, Exception inner) : Exception(message, inner)
{
    public string Backend { get; } = backend;
}
