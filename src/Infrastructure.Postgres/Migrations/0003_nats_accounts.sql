-- Account JWTs as the account resolver serves them to nats-server. JWTs are public: the seeds stay
-- in the tenant grains' state, sealed with AES-256-GCM.
CREATE TABLE nats_accounts (
    public_key text        PRIMARY KEY,
    tenant_id  text,
    is_system  boolean     NOT NULL DEFAULT false,
    jwt        text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX nats_accounts_one_system ON nats_accounts (is_system) WHERE is_system;
