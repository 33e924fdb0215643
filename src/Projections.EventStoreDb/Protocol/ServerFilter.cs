using System.Text.RegularExpressions;
using Projections.Core.Ports;
using Projections.EventStoreDb.Protocol.Streams;
using FilterOptions = Projections.EventStoreDb.Protocol.Streams.ReadReq.Types.Options.Types.FilterOptions;
using Expression = Projections.EventStoreDb.Protocol.Streams.ReadReq.Types.Options.Types.FilterOptions.Types.Expression;

namespace Projections.EventStoreDb.Protocol;

/// <summary>
/// Builds the server-side filter for an <see cref="EventFilter"/>. The server filters on one dimension
/// only, so event types win when given (a projection usually handles a few of many types, so that is
/// the narrower filter), then stream prefixes, then "no system events". The engine checks the whole
/// filter again, so whatever the server lets through that the filter does not want is dropped there.
/// Returns null when nothing can be filtered on the server.
/// </summary>
internal static class ServerFilter
{
    /// <summary>The official client's ExcludeSystemEvents expression: event types not starting with '$'.</summary>
    public const string NonSystemEventTypes = @"^[^\$].*";

    public static FilterOptions? Build(EventFilter filter)
    {
        Expression expression;
        bool onEventType;
        if (filter.EventTypes.Count > 0)
        {
            expression = new Expression { Regex = "^(?:" + string.Join("|", filter.EventTypes.Select(Regex.Escape)) + ")$" };
            onEventType = true;
        }
        else if (filter.StreamPrefixes.Count > 0)
        {
            expression = new Expression();
            expression.Prefix.AddRange(filter.StreamPrefixes);
            onEventType = false;
        }
        else if (filter.ExcludeSystemEvents)
        {
            expression = new Expression { Regex = NonSystemEventTypes };
            onEventType = true;
        }
        else
        {
            return null;
        }

        var options = new FilterOptions
        {
            Count = new Shared.Empty(),
            // Must be at least 1 for subscriptions; 1 gives a checkpoint every 32 scanned records.
            CheckpointIntervalMultiplier = 1,
        };
        if (onEventType) options.EventType = expression;
        else options.StreamIdentifier = expression;
        return options;
    }
}
