-- 026 history partitions: case_events, the table that grows without bound, is partitioned by
-- month (PostgreSQL's declarative partitioning, RANGE on `at`).
--
-- - One partition per calendar month in UTC, named case_events_yYYYYmMM. The months are
--   storage, not reporting: no figure reads these tables by month (the figures read
--   figure_rollup), so the reporting zone's month edges do not matter here, and a change of
--   reporting.time_zone cannot make two partitions overlap.
-- - A default partition takes an event no month exists for, so that an insert never fails
--   for want of a partition. The worker's `history.partitions` job makes the current month
--   and `history.months_ahead` (3) more; when it makes a month the default partition holds
--   rows of, it moves them into it first.
-- - An old month can be detached for archive (`civicq archive detach`, history_detach()):
--   it moves from case_events to case_events_archived, which the log's verification and
--   export still read, and from there an operator can dump it and move it off the server.
-- - The primary key is (id, at): a partitioned table's unique keys include the partition
--   key. Ids still come from one sequence (shared with ledger_events, as before); PostgreSQL
--   15 has no identity columns on partitioned tables, so the sequence is a column default,
--   and the service's INSERT grant names the columns it may set: not id, not seal_xid.
--
-- An existing history is copied into its months here, in this migration's transaction (the
-- table is locked for its length: at 10 million cases, about 60 million events, it took the
-- time README.md gives). Nothing is marked for the figures rollup: no event changes.
SET LOCAL maintenance_work_mem = '256MB';
LOCK TABLE case_events IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE;

CREATE OR REPLACE FUNCTION pg_temp.create_definer(p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE replace(p_definition, '@schema@', quote_ident(current_schema()));
END $$;

ALTER TABLE case_events RENAME TO case_events_unpartitioned;
ALTER INDEX case_events_pkey RENAME TO case_events_unpartitioned_pkey;
ALTER INDEX case_events_case_idx RENAME TO case_events_unpartitioned_case_idx;
ALTER INDEX case_events_kind_idx RENAME TO case_events_unpartitioned_kind_idx;
ALTER INDEX case_events_seal_idx RENAME TO case_events_unpartitioned_seal_idx;
ALTER SEQUENCE case_events_id_seq RENAME TO case_events_unpartitioned_id_seq;
DROP FUNCTION log_leaf_hash(case_events_unpartitioned, cases);

CREATE SEQUENCE case_events_id_seq AS bigint;
SELECT setval('case_events_id_seq', s.last_value, s.is_called) FROM case_events_unpartitioned_id_seq s;

-- The columns in the order they had (a row's type is part of log_leaf_hash's signature).
CREATE TABLE case_events (
    id              bigint NOT NULL DEFAULT nextval('case_events_id_seq'),
    case_id         bigint NOT NULL,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor           text NOT NULL,
    kind            text NOT NULL CONSTRAINT case_events_kind_check CHECK (kind ~ '^[a-z_]{1,32}$'),
    from_state      case_state,
    to_state        case_state,
    department_code text,
    reason          text CONSTRAINT case_events_reason_check CHECK (length(reason) <= 2000),
    public          boolean NOT NULL DEFAULT false,
    details         jsonb NOT NULL DEFAULT '{}',
    seal_xid        xid8 DEFAULT pg_current_xact_id()
) PARTITION BY RANGE (at);
ALTER SEQUENCE case_events_id_seq OWNED BY case_events.id;
ALTER TABLE ledger_events ALTER COLUMN id SET DEFAULT nextval('case_events_id_seq');

-- Archived months: the same columns, partitions detached from case_events.
CREATE TABLE case_events_archived (LIKE case_events INCLUDING DEFAULTS) PARTITION BY RANGE (at);

-- Which months were archived, when, and what they held.
CREATE TABLE history_archive (
    month       date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    table_name  text NOT NULL UNIQUE,
    events      bigint NOT NULL,
    first_id    bigint,
    last_id     bigint,
    archived_at timestamptz NOT NULL DEFAULT now(),
    archived_by text NOT NULL DEFAULT session_user
);

INSERT INTO settings (key, value) VALUES
    ('history.months_ahead', '3'),        -- months made ahead of the current one
    ('history.keep_months', '24'),        -- months before the current one that cannot be archived
    ('history.check_seconds', '3600');    -- pause of the history.partitions job

-- One month's partition, [p_start, p_start + 1 month) in UTC: made empty, filled with what the
-- default partition holds of the month (moved, not copied: the default's append-only trigger
-- is off for that one DELETE, in this transaction), then attached. 0 if it exists. A definer
-- function (granted to no one) so that the partition belongs to the owner whoever calls it.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION history_partition_make(p_start timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    stop timestamptz := (p_start AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC';
    name text := 'case_events_' || to_char(p_start AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
    moved bigint;
BEGIN
    IF p_start <> date_trunc('month', p_start, 'UTC') THEN
        RAISE EXCEPTION 'a month starts on its first day at 00:00 UTC, not at %', p_start USING ERRCODE = '22023';
    END IF;
    IF to_regclass(quote_ident(current_schema()) || '.' || quote_ident(name)) IS NOT NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE case_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (at >= %L AND at < %L)', name, name || '_month', p_start, stop);
    EXECUTE format('INSERT INTO %I SELECT * FROM case_events_default WHERE at >= %L AND at < %L', name, p_start, stop);
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved > 0 THEN
        ALTER TABLE case_events_default DISABLE TRIGGER case_events_no_update;
        DELETE FROM case_events_default WHERE at >= p_start AND at < stop;
        ALTER TABLE case_events_default ENABLE TRIGGER case_events_no_update;
    END IF;
    EXECUTE format('ALTER TABLE case_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, p_start, stop);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_month');
    PERFORM history_partition_protect(name);
    RETURN 1;
END $$;
$definer$);

-- A partition is read through its parent only: row-level security on with no policy (no one
-- but the owner reads it by name) and no truncation.
CREATE FUNCTION history_partition_protect(p_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', p_name);
    EXECUTE format('CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only()', p_name);
END $$;

-- `history.partitions`: the current month and the months ahead exist. Called by the worker
-- (the service role); each month is made in the caller's transaction, and a lock it cannot
-- take in 2 seconds (a long read holding the default partition) fails the run, which the
-- job's next run repeats; the months ahead leave time for that.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION history_partitions_ensure() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp SET lock_timeout = '2s' AS $$
DECLARE
    ahead integer := least(greatest(coalesce((SELECT (value #>> '{}')::integer FROM settings WHERE key = 'history.months_ahead'), 3), 0), 24);
    made integer := 0;
BEGIN
    FOR i IN 0..ahead LOOP
        made := made + history_partition_make((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i)) AT TIME ZONE 'UTC');
    END LOOP;
    RETURN made;
END $$
$definer$);

-- The default partition, and the months of the history there is before this one (counted
-- in UTC: a month added in the session's zone would drift by an hour across a DST change).
-- This month and those ahead are history_partitions_ensure()'s.
CREATE TABLE case_events_default PARTITION OF case_events DEFAULT;
SELECT history_partition_protect('case_events_default');
SELECT history_partition_make(m AT TIME ZONE 'UTC')
FROM generate_series(
    date_trunc('month', coalesce((SELECT min(at) FROM case_events_unpartitioned), now()) AT TIME ZONE 'UTC'),
    date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month', interval '1 month') AS m;
SELECT history_partitions_ensure();

INSERT INTO case_events SELECT * FROM case_events_unpartitioned;

ALTER TABLE case_events ADD CONSTRAINT case_events_pkey PRIMARY KEY (id, at);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);
CREATE INDEX case_events_kind_idx ON case_events (kind, at) WHERE kind IN ('escalated', 'returned', 'reopened');
CREATE INDEX case_events_seal_idx ON case_events ((coalesce(seal_xid, '0'::xid8)), id);
ALTER TABLE case_events ADD CONSTRAINT case_events_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE case_events ADD CONSTRAINT case_events_contract CHECK (case_event_fits(kind, details)) NOT VALID;

CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_dirty AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION figure_mark_dirty();
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events_archived
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events_archived
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER history_archive_no_update BEFORE UPDATE OR DELETE ON history_archive
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

DROP TABLE case_events_unpartitioned;
-- The planner's statistics for the new partitions and for the partitioned table itself,
-- which autovacuum never analyzes.
ANALYZE case_events;

-- An event's leaf (migration 017's record, unchanged), for a live and for an archived event:
-- one body, made twice for the two row types.
DO $$
DECLARE
    body text := $body$
    SELECT sha256('\x00'::bytea || convert_to(E'civicq-event/1\n'
        || '+' || octet_length(e.id::text) || ':' || e.id::text || E'\n'
        || '+' || octet_length(e.case_id::text) || ':' || e.case_id::text || E'\n'
        || '+27:' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n'
        || '+' || octet_length(e.actor) || ':' || e.actor || E'\n'
        || '+' || octet_length(e.kind) || ':' || e.kind || E'\n'
        || CASE WHEN e.from_state IS NULL THEN E'-\n' ELSE '+' || octet_length(e.from_state::text) || ':' || e.from_state::text || E'\n' END
        || CASE WHEN e.to_state IS NULL THEN E'-\n' ELSE '+' || octet_length(e.to_state::text) || ':' || e.to_state::text || E'\n' END
        || CASE WHEN e.department_code IS NULL THEN E'-\n' ELSE '+' || octet_length(e.department_code) || ':' || e.department_code || E'\n' END
        || CASE WHEN e.reason IS NULL THEN E'-\n' ELSE '+' || octet_length(e.reason) || ':' || e.reason || E'\n' END
        || CASE WHEN e.public THEN E'+4:true\n' ELSE E'+5:false\n' END
        || '+' || octet_length(e.details::text) || ':' || e.details::text || E'\n'
        || '+' || octet_length(c.area_code) || ':' || c.area_code || E'\n'
        || '+' || octet_length(c.category_code) || ':' || c.category_code || E'\n'
        || '+27:' || to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n', 'UTF8'))
    $body$;
    kind text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['case_events', 'case_events_archived'] LOOP
        EXECUTE format('CREATE FUNCTION log_leaf_hash(e %I, c cases) RETURNS bytea LANGUAGE sql STABLE AS %L', kind, body);
    END LOOP;
END $$;


-- The months of the history: attached, in the default partition, or archived, with their
-- events and size. Read by `civicq archive list` (the service's login or the owner's).
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION history_months() RETURNS TABLE (month date, place text, events bigint, bytes bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
    SELECT to_date(right(c.relname, 7), 'YYYY"m"MM') AS month,
           CASE p.relname WHEN 'case_events' THEN 'live' ELSE 'archived' END,
           greatest(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid)
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relnamespace = to_regnamespace(current_schema()) AND p.relname IN ('case_events', 'case_events_archived')
      AND c.relname <> 'case_events_default'
    UNION ALL
    SELECT NULL, 'default', (SELECT count(*) FROM case_events_default), pg_total_relation_size('case_events_default')
    ORDER BY 1 NULLS FIRST
$$
$definer$);

-- Archives one month (the first day of the month, UTC): refused unless it is older than
-- history.keep_months, every case with an event in it is finished (closed, merged, withdrawn
-- or rejected) and has no event in the kept months, and, when the log is sealed, every event of
-- the month is sealed. Only the owner runs it (`civicq archive detach` sets the owner role, as
-- `civicq migrate` does); it takes the table's lock for a moment, waiting at most 5 seconds.
CREATE FUNCTION history_detach(p_month date) RETURNS bigint
LANGUAGE plpgsql SET TimeZone = 'UTC' SET lock_timeout = '5s' AS $$
DECLARE
    start timestamptz := p_month::timestamptz;
    stop timestamptz := p_month::timestamptz + interval '1 month';
    name text := 'case_events_' || to_char(p_month, '"y"YYYY"m"MM');
    keep integer := coalesce((SELECT (value #>> '{}')::integer FROM settings WHERE key = 'history.keep_months'), 24);
    kept timestamptz := date_trunc('month', now()) - make_interval(months => keep);
    n bigint;
    lo bigint;
    hi bigint;
    blocker bigint;
BEGIN
    IF p_month <> date_trunc('month', p_month)::date THEN
        RAISE EXCEPTION 'name a month by its first day, not %', p_month USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'case_events'::regclass AND c.relname = name) THEN
        IF EXISTS (SELECT 1 FROM history_archive a WHERE a.month = p_month) THEN
            RAISE EXCEPTION 'month % is archived already', to_char(p_month, 'YYYY-MM') USING ERRCODE = 'CQ409';
        END IF;
        RAISE EXCEPTION 'month % has no partition', to_char(p_month, 'YYYY-MM') USING ERRCODE = 'CQ404';
    END IF;
    IF stop > kept THEN
        RAISE EXCEPTION 'month % is within the % months kept (history.keep_months): the first that can be archived ends before %',
            to_char(p_month, 'YYYY-MM'), keep, to_char(kept, 'YYYY-MM-DD') USING ERRCODE = 'CQ409';
    END IF;
    EXECUTE format('SELECT count(*), min(id), max(id) FROM %I', name) INTO n, lo, hi;
    EXECUTE format($q$
        SELECT e.case_id FROM (SELECT DISTINCT case_id FROM %I) e JOIN cases c ON c.id = e.case_id
        WHERE c.state NOT IN ('closed', 'merged', 'withdrawn', 'rejected')
           OR EXISTS (SELECT 1 FROM case_events k WHERE k.case_id = e.case_id AND k.at >= %L)
        LIMIT 1 $q$, name, kept) INTO blocker;
    IF blocker IS NOT NULL THEN
        RAISE EXCEPTION 'month % cannot be archived: case % has an event in it and is still open or has events in the kept months',
            to_char(p_month, 'YYYY-MM'), blocker USING ERRCODE = 'CQ409';
    END IF;
    IF (SELECT size FROM log_state) > 0 THEN
        EXECUTE format('SELECT e.id FROM %I e WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.event_id = e.id) LIMIT 1', name) INTO blocker;
        IF blocker IS NOT NULL THEN
            RAISE EXCEPTION 'month % cannot be archived: event % is not sealed yet', to_char(p_month, 'YYYY-MM'), blocker USING ERRCODE = 'CQ409';
        END IF;
    END IF;
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (at >= %L AND at < %L)', name, name || '_month', start, stop);
    EXECUTE format('ALTER TABLE case_events DETACH PARTITION %I', name);
    EXECUTE format('ALTER TABLE case_events_archived ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, start, stop);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_month');
    INSERT INTO history_archive (month, table_name, events, first_id, last_id) VALUES (p_month, name, n, lo, hi);
    RETURN n;
END $$;

ALTER TABLE case_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_events_archived ENABLE ROW LEVEL SECURITY;
ALTER TABLE history_archive ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON case_events FOR SELECT USING (
    (SELECT actor_sees_all())
    OR EXISTS (SELECT 1 FROM case_tasks t
               WHERE t.department_code = (SELECT actor_department()) AND t.case_id = case_events.case_id
                 AND t.state IN ('pending', 'accepted', 'done')));

REVOKE EXECUTE ON FUNCTION history_partition_make(timestamptz), history_partition_protect(text), history_detach(date),
    history_partitions_ensure(), history_months() FROM PUBLIC;
DO $$
DECLARE
    service text := current_schema() || '_service';
    staff text := current_schema() || '_staff';
BEGIN
    EXECUTE format('GRANT SELECT ON case_events TO %I', staff);
    EXECUTE format('GRANT SELECT ON case_events, case_events_archived, history_archive TO %I', service);
    EXECUTE format('GRANT INSERT (case_id, at, actor, kind, from_state, to_state, department_code, reason, public, details) ON case_events TO %I', service);
    EXECUTE format('GRANT USAGE ON SEQUENCE case_events_id_seq TO %I', service);
    EXECUTE format('CREATE POLICY service_all ON case_events TO %I USING (true) WITH CHECK (true)', service);
    EXECUTE format('CREATE POLICY service_all ON case_events_archived TO %I USING (true)', service);
    EXECUTE format('CREATE POLICY service_all ON history_archive TO %I USING (true)', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION log_leaf_hash(case_events, cases), log_leaf_hash(case_events_archived, cases) TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION history_partitions_ensure(), history_months() TO %I', service);
    EXECUTE format('CREATE OR REPLACE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', casework_jobs() || '{"history.partitions": {"queue": "figures", "payload": [], "max_attempts": 20}}'));
END $$;
