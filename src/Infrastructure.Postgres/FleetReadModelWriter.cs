using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// Keeps <c>tenant_directory</c> and <c>sensor_directory</c> up to date from grain transitions
/// (<see cref="FleetReadModel"/> reads them).
/// </summary>
/// <remarks>
/// Sensor rows are written with a group commit: calls that arrive while a write is under way wait for the
/// next one, which upserts all of them in one statement and one transaction. A call still returns only
/// once its row is committed (nothing changes for the grain), but a thousand sensors enrolling or going
/// offline together cost a few transactions instead of a thousand. Alone, a row is written at once.
/// </remarks>
public sealed class FleetReadModelWriter : IFleetDirectory, IAsyncDisposable
{
    /// <summary>Most sensor rows in one statement.</summary>
    public const int MaxBatch = 512;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PendingRow> _rows = Channel.CreateUnbounded<PendingRow>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Starts the sensor-row writer.</summary>
    public FleetReadModelWriter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _writer = Task.Run(WriteSensorRowsAsync);
    }

    /// <inheritdoc />
    public async Task UpsertTenantAsync(TenantSnapshot tenant, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO tenant_directory (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, updated_at = now()
            """);
        command.Parameters.AddWithValue(tenant.TenantId);
        command.Parameters.AddWithValue(tenant.Name);
        command.Parameters.AddWithValue(tenant.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task UpsertSensorAsync(SensorSnapshot sensor, CancellationToken cancellationToken = default)
    {
        var row = new PendingRow(sensor, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_rows.Writer.TryWrite(row))
        {
            throw new ObjectDisposedException(nameof(FleetReadModelWriter), "the silo is stopping: the read model takes no more rows");
        }

        return row.Written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _rows.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteSensorRowsAsync()
    {
        var batch = new List<PendingRow>(MaxBatch);
        while (await _rows.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _rows.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            try
            {
                await UpsertSensorRowsAsync(Latest(batch));
                batch.ForEach(r => r.Written.TrySetResult());
            }
            catch (Exception e)
            {
                batch.ForEach(r => r.Written.TrySetException(e));
            }

            batch.Clear();
        }
    }

    // One statement may not update a row twice: of several snapshots of one sensor the last one queued
    // goes (a grain writes its snapshots in order).
    private static List<SensorSnapshot> Latest(List<PendingRow> batch)
    {
        var latest = new Dictionary<(string, string), SensorSnapshot>(batch.Count);
        foreach (var row in batch)
        {
            latest[(row.Sensor.TenantId, row.Sensor.SensorId)] = row.Sensor;
        }

        return [.. latest.Values];
    }

    private async Task UpsertSensorRowsAsync(List<SensorSnapshot> sensors)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO sensor_directory (tenant_id, sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, created_at, updated_at, liveness,
                                         hostname, agent_version, suricata, last_heartbeat_at,
                                         failed_command_id, failed_command_type, failed_command_status, failed_command_at, failed_command_detail)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[],
                                 $11::text[], $12::text[], $13::text[], $14::timestamptz[],
                                 $15::text[], $16::text[], $17::text[], $18::timestamptz[], $19::text[])
            ON CONFLICT (tenant_id, sensor_id) DO UPDATE
               SET name = excluded.name, lifecycle = excluded.lifecycle, trust_state = excluded.trust_state,
                   cert_serial = excluded.cert_serial, cert_not_after = excluded.cert_not_after, updated_at = excluded.updated_at,
                   liveness = excluded.liveness, hostname = excluded.hostname, agent_version = excluded.agent_version,
                   suricata = excluded.suricata, last_heartbeat_at = excluded.last_heartbeat_at,
                   failed_command_id = excluded.failed_command_id, failed_command_type = excluded.failed_command_type,
                   failed_command_status = excluded.failed_command_status, failed_command_at = excluded.failed_command_at,
                   failed_command_detail = excluded.failed_command_detail
             WHERE sensor_directory.updated_at <= excluded.updated_at
            """);
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.TenantId));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.SensorId));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.Name));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)WireNames.Of(s.Lifecycle)));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)WireNames.Of(s.TrustState)));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.CertificateSerial));
        Add(command, NpgsqlDbType.TimestampTz, sensors.Select(s => (object?)s.CertificateNotAfter?.UtcDateTime));
        Add(command, NpgsqlDbType.TimestampTz, sensors.Select(s => (object?)s.CreatedAt.UtcDateTime));
        Add(command, NpgsqlDbType.TimestampTz, sensors.Select(s => (object?)s.UpdatedAt.UtcDateTime));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.Liveness));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.Host?.Hostname));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.Host?.AgentVersion));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.Suricata));
        Add(command, NpgsqlDbType.TimestampTz, sensors.Select(s => (object?)s.LastHeartbeatAt?.UtcDateTime));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.LastFailedCommand?.CommandId));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.LastFailedCommand?.Type.ToString().ToLowerInvariant()));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.LastFailedCommand?.Status.ToString().ToLowerInvariant()));
        Add(command, NpgsqlDbType.TimestampTz, sensors.Select(s => (object?)s.LastFailedCommand?.UpdatedAt.UtcDateTime));
        Add(command, NpgsqlDbType.Text, sensors.Select(s => (object?)s.LastFailedCommand?.Detail));
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(NpgsqlCommand command, NpgsqlDbType type, IEnumerable<object?> values) =>
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | type,
            Value = values.Select(v => v ?? DBNull.Value).ToArray(),
        });

    private sealed record PendingRow(SensorSnapshot Sensor, TaskCompletionSource Written);
}
