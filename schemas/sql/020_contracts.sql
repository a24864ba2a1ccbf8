-- 020 contracts: the names Swift and SQL share, each defined once on this side and checked
-- against its Swift definition by ContractTests (which read them from the catalog):
--
--   case_event_kinds()          CaseEventKind (kinds and their details keys); enforced on
--                               case_events by the check case_events_contract
--   casework_jobs()             CaseworkJobKind (kinds, queues, payload keys, attempts);
--                               enforced by casework_enqueue, the casework's way into the queue
--   case_final_states()         CaseState.final
--   figure_histogram_bounds()   FigureHistogram.bounds; figure_apply is generated from it and
--                               from figure_rollup's counter columns (FigureCounter)
--
-- And the casework stops writing `jobs` itself: enqueue_job, intake_insert and route_apply go
-- through jobs_enqueue (the queue's migration 019), which owns the state and unique-key rules
-- and the wake-up.

-- Event kinds and the keys their details may hold.
CREATE FUNCTION case_event_kinds() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{
        "received": ["channel"],
        "dispatched": ["rule", "version", "assists", "response_due", "resolution_due"],
        "manual_dispatch": ["rule", "version", "assists", "response_due", "resolution_due"],
        "assigned": ["lead", "assists", "final"],
        "accepted": ["task", "on_time"],
        "note": [],
        "assist_done": [],
        "resolved": ["on_time"],
        "assist_returned": ["reason_code", "held_seconds"],
        "returned": ["reason_code", "held_seconds"],
        "extension_requested": ["extension", "until", "previous_due"],
        "extension_approved": ["extension", "until", "previous_due"],
        "extension_refused": ["extension", "until", "previous_due"],
        "merged": ["into"],
        "merged_from": ["duplicate"],
        "withdrawn": [],
        "rejected": [],
        "contact_revealed": [],
        "closed": ["solved", "rating", "tries", "window_ended"],
        "reopened": ["solved", "rating"],
        "callback_unreachable": ["try", "of"],
        "callback_answered": ["solved", "rating"],
        "warned": ["clock", "due"],
        "escalated": ["clock", "due"],
        "reclocked": ["clock", "due", "previous_due"]
    }'::jsonb
$$;

-- Whether an event fits the contract: a known kind, and no details key it does not name.
-- Generated from case_event_kinds() as one CASE of constants, so the check costs no lookup.
DO $$
DECLARE
    arms text;
BEGIN
    SELECT string_agg(format('WHEN %L THEN p_details - %L::text[] = ''{}''::jsonb', k.key,
                             (SELECT coalesce(array_agg(v ORDER BY v), '{}') FROM jsonb_array_elements_text(k.value) AS v)),
                      ' ' ORDER BY k.key)
    INTO arms FROM jsonb_each(case_event_kinds()) AS k;
    EXECUTE format('CREATE FUNCTION case_event_fits(p_kind text, p_details jsonb) RETURNS boolean '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                   format('SELECT CASE p_kind %s ELSE false END', arms));
END $$;

-- NOT VALID: rows from before the contract are history and stay as they were; every new one
-- must fit.
ALTER TABLE case_events ADD CONSTRAINT case_events_contract CHECK (case_event_fits(kind, details)) NOT VALID;

-- The jobs the casework enqueues: queue, payload keys and attempts per kind.
CREATE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{
        "case.route":         {"queue": "routing",  "payload": ["case"], "max_attempts": 20},
        "case.clock":         {"queue": "clocks",   "payload": ["case", "clock", "stage", "due"], "max_attempts": 20},
        "case.reclock":       {"queue": "clocks",   "payload": ["case"], "max_attempts": 20},
        "callback.expire":    {"queue": "clocks",   "payload": ["case"], "max_attempts": 20},
        "department.webhook": {"queue": "webhooks", "payload": ["department", "body"], "max_attempts": 12},
        "figures.rollup":     {"queue": "figures",  "payload": [], "max_attempts": 20},
        "log.seal":           {"queue": "log",      "payload": [], "max_attempts": 20}
    }'::jsonb
$$;

-- A casework job as the queue takes it, with the queue and attempts of its kind; CQ500 for a
-- kind or a payload key the contract does not name (a programming error, not bad input).
CREATE FUNCTION casework_job(p_kind text, p_payload jsonb, p_run_at timestamptz, p_unique_key text)
RETURNS job_request LANGUAGE plpgsql STABLE AS $$
DECLARE
    spec jsonb := casework_jobs() -> p_kind;
BEGIN
    IF spec IS NULL THEN
        PERFORM cq_fail('CQ500', format('%s is not a casework job kind', p_kind));
    END IF;
    IF p_payload - ARRAY(SELECT jsonb_array_elements_text(spec -> 'payload')) <> '{}'::jsonb THEN
        PERFORM cq_fail('CQ500', format('the payload of %s has a key its contract does not name', p_kind));
    END IF;
    RETURN ROW(spec ->> 'queue', p_kind, p_payload, 0, p_run_at, (spec ->> 'max_attempts')::integer, p_unique_key)::job_request;
END $$;

-- Enqueues one casework job (jobs_enqueue), waking its queue when it is due now.
CREATE FUNCTION casework_enqueue(p_kind text, p_payload jsonb, p_run_at timestamptz DEFAULT now(), p_unique_key text DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$
    SELECT e.id FROM jobs_enqueue(ARRAY[casework_job(p_kind, p_payload, p_run_at, p_unique_key)]) AS e
$$;

-- Migration 004's enqueue_job, kept for its callers (webhooks, clocks, callbacks, returns,
-- reopens): the queue they name must be their kind's; max attempts come from the contract.
CREATE OR REPLACE FUNCTION enqueue_job(
    p_kind text, p_payload jsonb, p_run_at timestamptz DEFAULT now(), p_unique_key text DEFAULT NULL,
    p_queue text DEFAULT 'default', p_max_attempts integer DEFAULT 20
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_queue IS DISTINCT FROM casework_jobs() -> p_kind ->> 'queue' THEN
        PERFORM cq_fail('CQ500', format('%s goes to queue %s, not %s', p_kind, casework_jobs() -> p_kind ->> 'queue', p_queue));
    END IF;
    PERFORM casework_enqueue(p_kind, p_payload, p_run_at, p_unique_key);
END $$;

-- Migration 007's intake_insert with its routing jobs enqueued through jobs_enqueue.
CREATE OR REPLACE FUNCTION intake_insert(p_source text, p_cases intake_case[])
RETURNS TABLE (new_id bigint, new_external_id text) LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    external_ids text[];
    route jsonb := casework_jobs() -> 'case.route';
BEGIN
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
    )
    SELECT array_agg(ins.id), array_agg(ins.external_id) INTO ids, external_ids FROM inserted ins;
    IF ids IS NOT NULL THEN
        PERFORM jobs_enqueue(ARRAY(
            SELECT ROW(route ->> 'queue', 'case.route', jsonb_build_object('case', i), 0, NULL,
                       (route ->> 'max_attempts')::integer, format('route:%s:0', i))::job_request
            FROM unnest(ids) AS i));
        RETURN QUERY SELECT * FROM unnest(ids, external_ids);
    END IF;
END $$;

-- Migration 006's route_apply with its clock jobs enqueued through jobs_enqueue.
CREATE OR REPLACE FUNCTION route_apply(p_decisions jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    applied bigint[];
    clocks job_request[];
    clock_spec jsonb := casework_jobs() -> 'case.clock';
    fraction double precision := warning_fraction();
BEGIN
    -- The job's completion is committed later with synchronous commit; WAL is flushed in
    -- order, so a crash cannot keep the completion and lose this transaction.
    PERFORM set_config('synchronous_commit', 'off', true);
    -- Each decision carries the state, version and deadline flag the router read; the update
    -- is a compare-and-set on the version, so they still hold for every case it changes.
    WITH d AS (
        SELECT * FROM jsonb_to_recordset(p_decisions) AS x(
            case_id bigint, version integer, from_state case_state, first_dispatch boolean, outcome case_state,
            lead text, assists text[], priority text, policy text, rule_id text, rule_version integer,
            response_due timestamptz, resolution_due timestamptz, explanation text)
        WHERE EXISTS (SELECT 1 FROM case_transitions t
                      WHERE t.from_state = x.from_state AND t.to_state = x.outcome
                        AND t.action IN ('route', 'route_manual') AND 'system' = ANY (t.roles))
    ), done AS (
        UPDATE cases c SET state = d.outcome, lead_department = d.lead, priority = coalesce(d.priority, c.priority),
            policy = coalesce(c.policy, d.policy), rule_id = d.rule_id, rule_version = d.rule_version,
            dispatched_at = CASE WHEN d.outcome = 'dispatched' THEN coalesce(c.dispatched_at, now()) ELSE c.dispatched_at END,
            response_due = coalesce(c.response_due, d.response_due), resolution_due = coalesce(c.resolution_due, d.resolution_due),
            version = c.version + 1, updated_at = now()
        FROM d WHERE c.id = d.case_id AND c.version = d.version AND c.state = d.from_state
        RETURNING c.id, c.received_at, d.from_state, d.outcome AS to_state, d.first_dispatch, d.lead, d.assists,
                  d.rule_id, d.rule_version, d.response_due, d.resolution_due, d.explanation,
                  c.response_due AS case_response_due, c.resolution_due AS case_resolution_due
    ), tasks AS (
        INSERT INTO case_tasks (case_id, department_code, role)
        SELECT id, lead, 'lead' FROM done WHERE to_state = 'dispatched'
        UNION ALL
        SELECT id, a, 'assist' FROM done, unnest(coalesce(assists, '{}')) AS a WHERE to_state = 'dispatched' AND a <> lead
    ), events AS (
        INSERT INTO case_events (case_id, actor, kind, from_state, to_state, department_code, reason, public, details)
        SELECT id, 'router', CASE WHEN to_state = 'dispatched' THEN 'dispatched' ELSE 'manual_dispatch' END, from_state, to_state,
               lead, explanation, to_state = 'dispatched',
               jsonb_build_object('rule', rule_id, 'version', rule_version, 'assists', to_jsonb(coalesce(assists, '{}')),
                                  'response_due', case_response_due, 'resolution_due', case_resolution_due)
        FROM done
    )
    SELECT (SELECT array_agg(id) FROM done),
           (SELECT array_agg(ROW(clock_spec ->> 'queue', 'case.clock', j.payload, 0, j.run_at, (clock_spec ->> 'max_attempts')::integer,
                                 j.unique_key)::job_request)
            FROM done, LATERAL (VALUES ('response', done.response_due), ('resolution', done.resolution_due)) AS v(clock, due),
                 LATERAL clock_job(done.id, v.clock, done.received_at, v.due, fraction) AS j
            WHERE done.first_dispatch AND v.due IS NOT NULL)
    INTO applied, clocks;
    -- The deadlines' clocks; one that is already due (a case received long ago) wakes its queue.
    IF clocks IS NOT NULL THEN
        PERFORM jobs_enqueue(clocks);
    END IF;
    -- Webhooks, for the departments that have one.
    PERFORM notify_department(t.department_code, 'dispatched', t.case_id)
    FROM case_tasks t JOIN departments dep ON dep.code = t.department_code AND dep.webhook_url IS NOT NULL AND dep.active
    WHERE t.case_id = ANY (applied) AND t.state = 'pending';
    RETURN coalesce(array_length(applied, 1), 0);
END $$;

-- The states in which a case is over: no clock runs and nothing more is expected of anyone.
CREATE FUNCTION case_final_states() RETURNS case_state[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{closed, merged, withdrawn, rejected}'::case_state[]
$$;

-- Upper bounds (seconds) of the duration histograms' buckets; a last bucket holds the rest.
CREATE FUNCTION figure_histogram_bounds() RETURNS double precision[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '{900, 1800, 3600, 7200, 10800, 14400, 21600, 28800, 43200, 57600, 86400, 129600, 172800,
             259200, 345600, 432000, 604800, 864000, 1209600, 1814400, 2592000, 3888000, 5184000}'::double precision[]
$$;

-- (Re)creates figure_apply from figure_rollup's columns and the histogram bounds: every
-- bigint column is a counter added as it is, every bigint[] column a histogram added bucket
-- by bucket with the subscripts written out (no function call or unnest per row). A later
-- migration that adds a counter column calls this again instead of copying figure_apply.
CREATE FUNCTION figure_apply_define() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    buckets integer := array_length(figure_histogram_bounds(), 1) + 1;
    base text;
    sets text;
BEGIN
    SELECT string_agg(CASE a.attname WHEN 'dim' THEN '''category''' WHEN 'day' THEN '''2000-01-01''' WHEN 'key' THEN ''''''
                                     WHEN 'role' THEN '''all''' ELSE CASE WHEN a.atttypid = 'bigint[]'::regtype THEN '''{}''' ELSE '0' END END,
                      ', ' ORDER BY a.attnum),
           string_agg(CASE WHEN a.atttypid = 'bigint'::regtype THEN format('%1$I = r.%1$I + excluded.%1$I', a.attname)
                           WHEN a.atttypid = 'bigint[]'::regtype THEN format('%1$I = ARRAY[%2$s]', a.attname,
                               (SELECT string_agg(format('coalesce(r.%1$I[%2$s], 0) + coalesce(excluded.%1$I[%2$s], 0)', a.attname, i), ', ' ORDER BY i)
                                FROM generate_series(1, buckets) AS i)) END,
                      ', ' ORDER BY a.attnum) FILTER (WHERE a.atttypid IN ('bigint'::regtype, 'bigint[]'::regtype))
    INTO base, sets
    FROM pg_attribute a WHERE a.attrelid = 'figure_rollup'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION figure_apply(p_deltas jsonb) RETURNS integer LANGUAGE plpgsql AS $body$
        DECLARE
            n integer;
        BEGIN
            INSERT INTO figure_rollup AS r
            SELECT * FROM jsonb_populate_recordset((%s)::figure_rollup, p_deltas)
            ORDER BY dim, day, key, role
            ON CONFLICT (dim, day, key, role) DO UPDATE SET %s;
            GET DIAGNOSTICS n = ROW_COUNT;
            RETURN n;
        END $body$
    $f$, base, sets);
END $$;
SELECT figure_apply_define();

REVOKE EXECUTE ON FUNCTION figure_apply_define(), casework_job(text, jsonb, timestamptz, text),
    casework_enqueue(text, jsonb, timestamptz, text) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION casework_job(text, jsonb, timestamptz, text), casework_enqueue(text, jsonb, timestamptz, text) TO %I',
                   current_schema() || '_service');
END $$;
