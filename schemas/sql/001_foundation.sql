-- 001 foundation: installation-wide settings.
--
-- Everything civicq creates lives in its own schema (search_path is set to it while a
-- migration runs). Later migrations add the job queue, cases, routing and figures.

-- Key/value settings of this installation (its name, its time zone for reporting periods, ...).
-- Values are jsonb so a setting can be a number, a string or a structure.
CREATE TABLE settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE settings IS 'civicq installation settings, one row per key';

INSERT INTO settings (key, value) VALUES
    ('installation.name', '"civicq"'),
    ('reporting.time_zone', '"Asia/Shanghai"');
