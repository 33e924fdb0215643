using Projections.Core.Projections;

namespace Projections.Hosting.Views;

/// <summary>
/// A page of the application's own on the dashboard (a link in its navigation): horizontal bars computed
/// by the application from the live aggregates of one projection, refreshed every few seconds. Add it with
/// <see cref="ProjectionsBuilder.AddView"/>; its data is <c>GET /api/views/{name}</c>. Create one with
/// <see cref="BarChartView{TState}"/>.
/// </summary>
public abstract class BarChartView
{
    private protected BarChartView(string name, string title, string projection)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
            throw new ArgumentException($"A view's name is its address (/api/views/{{name}}): letters, digits, '-' and '_' only; got '{name}'.", nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(projection);
        Name = name;
        Title = title;
        Projection = projection;
    }

    /// <summary>Its address: <c>#/view/{name}</c> on the page, <c>/api/views/{name}</c> in the API.</summary>
    public string Name { get; }
    /// <summary>The page's heading and its link in the navigation.</summary>
    public string Title { get; }
    /// <summary>The projection whose live aggregates the bars are computed from (highlighted keys link to its entities).</summary>
    public string Projection { get; }
    /// <summary>A sentence under the heading saying what the bars count.</summary>
    public string? Description { get; init; }
    /// <summary>What <see cref="ChartBar.Count"/> counts, in the legend.</summary>
    public string CountLabel { get; init; } = "count";
    /// <summary>What the highlighted keys are, in the legend and above their list.</summary>
    public string HighlightLabel { get; init; } = "highlighted";

    internal abstract IReadOnlyList<ChartBar> Compute(IProjection projection, IEnumerable<object> liveStates);
}

/// <summary>A <see cref="BarChartView"/> over a projection whose state is <typeparamref name="TState"/>.</summary>
/// <param name="name">Its address: <c>#/view/{name}</c> on the page, <c>/api/views/{name}</c> in the API.</param>
/// <param name="title">The heading and the navigation link.</param>
/// <param name="projection">The projection whose live aggregates <paramref name="bars"/> receives.</param>
/// <param name="bars">The bars, in the order to draw them, from every live aggregate (called on each refresh: keep it a single pass).</param>
public sealed class BarChartView<TState>(string name, string title, string projection, Func<IEnumerable<TState>, IEnumerable<ChartBar>> bars)
    : BarChartView(name, title, projection) where TState : class
{
    internal override IReadOnlyList<ChartBar> Compute(IProjection projection, IEnumerable<object> liveStates)
    {
        if (!typeof(TState).IsAssignableFrom(projection.StateType))
            throw new InvalidOperationException(
                $"View '{Name}' reads {typeof(TState).Name} states, but projection '{projection.Name}' holds {projection.StateType.Name}.");
        return bars(liveStates.Cast<TState>()).ToArray();
    }
}
