namespace Projections.Host;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran and found a problem: verify mismatches, a projection stopped on an error.</summary>
    public const int Failed = 1;
    /// <summary>Bad options or configuration, or an unusable store.</summary>
    public const int UsageError = 2;
}
