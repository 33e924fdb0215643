namespace Projections.Testing;

/// <summary>Names no other test (or earlier run against the same server) uses, so suites can share a store.</summary>
public static class UniqueNames
{
    /// <summary>A stream-name prefix such as "t3f9a1c02b7d4-"; every stream of one test starts with it.</summary>
    public static string StreamPrefix() => $"t{Suffix()}-";

    /// <summary>A projection name such as "orders-3f9a1c02b7d4".</summary>
    public static string Projection(string stem) => $"{stem}-{Suffix()}";

    public static string Suffix() => Guid.NewGuid().ToString("N")[..12];
}
