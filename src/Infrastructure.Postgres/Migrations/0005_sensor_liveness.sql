-- Liveness (online, stale, offline) in the read model, written by the sensor grain only when it changes class.
ALTER TABLE sensor_directory ADD COLUMN liveness text NOT NULL DEFAULT 'offline';
