namespace Projections.Core.Runtime;

public enum ProjectionStatus
{
    /// <summary>Loading checkpoint and documents.</summary>
    Starting,
    /// <summary>Reading events written before it started.</summary>
    CatchingUp,
    /// <summary>Caught up; new events are applied as they arrive.</summary>
    Live,
    /// <summary>
    /// Another host holds the lease and processes the projection; this one waits to take over. It has no
    /// live state: reads come from the store.
    /// </summary>
    Standby,
    /// <summary>Stopped on an error (see <see cref="IProjectionRuntime.Error"/>) or by request.</summary>
    Stopped,
}
