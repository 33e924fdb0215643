using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>The host registry in the projection database, beside the leases (see <see cref="IHostRegistry"/>).</summary>
public sealed partial class PostgresProjectionStore : IHostRegistry
{
    public Task Heartbeat(HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host.Id);
        return Read($"record host '{host.Id}'", async (connection, ct) =>
        {
            await using var command = _hosts.Heartbeat(connection, host, timeToLive, forgetGoneAfter);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task SignOff(string hostId, CancellationToken cancellationToken) =>
        Read($"sign off host '{hostId}'", async (connection, ct) =>
        {
            await using var command = _hosts.SignOff(connection, hostId);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken) =>
        Read<IReadOnlyList<HostRecord>>("read the hosts", async (connection, ct) =>
        {
            await using var command = _hosts.ReadAll(connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var hosts = new List<HostRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (hosts.Count == 0 || hosts[^1].Id != id)
                    hosts.Add(new HostRecord(id, reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                        reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4), []));
                if (!reader.IsDBNull(5))
                    hosts[^1] = hosts[^1] with { Holds = [.. hosts[^1].Holds, new LeaseKey(reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7))] };
            }
            return hosts;
        }, cancellationToken);
}
