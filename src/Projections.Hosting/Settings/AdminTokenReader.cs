using static Projections.Hosting.Settings.HostOptionCatalog;

namespace Projections.Hosting.Settings;

/// <summary>The admin token from <c>--admin-token</c> or <c>--admin-token-file</c>, trimmed and long enough to resist guessing.</summary>
public static class AdminTokenReader
{
    /// <summary>Fewest characters of the secret (the part after <c>name:</c>).</summary>
    public const int MinimumLength = 16;

    /// <summary>The token, or null when neither option is set; a bad one is a <see cref="HostUserException"/> naming the option.</summary>
    public static string? Read(string? token, string? file)
    {
        if (token is { Length: > 0 } && string.IsNullOrWhiteSpace(token))
            throw new HostUserException($"{AdminToken.Display} is only whitespace; set a token, or leave it unset to disable admin actions.");
        if (token?.Length == 0) token = null;
        if (token is not null && file is not null)
            throw new HostUserException($"Both {AdminToken.Display} and {AdminTokenFile.Display} are set; set only one.");
        if (file is not null) return Checked(FromFile(file.Trim()), AdminTokenFile);
        return token is null ? null : Checked(token.Trim(), AdminToken);
    }

    private static string FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HostUserException($"Invalid value '{path}' for {AdminTokenFile.Display}: the file does not exist.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new HostUserException($"Invalid value '{path}' for {AdminTokenFile.Display}: the file cannot be read ({e.Message}).");
        }
        return string.IsNullOrWhiteSpace(text)
            ? throw new HostUserException($"Invalid value '{path}' for {AdminTokenFile.Display}: the file is empty; put the token in it.")
            : text.Trim();
    }

    private static string Checked(string token, HostOption option)
    {
        var secret = Web.AdminToken.Parse(token)?.Secret ?? "";
        if (secret.Length < MinimumLength)
            throw new HostUserException($"Invalid value for {option.Display}: the token must have at least {MinimumLength} characters " +
                $"(it has {secret.Length}); generate one with 'openssl rand -hex 24'.");
        return token;
    }
}
