using Npgsql;
using Projections.Host.Cli;

namespace Projections.Host.Configuration;

public static partial class ConnectionStrings
{
    /// <summary>
    /// An Npgsql connection string (Host=...;Database=...). Its printable form is rebuilt from the parsed
    /// keywords with the password replaced, so no spelling of a password keyword can leak; a string that does
    /// not parse is never echoed.
    /// </summary>
    public static ConnectionSetting Postgres(HostOption option, string value)
    {
        const string expectation = "expected an Npgsql connection string such as Host=localhost;Username=projections;Password=...;Database=projections";
        var trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            throw new HostUserException($"Invalid value '{Redact(trimmed)}' for {option.Display}: {expectation} (postgres:// URLs are not understood).");
        if (!trimmed.Contains('='))
            throw new HostUserException($"Invalid value for {option.Display}: {expectation}.");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(trimmed);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql names the keyword at fault; the string itself may hold a password under any spelling, so it is not repeated.
            throw new HostUserException($"Invalid value for {option.Display}: {e.Message}; {expectation}.", e);
        }
        if (builder.Password is not null) builder.Password = "***";
        return new ConnectionSetting(trimmed, builder.ConnectionString);
    }
}
