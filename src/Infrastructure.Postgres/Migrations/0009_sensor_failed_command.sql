-- The sensor's latest command that failed or expired, for the fleet view's "commands that failed lately".
ALTER TABLE sensor_directory
    ADD COLUMN failed_command_id     text,
    ADD COLUMN failed_command_type   text,
    ADD COLUMN failed_command_status text,
    ADD COLUMN failed_command_at     timestamptz,
    ADD COLUMN failed_command_detail text;
CREATE INDEX sensor_directory_failed_command_at ON sensor_directory (failed_command_at) WHERE failed_command_at IS NOT NULL;
