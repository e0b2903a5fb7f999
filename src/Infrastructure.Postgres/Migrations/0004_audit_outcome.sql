-- The audit chain records an outcome (done / refused) and a free-text detail beside the JSON details.
ALTER TABLE audit_log ADD COLUMN outcome text NOT NULL DEFAULT 'done';
ALTER TABLE audit_log ADD COLUMN detail text NOT NULL DEFAULT '';
