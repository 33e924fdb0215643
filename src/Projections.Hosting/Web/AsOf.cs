using System.Globalization;
using Projections.Core.Events;
using Projections.Core.Replay;

namespace Projections.Hosting.Web;

/// <summary>
/// A point in an aggregate's history: a global position (the state right after that event, including
/// the timeouts that event made due) or a time (the state after the last step stamped at or before it).
/// </summary>
internal sealed record AsOf(GlobalPosition? Position, DateTimeOffset? Time)
{
    public static bool TryParse(string text, out AsOf? asOf, out string? error)
    {
        asOf = null;
        error = null;
        if (TryParsePosition(text, out var position)) asOf = new AsOf(position, null);
        else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) asOf = new AsOf(null, time);
        else error = $"Query parameter 'asOf' must be a global position (\"42\" or \"42/40\") or an ISO 8601 time; got '{text}'.";
        return asOf is not null;
    }

    /// <summary>The index of the last step at or before this point, or -1 when the aggregate did not exist yet.</summary>
    public int LastStepIndex(IReadOnlyList<EntityHistoryStep> steps)
    {
        var last = -1;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i].Step;
            var included = Position is { } p ? step.Position is { } at && at <= p : step.Time <= Time;
            if (included) last = i;
            else if (Position is not null) break;
        }
        return last;
    }

    private static bool TryParsePosition(string text, out GlobalPosition position)
    {
        position = default;
        var parts = text.Split('/');
        if (parts.Length > 2) return false;
        if (!ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var commit)) return false;
        var prepare = commit;
        if (parts.Length == 2 && !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prepare)) return false;
        position = new GlobalPosition(commit, prepare);
        return true;
    }
}
