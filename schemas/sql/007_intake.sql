-- 007 intake: API keys for intake systems, Open311 service attributes, and the functions the
-- HTTP API and bulk import call. They run as the schema's owner (the server's login), never
-- as staff: PUBLIC and staff execute none of them.

-- One key per intake system and purpose. The key itself is shown once; only its SHA-256 is
-- kept. `prefix` (the key's first part) finds the row; `scopes` empty means every endpoint.
CREATE TABLE api_keys (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text NOT NULL CHECK (source ~ '^[A-Za-z0-9_.-]{1,64}$'),
    prefix          text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{8}$'),
    secret_hash     bytea NOT NULL CHECK (length(secret_hash) = 32),
    label           text CHECK (length(label) <= 200),
    scopes          text[] NOT NULL DEFAULT '{}'
                    CHECK (scopes <@ ARRAY['cases:write', 'cases:read', 'callbacks:write', 'open311:write']),
    rate_per_second integer NOT NULL DEFAULT 50 CHECK (rate_per_second BETWEEN 1 AND 100000),
    burst           integer NOT NULL DEFAULT 100 CHECK (burst BETWEEN 1 AND 1000000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    last_used_at    timestamptz
);

-- Open311 service definitions: a category's attributes (the spec's `attribute` list, as JSON),
-- a description and keywords. A submission's attribute values are kept with the case.
ALTER TABLE categories
    ADD COLUMN description text CHECK (length(description) <= 2000),
    ADD COLUMN keywords    text CHECK (length(keywords) <= 500),
    ADD COLUMN attributes  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attributes) = 'array'),
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();
ALTER TABLE cases
    ADD COLUMN attributes  jsonb CHECK (jsonb_typeof(attributes) = 'object'),
    ADD COLUMN media_url   text CHECK (length(media_url) <= 2000);
CREATE INDEX cases_source_idx ON cases (source, id);

-- One complaint as intake hands it in (HTTP single and batch, bulk import, submit_case).
CREATE TYPE intake_case AS (
    external_id   text,
    category      text,
    area          text,
    title         text,
    description   text,
    channel       text,
    citizen_name  text,
    citizen_phone text,
    address       text,
    latitude      double precision,
    longitude     double precision,
    priority      text,
    received_at   timestamptz,
    attributes    jsonb,
    media_url     text
);

-- The one place intake stores cases: inserts those of `p_cases` that are new for `p_source`
-- (known category, unseen external id), each with its `received` event and its routing job,
-- and returns them. Runs in the caller's transaction; linear in the batch (one unnest).
CREATE FUNCTION intake_insert(p_source text, p_cases intake_case[])
RETURNS TABLE (new_id bigint, new_external_id text) LANGUAGE plpgsql AS $$
BEGIN
    -- PL/pgSQL, not SQL: its plan is kept for the session (an SQL function is planned per call).
    RETURN QUERY
    WITH inserted AS (
        INSERT INTO cases AS c (source, external_id, channel, category_code, area_code, title, description, citizen_name,
            citizen_phone, address, latitude, longitude, priority, received_at, attributes, media_url)
        SELECT p_source, i.external_id, coalesce(i.channel, 'phone'), i.category, i.area, i.title, i.description,
               i.citizen_name, i.citizen_phone, i.address, i.latitude, i.longitude, coalesce(i.priority, 'normal'),
               coalesce(i.received_at, now()), i.attributes, i.media_url
        FROM unnest(p_cases) AS i WHERE i.category IN (SELECT code FROM categories)
        ON CONFLICT (source, external_id) DO NOTHING
        RETURNING c.id, c.external_id, c.channel
    ), events AS (
        INSERT INTO case_events (case_id, actor, kind, to_state, public, details)
        SELECT ins.id, p_source, 'received', 'received', true, jsonb_build_object('channel', ins.channel) FROM inserted ins
    ), routing AS (
        INSERT INTO jobs (queue, kind, payload, unique_key)
        SELECT 'routing', 'case.route', jsonb_build_object('case', ins.id), format('route:%s:0', ins.id) FROM inserted ins
    )
    SELECT ins.id, ins.external_id FROM inserted ins;
    IF FOUND THEN
        PERFORM pg_notify(left(current_schema() || '.jobs', 63), 'routing');
    END IF;
END $$;

-- Stores complaints from one source (intake_insert) and says what became of each: one row per
-- element, `ord` its position (1-based), in no particular order; created false for a
-- complaint seen before (also when another transaction stored it a moment ago); case_id NULL
-- only for an unknown category. The caller makes external ids unique within one call.
CREATE FUNCTION submit_cases(p_source text, p_cases intake_case[])
RETURNS TABLE (ord integer, case_id bigint, created boolean) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    raced text[] := '{}';
    raced_at integer[] := '{}';
BEGIN
    FOR r IN
        WITH new AS (SELECT * FROM intake_insert(p_source, p_cases))
        -- `old` is read in the statement's snapshot: cases stored before it, not by it.
        SELECT i.n::integer AS pos, i.external_id, i.category IN (SELECT code FROM categories) AS known,
               new.new_id, old.id AS old_id
        FROM unnest(p_cases) WITH ORDINALITY AS i(external_id, category, area, title, description, channel, citizen_name,
                citizen_phone, address, latitude, longitude, priority, received_at, attributes, media_url, n)
        LEFT JOIN new ON new.new_external_id = i.external_id
        LEFT JOIN cases old ON new.new_id IS NULL AND old.source = p_source AND old.external_id = i.external_id
    LOOP
        ord := r.pos;
        created := r.new_id IS NOT NULL;
        case_id := coalesce(r.new_id, r.old_id);
        IF case_id IS NULL AND r.known THEN
            -- Stored by a concurrent transaction that committed after this statement began.
            raced := raced || r.external_id;
            raced_at := raced_at || r.pos;
            CONTINUE;
        END IF;
        RETURN NEXT;
    END LOOP;
    IF cardinality(raced) > 0 THEN
        -- A new statement sees what other transactions have committed meanwhile.
        RETURN QUERY
        SELECT m.pos, c.id, false FROM unnest(raced, raced_at) AS m(external_id, pos)
        JOIN cases c ON c.source = p_source AND c.external_id = m.external_id;
    END IF;
END $$;

-- Intake by SQL (and `civicq case submit`): one complaint, idempotent on source and external
-- id (created false for a resubmission); an unknown category fails with CQ400.
CREATE FUNCTION submit_case(
    p_source text, p_external_id text, p_category text, p_area text, p_title text, p_description text,
    p_channel text DEFAULT 'phone', p_citizen_name text DEFAULT NULL, p_citizen_phone text DEFAULT NULL,
    p_address text DEFAULT NULL, p_latitude double precision DEFAULT NULL, p_longitude double precision DEFAULT NULL,
    p_priority text DEFAULT 'normal', p_received_at timestamptz DEFAULT now(),
    OUT case_id bigint, OUT created boolean
) LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.case_id, s.created INTO case_id, created
    FROM submit_cases(p_source, ARRAY[ROW(p_external_id, p_category, p_area, p_title, p_description, p_channel,
        p_citizen_name, p_citizen_phone, p_address, p_latitude, p_longitude, p_priority, p_received_at, NULL, NULL)::intake_case]) AS s;
    IF case_id IS NULL THEN
        PERFORM cq_fail('CQ400', 'unknown category code');
    END IF;
END $$;

-- An intake system's case, or CQ404 (another source's case does not exist for it).
CREATE FUNCTION intake_case_of(p_source text, p_case bigint) RETURNS cases LANGUAGE plpgsql AS $$
DECLARE
    c cases;
BEGIN
    SELECT * INTO c FROM cases WHERE id = p_case AND source = p_source FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no case %s from this intake system', p_case));
    END IF;
    RETURN c;
END $$;

-- The citizen withdrew the complaint at the intake system (撤件).
CREATE FUNCTION intake_withdraw(p_source text, p_case bigint, p_reason text) RETURNS case_state
LANGUAGE sql AS $$
    SELECT end_case(intake_case_of(p_source, p_case), 'withdraw', 'intake:' || p_source, 'system', p_reason)
$$;

-- A callback the intake system ran itself (an SMS survey, say).
CREATE FUNCTION intake_callback(p_source text, p_case bigint, p_unreachable boolean, p_solved boolean, p_rating text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM intake_case_of(p_source, p_case);
    RETURN callback_apply(p_case, 'intake:' || p_source, 'system', p_unreachable, p_solved, p_rating, false);
END $$;

-- New functions are executable by PUBLIC by default; none of these is for staff.
DO $$
BEGIN
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
END $$;
