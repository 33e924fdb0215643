using Microsoft.Data.Sqlite;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// An <see cref="EventFilter"/> as a SQL condition. Prefixes are compared with <c>substr</c>, which is
/// exact and case-sensitive (LIKE is case-insensitive and treats '_' and '%' as wildcards).
/// </summary>
internal sealed class EventFilterSql
{
    private readonly List<(string Name, string Value)> _parameters = [];

    public EventFilterSql(EventFilter filter)
    {
        var conditions = new List<string>();
        if (filter.ExcludeSystemEvents)
            conditions.Add("substr(stream_id, 1, 1) <> '$' AND substr(event_type, 1, 1) <> '$'");
        if (filter.StreamPrefixes.Count > 0)
            conditions.Add("(" + string.Join(" OR ", filter.StreamPrefixes.Select(PrefixCondition)) + ")");
        if (filter.EventTypes.Count > 0)
            conditions.Add("event_type IN (" + string.Join(", ", filter.EventTypes.Select(t => Add("et", t))) + ")");
        Condition = conditions.Count == 0 ? "1" : string.Join(" AND ", conditions);
    }

    public string Condition { get; }

    public void Bind(SqliteCommand command)
    {
        foreach (var (name, value) in _parameters) command.Parameters.AddWithValue(name, value);
    }

    private string PrefixCondition(string prefix)
    {
        var name = Add("sp", prefix);
        return $"substr(stream_id, 1, length({name})) = {name}";
    }

    private string Add(string kind, string value)
    {
        var name = $"${kind}{_parameters.Count}";
        _parameters.Add((name, value));
        return name;
    }
}
