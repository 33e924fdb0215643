using Projections.Core.Projections;

namespace Projections.Sqlite.Tests.Outages;

public sealed record Tally(string Key, int Count, string Padding);
public sealed record Counted(int N, string Padding);

/// <summary>Counts events per stream; the padding makes each document take real space on disk.</summary>
public sealed class TallyProjection : Projection<Tally>
{
    public TallyProjection() : base("tally")
    {
        FromStreams("t-");
        Initially(key => new Tally(key, 0, ""));
        On<Counted>((t, e) => t with { Count = t.Count + 1, Padding = e.Padding });
    }
}
