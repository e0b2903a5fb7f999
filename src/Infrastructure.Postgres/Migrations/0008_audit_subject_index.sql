-- A sensor's page lists its newest audit entries: by subject within the tenant, newest first, without scanning the chain.
CREATE INDEX audit_log_subject ON audit_log (tenant_id, subject, seq DESC);
