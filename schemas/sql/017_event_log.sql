-- 017 event log: every event of case_events is sealed into a Merkle tree (RFC 6962 hashes)
-- by the sealing worker, which signs checkpoints of the tree (docs/security.md).
--
-- Sealing order. An event's id is taken when it is inserted, but its transaction may commit
-- after events with higher ids: sealing in id order would skip it. Each event records the
-- transaction that inserted it (seal_xid); the sealer takes only events whose transaction is
-- older than every transaction still running (pg_snapshot_xmin), which can no longer change,
-- in (seal_xid, id) order. Events from before this migration have no seal_xid: they were all
-- committed (this migration locks the table) and are sealed first, in id order.
ALTER TABLE case_events ADD COLUMN seal_xid xid8;
ALTER TABLE case_events ALTER COLUMN seal_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX case_events_seal_idx ON case_events ((coalesce(seal_xid, '0'::xid8)), id);

-- An event's leaf: SHA-256 of 0x00 and its canonical record (RFC 6962's leaf hash). The
-- record is a version line, then each field on its own line, `-` for NULL or `+`, its UTF-8
-- length, `:` and its text: the event's columns, then its case's area, category and
-- received_at (the fixed attributes the figures read), times in UTC with microseconds.
-- LogEvent.leafData in Swift is the same record; exports are checked with that one.
-- Written out field by field (no helper per field) so that the planner inlines it into the
-- sealing and verifying queries: a helper referencing its argument twice was not inlined,
-- and cost 30 µs a row.
CREATE FUNCTION log_leaf_hash(e case_events, c cases) RETURNS bytea LANGUAGE sql STABLE AS $$
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
$$;

-- One row per sealed event: its position in the tree (0, 1, 2, ...) and its leaf hash.
CREATE TABLE log_leaves (
    seq       bigint PRIMARY KEY CHECK (seq >= 0),
    event_id  bigint NOT NULL UNIQUE,
    leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
);

-- Signed checkpoints (C2SP signed-note text), at an interval and at the close of every
-- 旬, month and quarter.
CREATE TABLE log_checkpoints (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size      bigint NOT NULL CHECK (size >= 0),
    root      bytea NOT NULL CHECK (length(root) = 32),
    signed_at timestamptz NOT NULL,
    sealed_below xid8 NOT NULL DEFAULT '0',
    periods   text[] NOT NULL DEFAULT '{}',
    note      text NOT NULL
);
CREATE INDEX log_checkpoints_size_idx ON log_checkpoints (size, id);

-- Where sealing stands: the last sealed event's (seal_xid, id), the tree's size and its
-- right edge (the perfect subtrees' hashes, largest first). One row. sealed_below: every
-- event of a transaction below it is sealed (set when a step caught up); an event that
-- appears later with a lower seal_xid was inserted by hand, and is never sealed. Each
-- checkpoint signs it (`sealed-below`), so that a verifier finds such events.
CREATE TABLE log_state (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    cursor_xid   xid8 NOT NULL DEFAULT '0',
    cursor_id    bigint NOT NULL DEFAULT 0,
    sealed_below xid8 NOT NULL DEFAULT '0',
    size       bigint NOT NULL DEFAULT 0,
    frontier   bytea[] NOT NULL DEFAULT '{}'
);
INSERT INTO log_state DEFAULT VALUES;

INSERT INTO settings (key, value) VALUES
    ('log.seal_seconds', '1'),          -- pause of the sealing job once it has caught up
    ('log.checkpoint_seconds', '60');   -- a signed checkpoint at least this often while events come

-- Leaves and checkpoints are append-only, as the events are.
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE OR DELETE ON log_leaves
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE OR DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

DO $$
DECLARE
    service text := current_schema() || '_service';
    staff text := current_schema() || '_staff';
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON log_leaves, log_checkpoints TO %I', service);
    EXECUTE format('GRANT SELECT, UPDATE ON log_state TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION log_leaf_hash(case_events, cases) TO %I', service);
    EXECUTE format('GRANT SELECT ON log_checkpoints TO %I', staff);
END $$;
