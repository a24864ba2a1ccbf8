-- 024 the problem ledger (问题台账): items with a lead unit, assisting units and a deadline on the
-- working-day calendar, linked cases, progress notes, 销号 with evidence files, the office's
-- decision, and the clock that escalates an overdue item (docs/ledger.md).
--
--   ledger_items        one problem to solve; state open → requested → closed_out (refused: back
--                       to open). Overdue is not a state: the deadline passed before closing out.
--   ledger_item_cases   the cases an item answers (from a hot spot, or picked by the office).
--   ledger_events       every change, append-only; ids from case_events' sequence so that the
--                       sealed log takes both in one order (a second leaf form, ledger_leaf_hash).
--   ledger_evidence     the files of a close-out request: bytes, SHA-256, a type read from the
--                       bytes (JPEG, PNG, GIF, WebP, PDF), at most ledger.evidence_max_bytes each.
--
-- People act through definer functions (the office creates, imports, links, approves and
-- refuses; the lead unit reports progress and asks for close-out; an assisting unit reports
-- progress). A unit sees the items it leads or assists; evidence is read by the lead unit and
-- the office only (row-level security).

INSERT INTO settings (key, value) VALUES
    ('ledger.evidence_max_bytes', '10485760'),   -- the largest evidence file (10 MiB)
    ('ledger.evidence_max_files', '10'),         -- files in one close-out request
    ('figures.weight_ledger', '0');              -- the ledger's on-time rate in the unit ranking (0: left out)

-- As in 023: `@schema@` stands for this schema's name in a definer function's text.
CREATE OR REPLACE FUNCTION pg_temp.create_definer(p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE replace(p_definition, '@schema@', quote_ident(current_schema()));
END $$;

-- A working day: Monday to Friday unless the calendar says holiday; a weekend day the
-- calendar makes a working day (调休). WorkCalendar in Swift is the same rule.
CREATE FUNCTION working_day(p_day date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT d.kind = 'workday' FROM calendar_days d WHERE d.day = p_day), extract(isodow FROM p_day) < 6)
$$;

-- The end of a local day in the reporting time zone, as an instant.
CREATE FUNCTION local_day_end(p_day date) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT (p_day + 1)::timestamp AT TIME ZONE (SELECT value #>> '{}' FROM settings WHERE key = 'reporting.time_zone')
$$;

CREATE TABLE ledger_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 500 AND title !~ '[\r\n]'),
    place           text CHECK (length(place) <= 500),
    area_code       text CHECK (area_code ~ '^[0-9]{2,15}$'),
    lead_department text NOT NULL REFERENCES departments (code),
    assisting       text[] NOT NULL DEFAULT '{}',
    due_day         date NOT NULL,
    deadline        timestamptz NOT NULL,
    source          text CHECK (length(source) <= 500),
    source_ref      text CHECK (length(source_ref) <= 100),
    hotspot_id      bigint REFERENCES hotspots (id),
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'requested', 'closed_out')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    requested_at    timestamptz,
    closed_at       timestamptz,
    escalated_at    timestamptz,
    CHECK ((state = 'closed_out') = (closed_at IS NOT NULL))
);
CREATE INDEX ledger_items_lead_idx ON ledger_items (lead_department, state);
CREATE INDEX ledger_items_assisting_idx ON ledger_items USING gin (assisting);

CREATE TABLE ledger_item_cases (
    item_id   bigint NOT NULL REFERENCES ledger_items (id),
    case_id   bigint NOT NULL REFERENCES cases (id),
    linked_at timestamptz NOT NULL DEFAULT now(),
    linked_by text NOT NULL,
    PRIMARY KEY (item_id, case_id)
);
CREATE INDEX ledger_item_cases_case_idx ON ledger_item_cases (case_id);

CREATE TABLE ledger_events (
    id              bigint PRIMARY KEY,
    item_id         bigint NOT NULL REFERENCES ledger_items (id),
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor           text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('created', 'linked', 'progress', 'close_out_requested', 'closed_out',
                                                  'refused', 'escalated')),
    from_state      text,
    to_state        text,
    department_code text,
    note            text CHECK (length(note) <= 4000),
    details         jsonb NOT NULL DEFAULT '{}',
    seal_xid        xid8 DEFAULT pg_current_xact_id()
);
-- One id sequence for both kinds of event: a log leaf names its event by id alone.
DO $$
BEGIN
    EXECUTE format('ALTER TABLE ledger_events ALTER COLUMN id SET DEFAULT nextval(%L::regclass)',
                   pg_get_serial_sequence(quote_ident(current_schema()) || '.case_events', 'id'));
END $$;
CREATE INDEX ledger_events_item_idx ON ledger_events (item_id, id);
CREATE INDEX ledger_events_seal_idx ON ledger_events ((coalesce(seal_xid, '0'::xid8)), id);
CREATE TRIGGER ledger_events_no_update BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

CREATE TABLE ledger_evidence (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id    bigint NOT NULL REFERENCES ledger_items (id),
    event_id   bigint NOT NULL REFERENCES ledger_events (id),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 255 AND name !~ '[/\\\r\n]'),
    media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf')),
    size       integer NOT NULL CHECK (size = octet_length(content)),
    sha256     bytea NOT NULL CHECK (sha256 = sha256(content)),
    content    bytea NOT NULL
);
CREATE INDEX ledger_evidence_item_idx ON ledger_evidence (item_id, id);
CREATE TRIGGER ledger_evidence_no_update BEFORE UPDATE OR DELETE ON ledger_evidence
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- A hot spot the office turned into an item.
ALTER TABLE hotspots DROP CONSTRAINT hotspots_state_check;
ALTER TABLE hotspots ADD CONSTRAINT hotspots_state_check CHECK (state IN ('open', 'dismissed', 'itemized'));

-- A ledger event's leaf: as log_leaf_hash (017) with its own version line; the event's
-- columns then its item's lead unit and deadline. LedgerLogEvent.leafData in Swift. Written
-- out field by field like log_leaf_hash, for its reason: a helper per field is not inlined
-- into the sealing query, and costs 30 µs a row.
CREATE FUNCTION ledger_leaf_hash(e ledger_events, i ledger_items) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256('\x00'::bytea || convert_to(E'civicq-ledger-event/1\n'
        || '+' || octet_length(e.id::text) || ':' || e.id::text || E'\n'
        || '+' || octet_length(e.item_id::text) || ':' || e.item_id::text || E'\n'
        || '+27:' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n'
        || '+' || octet_length(e.actor) || ':' || e.actor || E'\n'
        || '+' || octet_length(e.kind) || ':' || e.kind || E'\n'
        || CASE WHEN e.from_state IS NULL THEN E'-\n' ELSE '+' || octet_length(e.from_state) || ':' || e.from_state || E'\n' END
        || CASE WHEN e.to_state IS NULL THEN E'-\n' ELSE '+' || octet_length(e.to_state) || ':' || e.to_state || E'\n' END
        || CASE WHEN e.department_code IS NULL THEN E'-\n' ELSE '+' || octet_length(e.department_code) || ':' || e.department_code || E'\n' END
        || CASE WHEN e.note IS NULL THEN E'-\n' ELSE '+' || octet_length(e.note) || ':' || e.note || E'\n' END
        || '+' || octet_length(e.details::text) || ':' || e.details::text || E'\n'
        || '+' || octet_length(i.lead_department) || ':' || i.lead_department || E'\n'
        || '+27:' || to_char(i.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n', 'UTF8'))
$$;

-- Appends one event of an item and returns its id.
CREATE FUNCTION ledger_append(p_item bigint, p_actor text, p_kind text, p_from text, p_to text, p_department text,
                              p_note text, p_details jsonb DEFAULT '{}') RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO ledger_events (item_id, actor, kind, from_state, to_state, department_code, note, details)
    VALUES (p_item, p_actor, p_kind, p_from, p_to, p_department, p_note, p_details) RETURNING id
$$;

-- What is wrong with a new item, or NULL: one sentence, for the import's line report and for
-- `ledger new` alike.
CREATE FUNCTION ledger_item_problem(p_title text, p_place text, p_area text, p_lead text, p_assisting text[], p_due date,
                                    p_source text, p_source_ref text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN length(coalesce(p_title, '')) NOT BETWEEN 1 AND 500 OR p_title ~ '[\r\n]' THEN 'the item needs a title of 1 to 500 characters on one line'
        WHEN length(p_place) > 500 THEN 'the place has more than 500 characters'
        WHEN length(p_source) > 500 THEN 'the source has more than 500 characters'
        WHEN length(p_source_ref) > 100 THEN 'the item''s number in the list has more than 100 characters'
        WHEN p_area IS NOT NULL AND p_area !~ '^[0-9]{2,15}$' THEN format('area %s is not an area code (2 to 15 digits)', p_area)
        WHEN p_lead IS NULL OR p_lead = '' THEN 'the item needs a lead unit'
        WHEN NOT EXISTS (SELECT 1 FROM departments WHERE code = p_lead AND active) THEN format('there is no unit %s', p_lead)
        WHEN unknown.code IS NOT NULL THEN format('there is no unit %s', unknown.code)
        WHEN p_lead = ANY (p_assisting) THEN format('%s cannot both lead and assist', p_lead)
        WHEN p_due IS NULL THEN 'the item needs a deadline'
        WHEN NOT working_day(p_due) THEN format('the deadline %s is not a working day', p_due)
    END
    FROM (SELECT (SELECT u.code FROM unnest(p_assisting) AS u(code)
                  WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.code = u.code AND d.active) LIMIT 1) AS code) AS unknown
$$;

-- Creates an item (checked by the caller) with its `created` event; links `p_cases`.
CREATE FUNCTION ledger_create(p_actor text, p_department text, p_title text, p_place text, p_area text, p_lead text,
                              p_assisting text[], p_due date, p_source text, p_source_ref text, p_hotspot bigint, p_cases bigint[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    item ledger_items;
BEGIN
    INSERT INTO ledger_items (title, place, area_code, lead_department, assisting, due_day, deadline, source, source_ref,
                              hotspot_id, created_by)
    VALUES (p_title, nullif(p_place, ''), nullif(p_area, ''), p_lead, coalesce(p_assisting, '{}'), p_due, local_day_end(p_due),
            nullif(p_source, ''), nullif(p_source_ref, ''), p_hotspot, p_actor)
    RETURNING * INTO item;
    PERFORM ledger_append(item.id, p_actor, 'created', NULL, 'open', p_department, NULL, jsonb_strip_nulls(jsonb_build_object(
        'title', item.title, 'place', item.place, 'area', item.area_code, 'lead', item.lead_department,
        'assisting', to_jsonb(item.assisting), 'due', item.due_day, 'source', item.source, 'source_ref', item.source_ref,
        'hotspot', item.hotspot_id)));
    IF coalesce(cardinality(p_cases), 0) > 0 THEN
        INSERT INTO ledger_item_cases (item_id, case_id, linked_by)
        SELECT item.id, c, p_actor FROM unnest(p_cases) AS u(c) ON CONFLICT DO NOTHING;
        PERFORM ledger_append(item.id, p_actor, 'linked', 'open', 'open', p_department, NULL,
                              jsonb_build_object('cases', (SELECT jsonb_agg(c ORDER BY c) FROM (SELECT DISTINCT c FROM unnest(p_cases) AS u(c)) s)));
    END IF;
    PERFORM casework_enqueue('ledger.clock', jsonb_build_object('item', item.id), item.deadline, format('ledger-clock:%s', item.id));
    RETURN item.id;
END $$;

-- The office's check on cases to link: each must exist.
CREATE FUNCTION ledger_require_cases(p_cases bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    missing bigint := (SELECT c FROM unnest(p_cases) AS u(c) WHERE NOT EXISTS (SELECT 1 FROM cases WHERE id = c) LIMIT 1);
BEGIN
    IF missing IS NOT NULL THEN
        PERFORM cq_fail('CQ404', format('there is no case %s', missing));
    END IF;
END $$;

-- The office decides an open hot spot: dismissed (with a reason) or itemized (made a ledger
-- item). Locked; refused when there is none, or it is decided already. hotspot_dismiss (023)
-- now decides through it too.
CREATE FUNCTION hotspot_decide(p_hotspot bigint, p_state text, p_login text, p_reason text) RETURNS hotspots
LANGUAGE plpgsql AS $$
DECLARE
    h hotspots;
BEGIN
    SELECT * INTO h FROM hotspots WHERE id = p_hotspot FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no hot spot %s', p_hotspot));
    END IF;
    IF h.state <> 'open' THEN
        PERFORM cq_fail('CQ409', format('hot spot %s is %s already', p_hotspot, h.state));
    END IF;
    UPDATE hotspots SET state = p_state, decided_by = p_login, decided_at = now(), reason = p_reason
    WHERE id = p_hotspot RETURNING * INTO h;
    RETURN h;
END $$;

SELECT function_rewrite('hotspot_dismiss(bigint, text)',
    $old$    SELECT * INTO h FROM hotspots WHERE id = p_hotspot FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no hot spot %s', p_hotspot));
    END IF;
    IF h.state <> 'open' THEN
        PERFORM cq_fail('CQ409', format('hot spot %s is %s already', p_hotspot, h.state));
    END IF;
    UPDATE hotspots SET state = 'dismissed', decided_by = a.login, decided_at = now(), reason = p_reason WHERE id = p_hotspot;$old$,
    $new$    h := hotspot_decide(p_hotspot, 'dismissed', a.login, p_reason);$new$);

-- A new item by the office: from selected cases, or from a hot spot (its cases linked: the
-- hot spot's category in its area, received on its local day).
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_new(p_title text, p_place text, p_area text, p_lead text, p_assisting text[], p_due date,
                           p_source text, p_cases bigint[], p_hotspot bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'create ledger items');
    problem text := ledger_item_problem(p_title, p_place, nullif(p_area, ''), p_lead, coalesce(p_assisting, '{}'), p_due, p_source, NULL);
    h hotspots;
    linked bigint[] := coalesce(p_cases, '{}');
    zone text := (SELECT value #>> '{}' FROM settings WHERE key = 'reporting.time_zone');
    item bigint;
BEGIN
    IF problem IS NOT NULL THEN
        PERFORM cq_fail('CQ400', problem);
    END IF;
    PERFORM ledger_require_cases(linked);
    IF p_hotspot IS NOT NULL THEN
        h := hotspot_decide(p_hotspot, 'itemized', a.login, NULL);
        linked := linked || ARRAY(
            SELECT c.id FROM cases c
            WHERE c.category_code = h.category_code AND left(c.area_code, length(h.area_code)) = h.area_code
              AND c.received_at >= (h.day::timestamp AT TIME ZONE zone) AND c.received_at < ((h.day + 1)::timestamp AT TIME ZONE zone)
            ORDER BY c.id);
    END IF;
    item := ledger_create(a.login, a.department_code, p_title, p_place, p_area, p_lead, p_assisting, p_due, p_source, NULL,
                          p_hotspot, linked);
    RETURN item;
END $$;
$definer$);

-- A day typed as YYYY-MM-DD, or NULL.
CREATE FUNCTION ledger_day(p_text text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_text !~ '^\d{4}-\d{2}-\d{2}$' THEN RETURN NULL; END IF;
    RETURN p_text::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
    RETURN NULL;
END $$;

-- The rows of a campaign's list as sent: each an object with line, title, place, area, lead,
-- assisting (array), due (YYYY-MM-DD), source (the list's when absent) and source_ref; with
-- what is wrong with each, or NULL.
CREATE FUNCTION ledger_import_rows(p_rows jsonb)
RETURNS TABLE (line integer, title text, place text, area text, lead text, assisting text[], due date, source text, source_ref text,
               problem text)
LANGUAGE sql STABLE AS $$
    SELECT r.line, r.title, r.place, r.area, r.lead, r.assisting, r.due, r.source, r.source_ref,
           CASE WHEN r.due IS NULL AND coalesce(r.due_text, '') <> '' THEN format('the deadline %s is not a date (YYYY-MM-DD)', r.due_text)
                ELSE ledger_item_problem(r.title, r.place, r.area, r.lead, r.assisting, r.due, r.source, r.source_ref) END
    FROM (SELECT (x ->> 'line')::integer AS line, x ->> 'title' AS title, x ->> 'place' AS place, nullif(x ->> 'area', '') AS area,
                 x ->> 'lead' AS lead, coalesce(ARRAY(SELECT jsonb_array_elements_text(x -> 'assisting')), '{}') AS assisting,
                 ledger_day(x ->> 'due') AS due,
                 x ->> 'due' AS due_text, nullif(x ->> 'source', '') AS source, x ->> 'source_ref' AS source_ref
          FROM jsonb_array_elements(p_rows) AS x) r
$$;

-- A campaign's list, all or nothing. Returns every problem (line, NULL, sentence); when there
-- is none and p_store, stores every row and returns (line, item, NULL).
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_import(p_rows jsonb, p_source text, p_store boolean)
RETURNS TABLE (line integer, item bigint, problem text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'import ledger items');
    r record;
BEGIN
    IF jsonb_typeof(p_rows) IS DISTINCT FROM 'array' OR jsonb_array_length(p_rows) = 0 THEN
        PERFORM cq_fail('CQ400', 'the list has no items');
    END IF;
    IF length(coalesce(p_source, '')) NOT BETWEEN 1 AND 500 THEN
        PERFORM cq_fail('CQ400', 'name the list''s source (an inspection, a campaign) in 1 to 500 characters');
    END IF;
    RETURN QUERY SELECT r2.line, NULL::bigint, r2.problem FROM ledger_import_rows(p_rows) AS r2
                 WHERE r2.problem IS NOT NULL ORDER BY r2.line;
    IF FOUND OR NOT p_store THEN
        RETURN;
    END IF;
    FOR r IN SELECT * FROM ledger_import_rows(p_rows) AS r3 ORDER BY r3.line LOOP
        line := r.line;
        item := ledger_create(a.login, a.department_code, r.title, r.place, r.area, r.lead, r.assisting, r.due,
                              coalesce(r.source, p_source), r.source_ref, NULL, NULL);
        problem := NULL;
        RETURN NEXT;
    END LOOP;
END $$;
$definer$);

-- The item for a change by `a`: locked, visible to them, and in one of `p_states`.
CREATE FUNCTION ledger_lock(p_item bigint, a civic_actor, p_states text[], p_action text) RETURNS ledger_items
LANGUAGE plpgsql AS $$
DECLARE
    item ledger_items;
    office boolean := a.role IN ('dispatcher', 'admin');
BEGIN
    SELECT * INTO item FROM ledger_items WHERE id = p_item FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no ledger item %s', p_item));
    END IF;
    IF NOT office AND a.department_code IS DISTINCT FROM item.lead_department AND NOT a.department_code = ANY (item.assisting) THEN
        PERFORM cq_fail('CQ403', format('ledger item %s is not your unit''s', p_item));
    END IF;
    IF NOT item.state = ANY (p_states) THEN
        PERFORM cq_fail('CQ409', format('ledger item %s is %s: it cannot %s', p_item, replace(item.state, '_', ' '), p_action));
    END IF;
    RETURN item;
END $$;

-- The office links more cases to an item.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_link(p_item bigint, p_cases bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'link cases to ledger items');
    item ledger_items := ledger_lock(p_item, a, ARRAY['open', 'requested', 'closed_out'], 'take cases');
    added bigint[];
BEGIN
    IF coalesce(cardinality(p_cases), 0) = 0 THEN
        PERFORM cq_fail('CQ400', 'name at least one case');
    END IF;
    PERFORM ledger_require_cases(p_cases);
    WITH n AS (INSERT INTO ledger_item_cases (item_id, case_id, linked_by)
               SELECT item.id, c, a.login FROM unnest(p_cases) AS u(c) ON CONFLICT DO NOTHING RETURNING case_id)
    SELECT array_agg(case_id ORDER BY case_id) INTO added FROM n;
    IF added IS NOT NULL THEN
        PERFORM ledger_append(item.id, a.login, 'linked', item.state, item.state, a.department_code, NULL,
                              jsonb_build_object('cases', to_jsonb(added)));
    END IF;
    RETURN coalesce(cardinality(added), 0);
END $$;
$definer$);

-- A progress note by the lead or an assisting unit, or the office.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_progress(p_item bigint, p_note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'dispatcher', 'admin'], 'report progress on ledger items');
    item ledger_items := ledger_lock(p_item, a, ARRAY['open', 'requested'], 'take progress notes');
BEGIN
    IF length(coalesce(p_note, '')) NOT BETWEEN 1 AND 4000 THEN
        PERFORM cq_fail('CQ400', 'write a progress note of 1 to 4000 characters');
    END IF;
    RETURN ledger_append(item.id, a.login, 'progress', item.state, item.state, a.department_code, p_note);
END $$;
$definer$);

-- What a file's bytes are, whatever its name says: JPEG, PNG, GIF, WebP or PDF, else NULL.
CREATE FUNCTION evidence_media_type(p_bytes bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN substring(p_bytes FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
        WHEN substring(p_bytes FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
        WHEN substring(p_bytes FROM 1 FOR 6) IN ('GIF87a'::bytea, 'GIF89a'::bytea) THEN 'image/gif'
        WHEN substring(p_bytes FROM 1 FOR 4) = 'RIFF'::bytea AND substring(p_bytes FROM 9 FOR 4) = 'WEBP'::bytea THEN 'image/webp'
        WHEN substring(p_bytes FROM 1 FOR 5) = '%PDF-'::bytea THEN 'application/pdf'
    END
$$;

-- The type a file's name claims, from its extension (NULL: none we take).
CREATE FUNCTION evidence_claimed_type(p_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE lower(substring(p_name FROM '\.([A-Za-z0-9]+)$'))
        WHEN 'jpg' THEN 'image/jpeg' WHEN 'jpeg' THEN 'image/jpeg' WHEN 'png' THEN 'image/png'
        WHEN 'gif' THEN 'image/gif' WHEN 'webp' THEN 'image/webp' WHEN 'pdf' THEN 'application/pdf'
    END
$$;

-- 销号: the lead unit asks for close-out with what it did and its evidence files; each file's
-- type is read from its bytes and must be what its name says. Nothing is stored on any fault.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_request_close_out(p_item bigint, p_note text, p_names text[], p_files bytea[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'admin'], 'ask for close-out');
    item ledger_items := ledger_lock(p_item, a, ARRAY['open'], 'be put up for close-out');
    max_bytes bigint := (SELECT (value #>> '{}')::bigint FROM settings WHERE key = 'ledger.evidence_max_bytes');
    max_files integer := (SELECT (value #>> '{}')::integer FROM settings WHERE key = 'ledger.evidence_max_files');
    files integer := coalesce(cardinality(p_files), 0);
    found_type text;
    claimed text;
    event bigint;
BEGIN
    IF a.role <> 'admin' AND a.department_code IS DISTINCT FROM item.lead_department THEN
        PERFORM cq_fail('CQ403', format('only the lead unit (%s) asks for close-out of item %s', item.lead_department, p_item));
    END IF;
    IF length(coalesce(p_note, '')) NOT BETWEEN 1 AND 4000 THEN
        PERFORM cq_fail('CQ400', 'say what was done, in 1 to 4000 characters');
    END IF;
    IF files = 0 THEN
        PERFORM cq_fail('CQ400', 'a close-out request needs evidence: at least one photo or PDF');
    END IF;
    IF files <> coalesce(cardinality(p_names), 0) THEN
        PERFORM cq_fail('CQ400', 'each evidence file needs its name');
    END IF;
    IF files > max_files THEN
        PERFORM cq_fail('CQ400', format('at most %s evidence files in one request', max_files));
    END IF;
    FOR i IN 1 .. files LOOP
        IF length(coalesce(p_names[i], '')) NOT BETWEEN 1 AND 255 OR p_names[i] ~ '[/\\\r\n]' THEN
            PERFORM cq_fail('CQ400', format('evidence file %s needs a plain name', i));
        END IF;
        IF octet_length(p_files[i]) > max_bytes THEN
            PERFORM cq_fail('CQ400', format('%s is %s bytes: the limit is %s', p_names[i], octet_length(p_files[i]), max_bytes));
        END IF;
        IF octet_length(p_files[i]) = 0 THEN
            PERFORM cq_fail('CQ400', format('%s is empty', p_names[i]));
        END IF;
        found_type := evidence_media_type(p_files[i]);
        claimed := evidence_claimed_type(p_names[i]);
        IF claimed IS NULL THEN
            PERFORM cq_fail('CQ400', format('%s: evidence is a photo (.jpg, .png, .gif, .webp) or a .pdf', p_names[i]));
        END IF;
        IF found_type IS DISTINCT FROM claimed THEN
            PERFORM cq_fail('CQ400', format('%s is named as %s but its bytes are %s', p_names[i], claimed,
                                            coalesce(found_type, 'not a photo or PDF')));
        END IF;
    END LOOP;
    UPDATE ledger_items SET state = 'requested', requested_at = now() WHERE id = item.id;
    event := ledger_append(item.id, a.login, 'close_out_requested', 'open', 'requested', a.department_code, p_note,
        jsonb_build_object('files', (SELECT jsonb_agg(jsonb_build_object('name', p_names[i], 'type', evidence_media_type(p_files[i]),
                                                                        'size', octet_length(p_files[i]), 'sha256', encode(sha256(p_files[i]), 'hex'))
                                                     ORDER BY i)
                                     FROM generate_subscripts(p_files, 1) AS i)));
    INSERT INTO ledger_evidence (item_id, event_id, name, media_type, size, sha256, content)
    SELECT item.id, event, p_names[i], evidence_media_type(p_files[i]), octet_length(p_files[i]), sha256(p_files[i]), p_files[i]
    FROM generate_subscripts(p_files, 1) AS i ORDER BY i;
    RETURN event;
END $$;
$definer$);

-- The office decides on a close-out request: approve (closed out, 销号) or refuse with a
-- reason (back to the lead unit, open).
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION ledger_decide(p_item bigint, p_approve boolean, p_note text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], CASE WHEN p_approve THEN 'approve close-out' ELSE 'refuse close-out' END);
    item ledger_items := ledger_lock(p_item, a, ARRAY['requested'],
                                     CASE WHEN p_approve THEN 'be closed out' ELSE 'be refused' END);
BEGIN
    IF NOT p_approve AND length(coalesce(p_note, '')) NOT BETWEEN 1 AND 4000 THEN
        PERFORM cq_fail('CQ400', 'give the unit a reason of 1 to 4000 characters');
    END IF;
    IF length(coalesce(p_note, '')) > 4000 THEN
        PERFORM cq_fail('CQ400', 'a note has at most 4000 characters');
    END IF;
    IF p_approve THEN
        UPDATE ledger_items SET state = 'closed_out', closed_at = now() WHERE id = item.id;
        PERFORM ledger_append(item.id, a.login, 'closed_out', 'requested', 'closed_out', a.department_code, nullif(p_note, ''),
            jsonb_build_object('on_time', now() <= item.deadline));
        RETURN 'closed_out';
    END IF;
    UPDATE ledger_items SET state = 'open', requested_at = NULL WHERE id = item.id;
    PERFORM ledger_append(item.id, a.login, 'refused', 'requested', 'open', a.department_code, p_note);
    RETURN 'open';
END $$;
$definer$);

-- An item's deadline passes (worker: ledger.clock): not closed out, it escalates (督办) as a
-- case does, once: an event, and the lead unit's webhook when it has one.
CREATE FUNCTION ledger_clock_fire(p_item bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    item ledger_items;
BEGIN
    SELECT * INTO item FROM ledger_items WHERE id = p_item FOR UPDATE;
    IF NOT FOUND THEN RETURN 'gone'; END IF;
    IF item.state = 'closed_out' THEN RETURN 'met'; END IF;
    IF item.deadline > now() THEN RETURN 'early'; END IF;
    IF item.escalated_at IS NOT NULL THEN RETURN 'escalated'; END IF;
    UPDATE ledger_items SET escalated_at = now() WHERE id = item.id;
    PERFORM ledger_append(item.id, 'clock', 'escalated', item.state, item.state, item.lead_department, NULL,
                          jsonb_build_object('due', item.due_day));
    IF EXISTS (SELECT 1 FROM departments WHERE code = item.lead_department AND webhook_url IS NOT NULL AND active) THEN
        PERFORM casework_enqueue('department.webhook', jsonb_build_object('department', item.lead_department, 'body', jsonb_build_object(
            'event', 'ledger_escalated', 'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'department', item.lead_department,
            'item', jsonb_build_object('id', item.id, 'title', item.title, 'state', item.state, 'due', item.due_day))));
    END IF;
    RETURN 'escalated';
END $$;

DO $$
BEGIN
    EXECUTE format('CREATE OR REPLACE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', casework_jobs() || '{"ledger.clock": {"queue": "clocks", "payload": ["item"], "max_attempts": 20}}'));
END $$;

-- Who sees what: the office every item; a unit the items it leads or assists, their cases
-- links and events; evidence the lead unit and the office only.
ALTER TABLE ledger_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_item_cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON ledger_items FOR SELECT USING (
    (SELECT actor_sees_all()) OR lead_department = (SELECT actor_department()) OR (SELECT actor_department()) = ANY (assisting));
CREATE POLICY staff_read ON ledger_item_cases FOR SELECT USING (EXISTS (SELECT 1 FROM ledger_items i WHERE i.id = item_id));
CREATE POLICY staff_read ON ledger_events FOR SELECT USING (EXISTS (SELECT 1 FROM ledger_items i WHERE i.id = item_id));
CREATE POLICY staff_read ON ledger_evidence FOR SELECT USING (
    (SELECT actor_sees_all()) OR EXISTS (SELECT 1 FROM ledger_items i WHERE i.id = item_id AND i.lead_department = (SELECT actor_department())));

REVOKE EXECUTE ON FUNCTION working_day(date), local_day_end(date), ledger_append(bigint, text, text, text, text, text, text, jsonb),
    ledger_item_problem(text, text, text, text, text[], date, text, text), ledger_import_rows(jsonb), ledger_day(text),
    hotspot_decide(bigint, text, text, text),
    ledger_create(text, text, text, text, text, text, text[], date, text, text, bigint, bigint[]), ledger_require_cases(bigint[]),
    ledger_new(text, text, text, text, text[], date, text, bigint[], bigint), ledger_import(jsonb, text, boolean),
    ledger_lock(bigint, civic_actor, text[], text), ledger_link(bigint, bigint[]), ledger_progress(bigint, text),
    evidence_media_type(bytea), evidence_claimed_type(text), ledger_request_close_out(bigint, text, text[], bytea[]),
    ledger_decide(bigint, boolean, text), ledger_clock_fire(bigint), ledger_leaf_hash(ledger_events, ledger_items) FROM PUBLIC;

DO $$
DECLARE
    staff text := current_schema() || '_staff';
    service text := current_schema() || '_service';
    tbl text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['ledger_items', 'ledger_item_cases', 'ledger_events', 'ledger_evidence'] LOOP
        EXECUTE format('GRANT SELECT ON %I TO %I', tbl, staff);
        EXECUTE format('CREATE POLICY service_all ON %I TO %I USING (true) WITH CHECK (true)', tbl, service);
    END LOOP;
    EXECUTE format('GRANT SELECT ON ledger_items, ledger_item_cases, ledger_events TO %I', service);
    EXECUTE format('GRANT UPDATE (escalated_at) ON ledger_items TO %I', service);
    EXECUTE format('GRANT INSERT ON ledger_events TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION ledger_clock_fire(bigint), ledger_leaf_hash(ledger_events, ledger_items),
        ledger_append(bigint, text, text, text, text, text, text, jsonb), working_day(date), local_day_end(date), casework_jobs() TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION ledger_new(text, text, text, text, text[], date, text, bigint[], bigint),
        ledger_import(jsonb, text, boolean), ledger_link(bigint, bigint[]), ledger_progress(bigint, text),
        ledger_request_close_out(bigint, text, text[], bytea[]), ledger_decide(bigint, boolean, text) TO %I', staff);
END $$;
