namespace Projections.Core.Runtime;

/// <summary>
/// The projection cannot serve reads yet or any more (starting, or failed before it served a generation);
/// a caller may retry later. The web API answers it with 503.
/// </summary>
public sealed class ProjectionUnavailableException(string message) : InvalidOperationException(message);
