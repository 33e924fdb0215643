namespace Projections.Hosting;

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Done, nothing wrong.</summary>
    public const int Ok = 0;
    /// <summary>The command ran and found a problem: verify mismatches, a projection stopped on an error.</summary>
    public const int Failed = 1;
    /// <summary>Bad options or configuration, or an unusable store.</summary>
    public const int UsageError = 2;
}
