-- 006 casework service: callbacks (people), and what the workers and intake call (the
-- service role only): routing results, clocks, new deadlines, new cases. Ends with the grants.

-- solved and (basically) satisfied closes; anything else reopens. Same rule as
-- CallbackOutcome in Swift (a test checks both on every combination).
CREATE FUNCTION callback_outcome(p_solved boolean, p_rating text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_solved AND p_rating IN ('satisfied', 'basic') THEN 'close' ELSE 'reopen' END
$$;

-- Closes a resolved case (callback answered well, unanswered, or by office ruling).
CREATE FUNCTION close_case(c cases, p_actor text, p_role text, p_reason text, p_details jsonb) RETURNS case_state
LANGUAGE plpgsql AS $$
DECLARE
    new_state case_state := check_transition(c, 'close', p_role);
BEGIN
    UPDATE cases SET state = new_state, closed_at = now(), close_reason = p_reason, version = version + 1, updated_at = now()
    WHERE id = c.id;
    PERFORM append_event(c.id, p_actor, 'closed', c.state, new_state, c.lead_department, p_reason, true, p_details);
    RETURN new_state;
END $$;

-- 重办: the citizen says it is not solved; the lead department gets it again, on a new clock.
CREATE FUNCTION reopen_case(c cases, p_actor text, p_role text, p_details jsonb) RETURNS case_state
LANGUAGE plpgsql AS $$
DECLARE
    new_state case_state := check_transition(c, 'reopen', p_role);
BEGIN
    UPDATE cases SET state = new_state, resolved_at = NULL, reopen_count = reopen_count + 1, resolution_overdue = false,
        version = version + 1, updated_at = now()
    WHERE id = c.id;
    INSERT INTO case_tasks (case_id, department_code, role, final)
    SELECT c.id, c.lead_department, 'lead', coalesce(bool_or(final), false)
    FROM case_tasks WHERE case_id = c.id AND department_code = c.lead_department AND role = 'lead';
    PERFORM append_event(c.id, p_actor, 'reopened', c.state, new_state, c.lead_department, NULL, true, p_details);
    PERFORM enqueue_job('case.reclock', jsonb_build_object('case', c.id), now(), format('reclock:%s:%s', c.id, c.reopen_count + 1), 'clocks');
    PERFORM notify_department(c.lead_department, 'reopened', c.id);
    RETURN new_state;
END $$;

-- The next callback due, held for this agent for `callback.claim_minutes`.
CREATE FUNCTION callback_next() RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['callback', 'admin'], 'make callbacks');
    cb callbacks;
    c cases;
BEGIN
    SELECT * INTO cb FROM callbacks
    WHERE state = 'pending' AND next_try_at <= now() AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = a.login)
    ORDER BY next_try_at, id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE callbacks SET claimed_by = a.login,
        claimed_until = now() + make_interval(mins => (SELECT value::text::integer FROM settings WHERE key = 'callback.claim_minutes'))
    WHERE id = cb.id;
    SELECT * INTO c FROM cases WHERE id = cb.case_id;
    PERFORM append_event(c.id, a.login, 'contact_revealed', c.state, c.state, NULL, 'callback');
    RETURN jsonb_build_object('case', c.id, 'callback', cb.id, 'tries', cb.tries, 'window_ends', cb.window_ends,
        'title', c.title, 'reply', c.reply, 'lead_department', c.lead_department,
        'citizen_name', c.citizen_name, 'citizen_phone', c.citizen_phone);
END $$;

-- Records a callback: an answer (solved? rating) or an unreachable citizen, by a person.
-- Returns closed, reopened, retry (unreachable, will be tried again) or unanswered.
CREATE FUNCTION callback_record(p_case bigint, p_unreachable boolean, p_solved boolean, p_rating text, p_no_reopen boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['callback', 'dispatcher', 'admin'], 'record callbacks');
BEGIN
    IF p_no_reopen AND a.role NOT IN ('dispatcher', 'admin') THEN
        PERFORM cq_fail('CQ403', 'only the hotline office may rule that a case stays closed');
    END IF;
    RETURN callback_apply(p_case, a.login, a.role, p_unreachable, p_solved, p_rating, p_no_reopen);
END $$;

-- The callback itself, for callback_record (people) and intake_callback (intake systems
-- that run their own survey). The caller has checked who may do it.
CREATE FUNCTION callback_apply(p_case bigint, p_actor text, p_role text, p_unreachable boolean, p_solved boolean,
    p_rating text, p_no_reopen boolean)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c cases := lock_case(p_case);
    cb callbacks;
    max_tries integer := (SELECT value::text::integer FROM settings WHERE key = 'callback.tries');
BEGIN
    SELECT * INTO cb FROM callbacks WHERE case_id = p_case AND state = 'pending' FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ409', format('case %s has no open callback', p_case));
    END IF;
    IF p_unreachable THEN
        UPDATE callbacks SET tries = tries + 1, claimed_by = NULL, claimed_until = NULL,
            next_try_at = least(window_ends, now() + (window_ends - created_at) / greatest(max_tries, 1))
        WHERE id = cb.id;
        PERFORM append_event(p_case, p_actor, 'callback_unreachable', c.state, c.state, NULL, NULL, false,
            jsonb_build_object('try', cb.tries + 1, 'of', max_tries));
        IF cb.tries + 1 < max_tries THEN
            RETURN 'retry';
        END IF;
        UPDATE callbacks SET state = 'unanswered', finished_at = now() WHERE id = cb.id;
        PERFORM close_case(c, p_actor, 'system', 'unanswered', jsonb_build_object('tries', cb.tries + 1));
        RETURN 'unanswered';
    END IF;
    IF p_solved IS NULL OR p_rating IS NULL OR p_rating NOT IN ('satisfied', 'basic', 'dissatisfied') THEN
        PERFORM cq_fail('CQ400', 'an answered callback needs solved (yes or no) and a rating: satisfied, basic or dissatisfied');
    END IF;
    UPDATE callbacks SET state = 'answered', solved = p_solved, rating = p_rating, finished_at = now(), tries = tries + 1 WHERE id = cb.id;
    PERFORM append_event(p_case, p_actor, 'callback_answered', c.state, c.state, c.lead_department, NULL, false,
        jsonb_build_object('solved', p_solved, 'rating', p_rating));
    IF callback_outcome(p_solved, p_rating) = 'close' THEN
        PERFORM close_case(c, p_actor, p_role, 'satisfied', jsonb_build_object('solved', p_solved, 'rating', p_rating));
        RETURN 'closed';
    ELSIF p_no_reopen THEN
        PERFORM close_case(c, p_actor, p_role, 'office_ruling', jsonb_build_object('solved', p_solved, 'rating', p_rating));
        RETURN 'closed';
    END IF;
    PERFORM reopen_case(c, p_actor, p_role, jsonb_build_object('solved', p_solved, 'rating', p_rating));
    RETURN 'reopened';
END $$;

-- The callback window ended with no answer: closed as unanswered (worker: callback.expire).
CREATE FUNCTION callback_expire(p_case bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    c cases;
    cb callbacks;
BEGIN
    SELECT * INTO cb FROM callbacks WHERE case_id = p_case AND state = 'pending' FOR UPDATE;
    IF NOT FOUND THEN RETURN 'done'; END IF;
    IF cb.window_ends > now() THEN RETURN 'early'; END IF;
    c := lock_case(p_case);
    UPDATE callbacks SET state = 'unanswered', finished_at = now() WHERE id = cb.id;
    PERFORM close_case(c, 'system', 'system', 'unanswered', jsonb_build_object('tries', cb.tries, 'window_ended', true));
    RETURN 'unanswered';
END $$;

-- Applies routing decisions made by the worker (case.route), a batch in one statement. Each
-- is a compare-and-set on the case's version and must be a transition the state machine
-- allows the system; a case changed since it was read is skipped (its job reads it again).
-- The first dispatch sets the deadlines, counted from intake; later ones keep them.
CREATE FUNCTION route_apply(p_decisions jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    applied bigint[];
    clocks_due_now boolean;
    fraction double precision := warning_fraction();
BEGIN
    -- The job's completion is committed later with synchronous commit; WAL is flushed in
    -- order, so a crash cannot keep the completion and lose this transaction.
    PERFORM set_config('synchronous_commit', 'off', true);
    -- Each decision carries the state, version and deadline flag the router read; the update
    -- is a compare-and-set on the version, so they still hold for every case it changes. The
    -- update finds each case by primary key from its decision (no second read of the batch).
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
    ), clocks AS (
        INSERT INTO jobs (queue, kind, payload, run_at, unique_key, state)
        SELECT 'clocks', 'case.clock', j.payload, j.run_at, j.unique_key,
               CASE WHEN j.run_at > now() THEN 'scheduled' ELSE 'available' END::job_state
        FROM done, LATERAL (VALUES ('response', done.response_due), ('resolution', done.resolution_due)) AS v(clock, due),
             LATERAL clock_job(done.id, v.clock, done.received_at, v.due, fraction) AS j
        WHERE done.first_dispatch AND v.due IS NOT NULL
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running') DO NOTHING
        RETURNING state
    )
    SELECT (SELECT array_agg(id) FROM done), (SELECT bool_or(state = 'available') FROM clocks) INTO applied, clocks_due_now;
    -- Webhooks, for the departments that have one.
    PERFORM notify_department(t.department_code, 'dispatched', t.case_id)
    FROM case_tasks t JOIN departments dep ON dep.code = t.department_code AND dep.webhook_url IS NOT NULL AND dep.active
    WHERE t.case_id = ANY (applied) AND t.state = 'pending';
    -- A clock inserted here that is already due (a case received long ago) should run now.
    IF clocks_due_now THEN
        PERFORM pg_notify(left(current_schema() || '.jobs', 63), 'clocks');
    END IF;
    RETURN coalesce(array_length(applied, 1), 0);
END $$;

-- A clock job fires (worker: case.clock). Stale when the deadline moved; nothing when met.
-- A warning schedules the deadline; a missed deadline marks the case overdue and escalates (督办).
CREATE FUNCTION clock_fire(p_case bigint, p_clock text, p_stage text, p_due timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    c cases;
    current_due timestamptz;
    met boolean;
BEGIN
    SELECT * INTO c FROM cases WHERE id = p_case FOR UPDATE;
    IF NOT FOUND THEN RETURN 'gone'; END IF;
    current_due := CASE p_clock WHEN 'response' THEN c.response_due ELSE c.resolution_due END;
    IF current_due IS DISTINCT FROM p_due THEN RETURN 'stale'; END IF;
    met := c.state IN ('resolved', 'closed', 'merged', 'withdrawn', 'rejected')
        OR (p_clock = 'response' AND c.accepted_at IS NOT NULL);
    IF met THEN RETURN 'met'; END IF;
    IF p_stage = 'warn' THEN
        PERFORM append_event(c.id, 'clock', 'warned', c.state, c.state, c.lead_department, NULL, false,
            jsonb_build_object('clock', p_clock, 'due', p_due));
        PERFORM enqueue_job('case.clock', j.payload, j.run_at, j.unique_key, 'clocks')
        FROM clock_job(c.id, p_clock, p_due, p_due, 1.0) AS j;
        RETURN 'warned';
    END IF;
    IF p_clock = 'response' THEN
        UPDATE cases SET response_overdue = true, updated_at = now() WHERE id = c.id;
    ELSE
        UPDATE cases SET resolution_overdue = true, updated_at = now() WHERE id = c.id;
    END IF;
    PERFORM append_event(c.id, 'clock', 'escalated', c.state, c.state, c.lead_department, NULL, true,
        jsonb_build_object('clock', p_clock, 'due', p_due));
    IF c.lead_department IS NOT NULL THEN
        PERFORM notify_department(c.lead_department, 'escalated', c.id);
    END IF;
    RETURN 'escalated';
END $$;

-- A new resolution deadline after a reopen (worker: case.reclock computes it on the calendar).
CREATE FUNCTION set_resolution_due(p_case bigint, p_due timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c cases := lock_case(p_case);
BEGIN
    IF c.state NOT IN ('reopened', 'accepted', 'dispatched') THEN RETURN; END IF;
    UPDATE cases SET resolution_due = p_due, resolution_overdue = false, updated_at = now() WHERE id = p_case;
    PERFORM append_event(p_case, 'clock', 'reclocked', c.state, c.state, c.lead_department, NULL, true,
        jsonb_build_object('clock', 'resolution', 'due', p_due, 'previous_due', c.resolution_due));
    PERFORM schedule_clock(p_case, 'resolution', now(), p_due);
END $$;

-- Masked contact details, as lists and logs show them: 张三 → 张*, 13812345678 → 138****5678.
CREATE FUNCTION mask_name(p_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(p_name, '') = '' THEN '' ELSE left(p_name, 1) || repeat('*', length(p_name) - 1) END
$$;
CREATE FUNCTION mask_phone(p_phone text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(p_phone, '') = '' THEN ''
                WHEN length(p_phone) >= 11 THEN left(p_phone, 3) || repeat('*', length(p_phone) - 7) || right(p_phone, 4)
                ELSE repeat('*', greatest(length(p_phone) - 2, 0)) || right(p_phone, 2) END
$$;

-- The masked name and phone of a case the caller may see (no event: nothing is revealed).
CREATE FUNCTION case_contact_masked(p_case bigint, OUT citizen_name text, OUT citizen_phone text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT (actor_sees_all() OR p_case IN (SELECT visible_case_ids())) THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    SELECT mask_name(c.citizen_name), mask_phone(c.citizen_phone) INTO citizen_name, citizen_phone FROM cases c WHERE c.id = p_case;
END $$;

-- Grants: PUBLIC executes nothing of ours; staff execute the people's functions (each checks
-- role and department itself) and the helpers the read policies call.
DO $$
DECLARE
    staff text := current_schema() || '_staff';
BEGIN
    EXECUTE format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA %I FROM PUBLIC', current_schema());
    EXECUTE format('GRANT EXECUTE ON FUNCTION current_actor(), actor_sees_all(), visible_case_ids(),
        case_accept(bigint), case_note(bigint, text, boolean), case_resolve(bigint, text), case_return(bigint, text, text),
        case_request_extension(bigint, timestamptz, text), extension_decide(bigint, boolean, text),
        case_assign(bigint, text, text[], text), case_merge(bigint, bigint), case_end(bigint, text, text),
        case_contact(bigint), case_contact_masked(bigint), mask_name(text), mask_phone(text), callback_next(), callback_record(bigint, boolean, boolean, text, boolean) TO %I', staff);
END $$;
