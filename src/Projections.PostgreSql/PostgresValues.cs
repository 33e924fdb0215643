using Projections.Core.Events;

namespace Projections.PostgreSql;

/// <summary>Conversions between engine values and column values: positions as bigint, times as UTC timestamptz plus exact .NET ticks.</summary>
internal static class PostgresValues
{
    public static long Position(ulong value) => checked((long)value);

    public static GlobalPosition Position(long commit, long prepare) => new((ulong)commit, (ulong)prepare);

    public static DateTime Timestamp(DateTimeOffset value) => value.UtcDateTime;

    public static DateTime? Timestamp(DateTimeOffset? value) => value?.UtcDateTime;

    public static long? Ticks(DateTimeOffset? value) => value?.UtcTicks;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);
}
