-- People who use the web console. The password is kept only as ASP.NET Core Identity's salted hash; a
-- tenant_id scopes the account to one tenant (null: every tenant). failed_sign_ins counts the failures
-- since the last success; locked_until refuses every sign-in, right password or not, until it passes.
CREATE TABLE operator_accounts (
    user_name       text        PRIMARY KEY,
    password_hash   text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('admin', 'operator', 'reader')),
    tenant_id       text,
    created_at      timestamptz NOT NULL,
    failed_sign_ins int         NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled_at     timestamptz
);

-- Every sign-in and every failed one, with the address it came from; never the password tried.
CREATE TABLE operator_sign_ins (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL,
    user_name text        NOT NULL,
    outcome   text        NOT NULL,
    remote    text
);
CREATE INDEX operator_sign_ins_user ON operator_sign_ins (user_name, id);

-- What the sensor list shows an operator besides trust: the host the agent reported, Suricata's state and the
-- last heartbeat as of the row's last write (the grain writes the row on transitions and liveness changes,
-- never per heartbeat).
ALTER TABLE sensor_directory ADD COLUMN hostname text;
ALTER TABLE sensor_directory ADD COLUMN agent_version text;
ALTER TABLE sensor_directory ADD COLUMN suricata text;
ALTER TABLE sensor_directory ADD COLUMN last_heartbeat_at timestamptz;
CREATE INDEX sensor_directory_liveness ON sensor_directory (tenant_id, liveness, sensor_id);
