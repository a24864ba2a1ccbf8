-- 023 duplicates (并单) and hot spots: the first part of the problem ledger (docs/ledger.md).
--
--   duplicate_candidates(case)   the cases that may be the same problem: same category, same
--                                street or within duplicates.distance_meters, received in the
--                                window, not merged, withdrawn or rejected; whether the caller
--                                is the same is said, the number never leaves the database.
--                                Swift scores them (DuplicateScorer: character bigrams).
--   case_duplicates(case)        the same for a person: a case they may see, candidates they
--                                may see.
--   exact_repeat_candidates(ids) for the routing worker's automatic merge of exact repeats
--                                (duplicates.auto_merge, off by default).
--   case_merge                   the lead department may merge too (a case it leads into one
--                                it works on); the system merges exact repeats.
--   merged children follow their parent: when the parent is resolved each child's citizen
--                                gets a callback of their own; it is recorded on the child and
--                                changes no state (the parent's callback decides).
--   hotspots                     what the hot-spot scan found (HotspotRule in Swift).

INSERT INTO settings (key, value) VALUES
    ('duplicates.window_days', '30'),             -- candidates received at most this many days before or after
    ('duplicates.distance_meters', '500'),        -- or this close, when both cases have coordinates (at most 900)
    ('duplicates.min_score', '0.4'),              -- candidates scoring less are not listed
    ('duplicates.auto_merge', 'false'),           -- merge exact repeats automatically when routing
    ('duplicates.auto_merge_hours', '24'),        -- an exact repeat comes at most this long after the first
    ('duplicates.auto_merge_similarity', '0.9'),  -- and its text is at least this alike
    ('hotspots.baseline_days', '28'),             -- the days each series' baseline averages
    ('hotspots.min_count', '5'),                  -- the fewest complaints a hot spot has
    ('hotspots.alpha', '0.003'),                  -- the Poisson tail below which a count is a hot spot
    ('hotspots.minimum_rate', '0.2'),             -- the least baseline rate per day
    ('hotspots.scan_seconds', '900');             -- the scan's pause between runs

-- Rewrites a live function from its current definition, replacing `p_old` (which must be
-- found, exactly once) by `p_new`: a later migration changes one statement of a long
-- function without copying the rest. For migrations only.
CREATE FUNCTION function_rewrite(p_function regprocedure, p_old text, p_new text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    definition text := pg_get_functiondef(p_function);
    found integer := (length(definition) - length(replace(definition, p_old, ''))) / greatest(length(p_old), 1);
BEGIN
    IF found <> 1 THEN
        RAISE EXCEPTION 'function_rewrite: % contains % % times, not once', p_function, p_old, found;
    END IF;
    EXECUTE replace(definition, p_old, p_new);
END $$;

-- The definer functions below are created through this: `@schema@` in their text stands for
-- this schema's name, so that each says `SET search_path = <schema>, pg_temp` as written (015's
-- rule), with the caller's temporary schema last. For this migration only.
CREATE FUNCTION pg_temp.create_definer(p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE replace(p_definition, '@schema@', quote_ident(current_schema()));
END $$;

-- Where a point lies on a grid of 0.0025° (about 280 m north-south), as one number.
CREATE FUNCTION duplicate_cell(p_latitude double precision, p_longitude double precision) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(p_latitude * 400)::bigint * 1000000 + floor(p_longitude * 400)::bigint
$$;

-- The candidate pool's two ways in: the same street (the first 9 digits of the area code: a
-- district's code has 6, a street's 9), and the grid cells around a point. Each index holds
-- what the first step reads (ids, times, places), so it reads no table row: only the newest
-- `p_limit` ids of each way are fetched from the table.
CREATE INDEX cases_duplicates_street_idx ON cases (category_code, left(area_code, 9), received_at) INCLUDE (id, area_code);
CREATE INDEX cases_duplicates_cell_idx ON cases (category_code, duplicate_cell(latitude, longitude), received_at)
    INCLUDE (id, latitude, longitude) WHERE latitude IS NOT NULL AND longitude IS NOT NULL;

CREATE TYPE duplicate_candidate AS (
    id bigint, state case_state, received_at timestamptz, area_code text, lead_department text,
    same_area boolean, same_street boolean, distance_m double precision, same_caller boolean,
    title text, address text, description text);

-- Metres between two points (haversine, on a sphere of the Earth's mean radius).
CREATE FUNCTION distance_m(lat1 double precision, lon1 double precision, lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 6371008.8 * 2 * asin(least(1, sqrt(sin(radians(lat2 - lat1) / 2) ^ 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

-- The candidates for case `p_case`, newest first: of the newest `p_limit` in its street and
-- the newest `p_limit` within the distance, the newest `p_limit`, less those merged,
-- withdrawn or rejected.
CREATE FUNCTION duplicate_candidates(p_case bigint, p_limit integer DEFAULT 200) RETURNS SETOF duplicate_candidate
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT c.id, c.category_code, c.area_code, c.latitude, c.longitude, c.citizen_phone,
               c.received_at - w.span AS since, c.received_at + w.span AS until, r.radius,
               CASE WHEN c.latitude IS NOT NULL AND c.longitude IS NOT NULL THEN ARRAY(
                   SELECT duplicate_cell(c.latitude, c.longitude) + i * 1000000 + j
                   FROM generate_series(-ceil(r.radius / 277.9)::integer, ceil(r.radius / 277.9)::integer) AS i,
                        generate_series(-ceil(r.radius / (277.9 * greatest(cos(radians(c.latitude)), 0.1)))::integer,
                                        ceil(r.radius / (277.9 * greatest(cos(radians(c.latitude)), 0.1)))::integer) AS j) END AS cells
        FROM cases c,
             (SELECT make_interval(days => (SELECT value::text::integer FROM settings WHERE key = 'duplicates.window_days')) AS span) AS w,
             (SELECT least(900, (SELECT value::text::double precision FROM settings WHERE key = 'duplicates.distance_meters')) AS radius) AS r
        WHERE c.id = p_case
    ), street AS (
        SELECT x.id, x.received_at FROM s JOIN cases x ON x.category_code = s.category_code
            AND left(x.area_code, 9) = left(s.area_code, 9) AND x.received_at BETWEEN s.since AND s.until
        ORDER BY x.received_at DESC LIMIT p_limit
    ), near AS (
        SELECT x.id, x.received_at FROM s JOIN cases x ON x.category_code = s.category_code
            AND duplicate_cell(x.latitude, x.longitude) = ANY (s.cells)
            AND x.latitude IS NOT NULL AND x.longitude IS NOT NULL AND x.received_at BETWEEN s.since AND s.until
        WHERE s.cells IS NOT NULL AND distance_m(s.latitude, s.longitude, x.latitude, x.longitude) <= s.radius
        ORDER BY x.received_at DESC LIMIT p_limit
    ), pool AS (
        SELECT id, received_at FROM street UNION SELECT id, received_at FROM near
        ORDER BY received_at DESC LIMIT p_limit
    )
    SELECT x.id, x.state, x.received_at, x.area_code, x.lead_department,
           x.area_code = s.area_code, left(x.area_code, 9) = left(s.area_code, 9),
           CASE WHEN s.latitude IS NOT NULL AND x.latitude IS NOT NULL
                THEN distance_m(s.latitude, s.longitude, x.latitude, x.longitude) END,
           coalesce(x.citizen_phone = s.citizen_phone, false),
           x.title, x.address, left(x.description, 600)
    FROM s, pool JOIN cases x ON x.id = pool.id
    WHERE x.id <> s.id AND x.state NOT IN ('merged', 'withdrawn', 'rejected')
    ORDER BY x.received_at DESC, x.id DESC
$$;

-- The candidates for a person: the case must be one they may see, and so must each candidate
-- (the hotline office sees every case, a department those it has a task on).
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION case_duplicates(p_case bigint) RETURNS SETOF duplicate_candidate
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'dispatcher', 'callback', 'admin'], 'look for duplicates');
    everything boolean := a.role IN ('dispatcher', 'callback', 'admin');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case) THEN
        PERFORM cq_fail('CQ404', format('there is no case %s', p_case));
    END IF;
    IF NOT everything AND NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = p_case AND t.department_code = a.department_code
                                        AND t.state IN ('pending', 'accepted', 'done')) THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    RETURN QUERY SELECT d.* FROM duplicate_candidates(p_case) AS d
    WHERE everything OR EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = d.id AND t.department_code = a.department_code
                                  AND t.state IN ('pending', 'accepted', 'done'));
END $$;
$definer$);

-- For the routing worker: for each of these new cases, the earlier live cases from the same
-- caller with the same category and area received at most `p_hours` before it.
CREATE FUNCTION exact_repeat_candidates(p_ids bigint[], p_hours double precision)
RETURNS TABLE (case_id bigint, received_at timestamptz, text text, candidate duplicate_candidate)
LANGUAGE sql STABLE AS $$
    SELECT s.id, s.received_at, concat_ws(' ', s.title, s.address, left(s.description, 600)),
           ROW(x.id, x.state, x.received_at, x.area_code, x.lead_department, true, true, NULL, true,
               x.title, x.address, left(x.description, 600))::duplicate_candidate
    FROM cases s JOIN cases x ON x.category_code = s.category_code AND left(x.area_code, 9) = left(s.area_code, 9)
        AND x.received_at BETWEEN s.received_at - make_interval(secs => p_hours * 3600) AND s.received_at
        AND x.area_code = s.area_code AND x.citizen_phone = s.citizen_phone AND x.id <> s.id
        AND x.state <> ALL (case_final_states())
    WHERE s.id = ANY (p_ids) AND s.citizen_phone IS NOT NULL
$$;

-- The lead department may merge as the desk does; the system merges exact repeats.
UPDATE case_transitions SET roles = ARRAY['dispatcher', 'admin', 'handler', 'supervisor', 'system'] WHERE action = 'merge';

-- Merges case `p_duplicate` into `p_main` for `p_actor` in `p_role` of `p_department` (the
-- caller has checked the role): both locked in id order (two merges of the same pair cannot
-- deadlock); a handler or supervisor must lead the duplicate and work on the main case; the
-- duplicate's tasks and callback end, it points at its parent, and both record it. With
-- `p_only_received` (the router's exact repeats), a duplicate no longer as it arrived, or a
-- main case that is over, is left alone: NULL.
CREATE FUNCTION merge_cases(p_duplicate bigint, p_main bigint, p_actor text, p_role text, p_department text, p_reason text,
    p_only_received boolean DEFAULT false) RETURNS case_state
LANGUAGE plpgsql AS $$
DECLARE
    main cases;
    dup cases;
    new_state case_state;
BEGIN
    IF p_duplicate = p_main THEN
        PERFORM cq_fail('CQ400', 'a case cannot be merged into itself');
    END IF;
    IF p_duplicate < p_main THEN dup := lock_case(p_duplicate); main := lock_case(p_main);
    ELSE main := lock_case(p_main); dup := lock_case(p_duplicate); END IF;
    IF p_only_received AND (dup.state <> 'received' OR main.state = ANY (case_final_states())) THEN
        RETURN NULL;
    END IF;
    IF p_role IN ('handler', 'supervisor') THEN
        IF NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = p_duplicate AND t.department_code = p_department
                         AND t.role = 'lead' AND t.state IN ('pending', 'accepted')) THEN
            PERFORM cq_fail('CQ403', format('your department does not lead case %s: ask the dispatch desk to merge it', p_duplicate));
        END IF;
        IF NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = p_main AND t.department_code = p_department
                         AND t.state IN ('pending', 'accepted', 'done')) THEN
            PERFORM cq_fail('CQ403', format('case %s is not with your department: ask the dispatch desk to merge into it', p_main));
        END IF;
    END IF;
    IF main.state IN ('merged', 'withdrawn', 'rejected') THEN
        PERFORM cq_fail('CQ409', format('case %s is %s; merge into a live case', main.id, main.state));
    END IF;
    new_state := check_transition(dup, 'merge', p_role);
    UPDATE case_tasks SET state = 'withdrawn', finished_at = now() WHERE case_id = dup.id AND state IN ('pending', 'accepted');
    UPDATE callbacks SET state = 'cancelled', finished_at = now() WHERE case_id = dup.id AND state = 'pending';
    UPDATE cases SET state = new_state, merged_into = main.id, close_reason = 'merged', closed_at = now(), version = version + 1, updated_at = now()
    WHERE id = dup.id;
    PERFORM append_event(dup.id, p_actor, 'merged', dup.state, new_state, NULL, p_reason, true, jsonb_build_object('into', main.id));
    PERFORM append_event(main.id, p_actor, 'merged_from', main.state, main.state, NULL, p_reason, false, jsonb_build_object('duplicate', dup.id));
    RETURN new_state;
END $$;

-- 并单 by a person: the desk, or the lead department of the duplicate when it also works on the
-- main case (a task pending, accepted or done).
SELECT pg_temp.create_definer($definer$
CREATE OR REPLACE FUNCTION case_merge(p_duplicate bigint, p_main bigint) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin', 'handler', 'supervisor'], 'merge cases');
BEGIN
    RETURN merge_cases(p_duplicate, p_main, a.login, a.role, a.department_code, NULL);
END $$;
$definer$);

-- The routing worker's automatic merge of an exact repeat: `p_duplicate` must still be as it
-- arrived (received), `p_main` live. Returns false (and changes nothing) otherwise.
CREATE FUNCTION merge_repeat(p_duplicate bigint, p_main bigint, p_similarity double precision) RETURNS boolean
LANGUAGE sql AS $$
    SELECT merge_cases(p_duplicate, p_main, 'router', 'system', NULL,
        format('exact repeat: same caller, category and area, text %s%% alike', round((p_similarity * 100)::numeric)), true) IS NOT NULL
$$;

-- A merged child follows its parent: resolving the parent opens a callback for each child.
SELECT function_rewrite('case_resolve(bigint, text)',
    $old$    INSERT INTO callbacks (case_id, window_ends) VALUES (p_case, v_window_ends);$old$,
    $new$    INSERT INTO callbacks (case_id, window_ends) VALUES (p_case, v_window_ends);
    -- Each merged child's citizen is called back too (docs/ledger.md).
    INSERT INTO callbacks (case_id, window_ends)
    SELECT d.id, v_window_ends FROM cases d
    WHERE d.merged_into = p_case AND d.state = 'merged'
      AND NOT EXISTS (SELECT 1 FROM callbacks b WHERE b.case_id = d.id AND b.state = 'pending');
    PERFORM enqueue_job('callback.expire', jsonb_build_object('case', d.id), v_window_ends,
                        format('callback-expire:%s:%s:%s', d.id, p_case, c.reopen_count), 'clocks')
    FROM cases d WHERE d.merged_into = p_case AND d.state = 'merged';$new$);

-- A child's callback goes the way of any other, and is recorded on the child, which stays
-- merged: no close, no reopen (the parent's callback decides); the answer is the parent's
-- lead department's. callback_apply returns `recorded` for an answer, `retry` or
-- `unanswered` for an unreachable citizen.
SELECT function_rewrite('callback_apply(bigint, text, text, boolean, boolean, text, boolean)',
    $old$        PERFORM close_case(c, p_actor, 'system', 'unanswered', jsonb_build_object('tries', cb.tries + 1));$old$,
    $new$        IF c.state <> 'merged' THEN
            PERFORM close_case(c, p_actor, 'system', 'unanswered', jsonb_build_object('tries', cb.tries + 1));
        END IF;$new$);
SELECT function_rewrite('callback_apply(bigint, text, text, boolean, boolean, text, boolean)',
    $old$'callback_answered', c.state, c.state, c.lead_department, NULL, false,$old$,
    $new$'callback_answered', c.state, c.state,
        coalesce((SELECT m.lead_department FROM cases m WHERE m.id = c.merged_into), c.lead_department), NULL, false,$new$);
SELECT function_rewrite('callback_apply(bigint, text, text, boolean, boolean, text, boolean)',
    $old$    IF callback_outcome(p_solved, p_rating) = 'close' THEN$old$,
    $new$    IF c.state = 'merged' THEN
        RETURN 'recorded';
    END IF;
    IF callback_outcome(p_solved, p_rating) = 'close' THEN$new$);

SELECT function_rewrite('callback_expire(bigint)',
    $old$    PERFORM close_case(c, 'system', 'system', 'unanswered', jsonb_build_object('tries', cb.tries, 'window_ended', true));$old$,
    $new$    IF c.state = 'merged' THEN
        RETURN 'unanswered';
    END IF;
    PERFORM close_case(c, 'system', 'system', 'unanswered', jsonb_build_object('tries', cb.tries, 'window_ended', true));$new$);

-- The agent reads the parent's reply to a child's citizen.
SELECT function_rewrite('callback_next()',
    $old$'reply', c.reply, 'lead_department', c.lead_department,$old$,
    $new$'reply', coalesce(c.reply, (SELECT m.reply FROM cases m WHERE m.id = c.merged_into)),
        'lead_department', coalesce((SELECT m.lead_department FROM cases m WHERE m.id = c.merged_into), c.lead_department),
        'merged_into', c.merged_into,$new$);

-- 热点: what the scan found, one row per series (category, street or district) and day.
CREATE TABLE hotspots (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_code text NOT NULL REFERENCES categories (code),
    area_code     text NOT NULL CHECK (area_code ~ '^[0-9]{2,15}$'),
    level         text NOT NULL CHECK (level IN ('street', 'district')),
    day           date NOT NULL,
    count         integer NOT NULL CHECK (count >= 0),
    expected      double precision NOT NULL,
    p_value       double precision NOT NULL,
    first_seen    timestamptz NOT NULL DEFAULT now(),
    last_seen     timestamptz NOT NULL DEFAULT now(),
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'dismissed')),
    decided_by    text,
    decided_at    timestamptz,
    reason        text CHECK (length(reason) <= 2000),
    UNIQUE (category_code, area_code, day)
);
CREATE INDEX hotspots_open_idx ON hotspots (day DESC) WHERE state = 'open';

-- The scan's input: complaints per category, street (9 digits) and district (6), and local
-- day, from `p_from` (a local day) on.
CREATE FUNCTION hotspot_counts(p_from date, p_time_zone text)
RETURNS TABLE (category_code text, area_code text, level text, day date, n integer) LANGUAGE sql STABLE AS $$
    SELECT c.category_code, a.area, a.level, (c.received_at AT TIME ZONE p_time_zone)::date, count(*)::integer
    FROM cases c, LATERAL (VALUES (left(c.area_code, 9), 'street'), (left(c.area_code, 6), 'district')) AS a(area, level)
    WHERE c.received_at >= (p_from::timestamp AT TIME ZONE p_time_zone)
      AND (a.level = 'district' OR length(c.area_code) >= 9)
    GROUP BY 1, 2, 3, 4
$$;

-- The office sets a hot spot aside (not a problem to act on), with its reason.
SELECT pg_temp.create_definer($definer$
CREATE FUNCTION hotspot_dismiss(p_hotspot bigint, p_reason text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'dismiss hot spots');
    h hotspots;
BEGIN
    IF length(coalesce(p_reason, '')) NOT BETWEEN 1 AND 2000 THEN
        PERFORM cq_fail('CQ400', 'give a reason of 1 to 2000 characters');
    END IF;
    SELECT * INTO h FROM hotspots WHERE id = p_hotspot FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no hot spot %s', p_hotspot));
    END IF;
    IF h.state <> 'open' THEN
        PERFORM cq_fail('CQ409', format('hot spot %s is %s already', p_hotspot, h.state));
    END IF;
    UPDATE hotspots SET state = 'dismissed', decided_by = a.login, decided_at = now(), reason = p_reason WHERE id = p_hotspot;
    RETURN 'dismissed';
END $$;
$definer$);

-- The scan is a perpetual job on the figures queue: casework_jobs() (020) gains its kind,
-- still one constant.
DO $$
BEGIN
    EXECUTE format('CREATE OR REPLACE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', casework_jobs() || '{"hotspots.scan": {"queue": "figures", "payload": [], "max_attempts": 20}}'));
END $$;

-- New functions are executable by PUBLIC by default: these are not.
REVOKE EXECUTE ON FUNCTION function_rewrite(regprocedure, text, text), duplicate_candidates(bigint, integer),
    case_duplicates(bigint), exact_repeat_candidates(bigint[], double precision), merge_cases(bigint, bigint, text, text, text, text, boolean),
    merge_repeat(bigint, bigint, double precision),
    hotspot_counts(date, text), hotspot_dismiss(bigint, text) FROM PUBLIC;

-- Hot spots: the office reads them; the service writes them.
ALTER TABLE hotspots ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON hotspots FOR SELECT USING ((SELECT actor_sees_all()));
DO $$
DECLARE
    staff text := current_schema() || '_staff';
    service text := current_schema() || '_service';
BEGIN
    EXECUTE format('CREATE POLICY service_all ON hotspots TO %I USING (true) WITH CHECK (true)', service);
    EXECUTE format('GRANT SELECT ON hotspots TO %I', staff);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON hotspots TO %I', service);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE hotspots_id_seq TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION duplicate_candidates(bigint, integer), exact_repeat_candidates(bigint[], double precision),
        merge_repeat(bigint, bigint, double precision), hotspot_counts(date, text), distance_m(double precision, double precision, double precision, double precision),
        duplicate_cell(double precision, double precision),
        casework_jobs() TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION case_duplicates(bigint), hotspot_dismiss(bigint, text), case_merge(bigint, bigint) TO %I', staff);
END $$;
