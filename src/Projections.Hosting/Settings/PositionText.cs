using Projections.Core.Events;

namespace Projections.Hosting.Settings;

/// <summary>Positions as the host prints them: "commit" (SQLite) or "commit/prepare" (EventStoreDB).</summary>
internal static class PositionText
{
    public static bool TryParse(string text, out GlobalPosition position)
    {
        position = default;
        var parts = text.Split('/');
        if (parts.Length is < 1 or > 2 || !ulong.TryParse(parts[0], out var commit)) return false;
        var prepare = commit;
        if (parts.Length == 2 && !ulong.TryParse(parts[1], out prepare)) return false;
        position = new GlobalPosition(commit, prepare);
        return true;
    }
}
