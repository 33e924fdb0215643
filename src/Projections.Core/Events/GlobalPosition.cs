namespace Projections.Core.Events;

/// <summary>
/// A position in the global ($all) order. EventStoreDB positions have two parts; single-log stores
/// (SQLite) use the same number for both. Ordering is by commit, then prepare.
/// </summary>
public readonly record struct GlobalPosition(ulong Commit, ulong Prepare) : IComparable<GlobalPosition>
{
    public static readonly GlobalPosition Start = new(0, 0);

    public static GlobalPosition Of(ulong sequence) => new(sequence, sequence);

    public int CompareTo(GlobalPosition other)
    {
        var c = Commit.CompareTo(other.Commit);
        return c != 0 ? c : Prepare.CompareTo(other.Prepare);
    }

    public static bool operator <(GlobalPosition a, GlobalPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(GlobalPosition a, GlobalPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(GlobalPosition a, GlobalPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(GlobalPosition a, GlobalPosition b) => a.CompareTo(b) >= 0;

    public static GlobalPosition Max(GlobalPosition a, GlobalPosition b) => a >= b ? a : b;

    public override string ToString() => Commit == Prepare ? Commit.ToString() : $"{Commit}/{Prepare}";

    /// <summary>Parses the form produced by <see cref="ToString"/>: "42" or "42/40".</summary>
    public static GlobalPosition Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0) return Of(ulong.Parse(text));
        return new GlobalPosition(ulong.Parse(text[..slash]), ulong.Parse(text[(slash + 1)..]));
    }
}
