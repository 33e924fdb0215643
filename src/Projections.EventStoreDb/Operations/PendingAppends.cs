using Projections.Core.Events;
using Projections.EventStoreDb.Errors;
using Projections.EventStoreDb.Protocol;
using Projections.EventStoreDb.Protocol.Streams;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// The appends written on one BatchAppend call and not answered yet, by correlation id. The server
/// answers each id once, in any order. When the call ends, every append still waiting fails with the
/// call's failure and the set takes no more (later appends go on the next call).
/// </summary>
internal sealed class PendingAppends
{
    private readonly Dictionary<Guid, QueuedAppend> _waiting = [];
    private readonly Lock _sync = new();
    private bool _closed;

    public int Count
    {
        get { lock (_sync) return _waiting.Count; }
    }

    public bool IsClosed
    {
        get { lock (_sync) return _closed; }
    }

    /// <summary>Adds all or, when the call has ended, none (they must go on another call).</summary>
    public bool TryAdd(IReadOnlyList<(Guid CorrelationId, QueuedAppend Append)> appends)
    {
        lock (_sync)
        {
            if (_closed) return false;
            foreach (var (correlationId, append) in appends) _waiting.Add(correlationId, append);
            return true;
        }
    }

    /// <summary>Takes back an append that was not written after all, without settling it.</summary>
    public bool TryRemove(Guid correlationId)
    {
        lock (_sync) return _waiting.Remove(correlationId);
    }

    /// <summary>Takes no more appends but lets those waiting get their answers; true when none is waiting.</summary>
    public bool Retire()
    {
        lock (_sync)
        {
            _closed = true;
            return _waiting.Count == 0;
        }
    }

    /// <summary>Settles the append this response answers; false when no append with its id is waiting.</summary>
    public bool Answer(BatchAppendResp response)
    {
        QueuedAppend? append;
        lock (_sync)
        {
            if (!_waiting.Remove(Uuids.ToGuid(response.CorrelationId), out append)) return false;
        }
        if (response.ResultCase == BatchAppendResp.ResultOneofCase.Success)
            append.Succeed(ToResult(response.Success));
        else
            append.Fail(BatchAppendErrorMapper.Map(response.Error, append.Request.StreamId, append.Request.Expected));
        return true;
    }

    /// <summary>Fails every waiting append with <paramref name="failure"/> and refuses new ones; returns how many were waiting.</summary>
    public int Close(Exception failure)
    {
        List<QueuedAppend> unanswered;
        lock (_sync)
        {
            _closed = true;
            unanswered = [.. _waiting.Values];
            _waiting.Clear();
        }
        foreach (var append in unanswered) append.Fail(failure);
        return unanswered.Count;
    }

    internal static AppendResult ToResult(BatchAppendResp.Types.Success success)
    {
        var position = success.PositionOptionCase == BatchAppendResp.Types.Success.PositionOptionOneofCase.Position
            ? new GlobalPosition(success.Position.CommitPosition, success.Position.PreparePosition)
            : GlobalPosition.Start;
        var hasRevision = success.CurrentRevisionOptionCase == BatchAppendResp.Types.Success.CurrentRevisionOptionOneofCase.CurrentRevision;
        return new AppendResult(Appends.RevisionAfter(hasRevision, success.CurrentRevision), position);
    }
}
