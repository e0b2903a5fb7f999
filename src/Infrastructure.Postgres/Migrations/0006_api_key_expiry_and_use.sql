-- An API key may expire, and remembers when it was last used. The gateway writes last_used_at at most
-- once a minute per key, so a busy key costs no write per request.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;

-- The list pages through live keys by id, for one tenant or all.
CREATE INDEX api_keys_live ON api_keys (tenant_id, key_id) WHERE revoked_at IS NULL;
