namespace Projections.Core.Events;

/// <summary>The optimistic-concurrency check of an append.</summary>
public readonly record struct ExpectedRevision
{
    public enum Kind { Any, NoStream, StreamExists, Exact }

    public Kind Type { get; }
    /// <summary>The revision of the stream's last event, for <see cref="Kind.Exact"/>.</summary>
    public ulong Revision { get; }

    private ExpectedRevision(Kind type, ulong revision) { Type = type; Revision = revision; }

    public static readonly ExpectedRevision Any = new(Kind.Any, 0);
    public static readonly ExpectedRevision NoStream = new(Kind.NoStream, 0);
    public static readonly ExpectedRevision StreamExists = new(Kind.StreamExists, 0);
    public static ExpectedRevision Exact(ulong revision) => new(Kind.Exact, revision);

    public override string ToString() => Type == Kind.Exact ? Revision.ToString() : Type.ToString();
}
