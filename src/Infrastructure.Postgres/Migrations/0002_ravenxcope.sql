-- RavenXcope's own tables: read models that grains upsert on transitions (the gateway pages through
-- them; no query ever scans grains), operator API keys, and the per-tenant audit chain.

CREATE TABLE tenant_directory (
    tenant_id  text        PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE sensor_directory (
    tenant_id      text        NOT NULL,
    sensor_id      text        NOT NULL,
    name           text        NOT NULL,
    lifecycle      text        NOT NULL,
    trust_state    text,
    cert_serial    text,
    cert_not_after timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id)
);

CREATE INDEX sensor_directory_lifecycle ON sensor_directory (tenant_id, lifecycle, sensor_id);
CREATE INDEX sensor_directory_trust ON sensor_directory (tenant_id, trust_state, sensor_id);

-- Keys are shown once; only a digest of the secret part is kept.
CREATE TABLE api_keys (
    key_id        text        PRIMARY KEY,
    secret_digest bytea       NOT NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'operator', 'reader')),
    tenant_id     text,
    created_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);

-- Each entry's mac is a keyed HMAC over the entry and the previous entry's mac: editing or dropping
-- a row breaks every mac after it.
CREATE TABLE audit_log (
    tenant_id  text        NOT NULL,
    seq        bigint      NOT NULL,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    action     text        NOT NULL,
    subject    text        NOT NULL,
    details    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    prev_mac   bytea       NOT NULL,
    mac        bytea       NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
