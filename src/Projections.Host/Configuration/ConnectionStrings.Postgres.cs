using Projections.Host.Cli;

namespace Projections.Host.Configuration;

public static partial class ConnectionStrings
{
    /// <summary>
    /// An Npgsql connection string (Host=...;Database=...). URLs are refused with the form to use instead;
    /// the store checks the keywords when it opens (see Composition/PostgresAdapter).
    /// </summary>
    public static ConnectionSetting Postgres(HostOption option, string value)
    {
        var trimmed = value.Trim();
        var redacted = Redact(trimmed);
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            throw new HostUserException($"Invalid value '{redacted}' for {option.Display}: expected an Npgsql connection string such as " +
                "Host=localhost;Username=projections;Password=...;Database=projections (postgres:// URLs are not understood).");
        if (!trimmed.Contains('='))
            throw new HostUserException($"Invalid value '{redacted}' for {option.Display}: expected an Npgsql connection string such as Host=localhost;Username=projections;Password=...;Database=projections.");
        return new ConnectionSetting(trimmed, redacted);
    }
}
