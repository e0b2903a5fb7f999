-- Orleans 10 clustering, grain storage and reminders on PostgreSQL.
-- Written from the providers' query contract (shared/facts/ORLEANS-POSTGRES.md): the providers read
-- their SQL from orleansquery (unquoted: the providers query it unquoted); every table below is ours.
-- Runs with search_path set to the ravenxcope schema.

CREATE TABLE orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text        NOT NULL
);

-- Clustering -----------------------------------------------------------------------------------

CREATE TABLE orleans_membership_version (
    deployment_id text        PRIMARY KEY,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    version       integer     NOT NULL DEFAULT 0
);

CREATE TABLE orleans_membership (
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL DEFAULT 0,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT true
$q$),

-- The version row is the optimistic-concurrency token of the whole table: a change happens only if
-- the caller read the current version, and it bumps the version in the same statement.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = @DeploymentId
       AND version = @Version
       AND NOT EXISTS (SELECT 1 FROM orleans_membership
                        WHERE deployment_id = @DeploymentId AND address = @Address
                          AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name,
                                    status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM inserted)
$q$),

('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = @DeploymentId
       AND version = @Version
       AND EXISTS (SELECT 1 FROM orleans_membership
                    WHERE deployment_id = @DeploymentId AND address = @Address
                      AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
updated AS (
    UPDATE orleans_membership m
       SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
      FROM bumped
     WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address
       AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM updated)
$q$),

('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId AND address = @Address
   AND port = @Port AND generation = @Generation
$q$),

-- Both reads return the version row even when no member matches: zero rows makes Orleans throw.
('MembershipReadRowKey', $q$
SELECT m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
       m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m
         ON m.deployment_id = v.deployment_id AND m.address = @Address
        AND m.port = @Port AND m.generation = @Generation
 WHERE v.deployment_id = @DeploymentId
$q$),

('MembershipReadAllKey', $q$
SELECT m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName,
       m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId
$q$),

('GatewaysQueryKey', $q$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
  FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$q$),

-- Only rows of silos that are not active (status 3) and have not reported since the cutoff.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
 WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
$q$);

-- Grain storage --------------------------------------------------------------------------------
-- One row per (service, state name, grain id). The extension is '' rather than NULL so that the
-- primary key makes two racing first writes of the same grain resolve in the database.

CREATE TABLE orleans_storage (
    service_id         text        NOT NULL,
    state_name         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NOT NULL DEFAULT '',
    grain_id_hash      integer     NOT NULL,
    grain_type_hash    integer     NOT NULL,
    payload            bytea,
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payload AS PayloadBinary, version AS Version
  FROM orleans_storage
 WHERE service_id = @ServiceId AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension = coalesce(@GrainIdExtensionString::text, '')
$q$),

-- No row back means the stored version moved on: Orleans raises InconsistentStateException.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_storage
       SET payload = @PayloadBinary, version = version + 1, modified_at = now()
     WHERE @GrainStateVersion::integer IS NOT NULL
       AND service_id = @ServiceId AND state_name = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension = coalesce(@GrainIdExtensionString::text, '')
       AND version = @GrainStateVersion::integer
    RETURNING version),
inserted AS (
    INSERT INTO orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension,
                                 grain_id_hash, grain_type_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           coalesce(@GrainIdExtensionString::text, ''), @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
     WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted
$q$),

('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_storage
       SET payload = NULL, version = version + 1, modified_at = now()
     WHERE @GrainStateVersion::integer IS NOT NULL
       AND service_id = @ServiceId AND state_name = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension = coalesce(@GrainIdExtensionString::text, '')
       AND version = @GrainStateVersion::integer
    RETURNING version),
inserted AS (
    INSERT INTO orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension,
                                 grain_id_hash, grain_type_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           coalesce(@GrainIdExtensionString::text, ''), @GrainIdHash, @GrainTypeHash, NULL, 1
     WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS NewGrainStateVersion FROM cleared
UNION ALL
SELECT version FROM inserted
$q$),

('DeleteStorageKey', $q$
DELETE FROM orleans_storage
 WHERE service_id = @ServiceId AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension = coalesce(@GrainIdExtensionString::text, '')
   AND version = @GrainStateVersion::integer
RETURNING version + 1 AS NewGrainStateVersion
$q$);

-- Reminders ------------------------------------------------------------------------------------
-- grain_hash is a signed 32-bit integer compared as signed: the ring ranges Orleans asks for rely on it.

CREATE TABLE orleans_reminders (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period        bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET start_time = excluded.start_time, period = excluded.period,
       grain_hash = excluded.grain_hash, version = orleans_reminders.version + 1
RETURNING version AS Version
$q$),

('ReadReminderRowsKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

('ReadRangeRows1Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

('ReadRangeRows2Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
  FROM orleans_reminders
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
       AND version = @Version::integer
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM deleted)
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$q$);
