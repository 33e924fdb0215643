namespace Projections.Hosting.Web;

/// <summary>
/// The admin token as configured: <c>name:secret</c> names whoever holds it (the name goes into the log
/// line of every admin action); a bare <c>secret</c> is named "admin". Only the secret is compared.
/// </summary>
internal sealed record AdminToken(string Name, string Secret)
{
    public const string DefaultName = "admin";

    public static AdminToken? Parse(string? configured)
    {
        configured = configured?.Trim();
        if (string.IsNullOrEmpty(configured)) return null;
        var colon = configured.IndexOf(':');
        if (colon <= 0 || colon == configured.Length - 1) return new AdminToken(DefaultName, configured);
        var name = configured[..colon].Trim();
        return name.Length == 0 || name.Any(char.IsWhiteSpace)
            ? new AdminToken(DefaultName, configured)
            : new AdminToken(name, configured[(colon + 1)..]);
    }

    public override string ToString() => $"{Name}:***";
}
