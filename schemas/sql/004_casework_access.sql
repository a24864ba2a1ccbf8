-- 004 casework access: who the caller is, what they may see (row-level security), and the
-- helpers every state-changing function shares.
--
-- People connect as their own PostgreSQL login (`civicq users add` creates it, member of the
-- group role <schema>_staff). The actor is that login, or the role an admin switched to with
-- SET ROLE (`--as`). The schema's owner and superusers act as admin; every other login must be
-- in `handlers`.

DO $$
DECLARE
    staff text := current_schema() || '_staff';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = staff) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', staff);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), staff);
END $$;

-- Raises one of civicq's errors: SQLSTATE class CQ, a plain sentence without personal data.
--   CQ400 bad input, CQ401 not a civicq user, CQ403 not permitted (role or department),
--   CQ404 no such case or record, CQ409 wrong state.
CREATE FUNCTION cq_fail(code text, message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END $$;

CREATE TYPE civic_actor AS (login text, department_code text, role text);

-- The caller: login, department and role (NULL when not a civicq user). Admin for the
-- schema's owner and superusers.
CREATE FUNCTION current_actor() RETURNS civic_actor
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    who text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
    a civic_actor := ROW(who, NULL, NULL);
BEGIN
    SELECT h.department_code, h.role INTO a.department_code, a.role FROM handlers h WHERE h.login = who AND h.active;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = who AND r.rolsuper)
           OR EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                      WHERE n.nspname = current_schema() AND r.rolname = who) THEN
            a.role := 'admin';
        END IF;
    END IF;
    RETURN a;
END $$;

-- The caller, who must have one of `allowed` roles.
CREATE FUNCTION require_actor(allowed text[], action text) RETURNS civic_actor
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a civic_actor := current_actor();
BEGIN
    IF a.role IS NULL THEN
        PERFORM cq_fail('CQ401', 'you are not a civicq user: ask an admin to run civicq users add');
    END IF;
    IF NOT a.role = ANY (allowed) THEN
        PERFORM cq_fail('CQ403', format('a %s may not %s', a.role, action));
    END IF;
    RETURN a;
END $$;

-- Roles that see every case (the hotline office).
CREATE FUNCTION actor_sees_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT coalesce((current_actor()).role IN ('dispatcher', 'callback', 'admin'), false)
$$;

-- The cases the caller's department works on (active or finished tasks; not returned ones).
CREATE FUNCTION visible_case_ids() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT t.case_id FROM case_tasks t
    WHERE t.department_code = (current_actor()).department_code AND t.state IN ('pending', 'accepted', 'done')
$$;

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE extensions ENABLE ROW LEVEL SECURITY;
ALTER TABLE callbacks ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON cases FOR SELECT USING (actor_sees_all() OR id IN (SELECT visible_case_ids()));
CREATE POLICY staff_read ON case_tasks FOR SELECT USING (actor_sees_all() OR case_id IN (SELECT visible_case_ids()));
CREATE POLICY staff_read ON case_events FOR SELECT USING (actor_sees_all() OR case_id IN (SELECT visible_case_ids()));
CREATE POLICY staff_read ON extensions FOR SELECT USING (actor_sees_all() OR case_id IN (SELECT visible_case_ids()));
CREATE POLICY staff_read ON callbacks FOR SELECT USING (actor_sees_all() OR case_id IN (SELECT visible_case_ids()));

DO $$
DECLARE
    staff text := current_schema() || '_staff';
BEGIN
    -- Read access only; every change goes through the functions of migration 005.
    -- Citizen name and phone are not readable: case_contact() reveals them to roles that may.
    EXECUTE format($g$GRANT SELECT (id, source, external_id, channel, category_code, area_code, latitude, longitude,
        address, title, description, priority, policy, state, version, lead_department, received_at, dispatched_at,
        accepted_at, resolved_at, closed_at, response_due, resolution_due, response_overdue, resolution_overdue,
        rule_id, rule_version, return_count, reopen_count, merged_into, close_reason, reply, updated_at)
        ON cases TO %I$g$, staff);
    EXECUTE format('GRANT SELECT ON case_tasks, case_events, extensions, callbacks, categories, clock_policies,
        calendar_days, route_sets, settings, case_transitions TO %I', staff);
    EXECUTE format('GRANT SELECT (code, name, parent_code, level, area_code, backstop_area, dispatch_desk, active)
        ON departments TO %I', staff);
END $$;

-- Appends one event.
CREATE FUNCTION append_event(
    p_case bigint, p_actor text, p_kind text, p_from case_state, p_to case_state,
    p_department text DEFAULT NULL, p_reason text DEFAULT NULL, p_public boolean DEFAULT false, p_details jsonb DEFAULT '{}'
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_events (case_id, actor, kind, from_state, to_state, department_code, reason, public, details)
    VALUES (p_case, p_actor, p_kind, p_from, p_to, p_department, p_reason, p_public, p_details)
$$;

-- Locks and returns a case, or fails with CQ404.
CREATE FUNCTION lock_case(p_case bigint) RETURNS cases LANGUAGE plpgsql AS $$
DECLARE
    c cases;
BEGIN
    SELECT * INTO c FROM cases WHERE id = p_case FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no case %s', p_case));
    END IF;
    RETURN c;
END $$;

-- The state `action` leads to from the case's state, or CQ409/CQ403 with a plain sentence.
CREATE FUNCTION check_transition(c cases, p_action text, p_role text) RETURNS case_state LANGUAGE plpgsql AS $$
DECLARE
    t case_transitions;
    allowed text;
BEGIN
    SELECT * INTO t FROM case_transitions WHERE action = p_action AND from_state = c.state;
    IF NOT FOUND THEN
        SELECT string_agg(from_state::text, ', ' ORDER BY from_state) INTO allowed FROM case_transitions WHERE action = p_action;
        PERFORM cq_fail('CQ409', format('case %s is %s; %s needs it to be %s', c.id, c.state, p_action, coalesce(allowed, 'nothing')));
    END IF;
    IF NOT p_role = ANY (t.roles) THEN
        PERFORM cq_fail('CQ403', format('a %s may not %s a case', p_role, p_action));
    END IF;
    RETURN t.to_state;
END $$;

-- Inserts a job into the queue (migration 002's table), waking workers if it is due now.
CREATE FUNCTION enqueue_job(
    p_kind text, p_payload jsonb, p_run_at timestamptz DEFAULT now(), p_unique_key text DEFAULT NULL,
    p_queue text DEFAULT 'default', p_max_attempts integer DEFAULT 20
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (queue, kind, payload, run_at, unique_key, max_attempts, state)
    VALUES (p_queue, p_kind, p_payload, p_run_at, p_unique_key, p_max_attempts,
            CASE WHEN p_run_at > now() THEN 'scheduled' ELSE 'available' END::job_state)
    ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running') DO NOTHING;
    IF p_run_at <= now() THEN
        PERFORM pg_notify(left(current_schema() || '.jobs', 63), p_queue);
    END IF;
END $$;

-- Queues a signed webhook POST to a department that has a webhook. The body carries what the
-- department may see of the case: never the citizen's name or phone.
CREATE FUNCTION notify_department(p_department text, p_event text, p_case bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    body jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM departments WHERE code = p_department AND webhook_url IS NOT NULL AND active) THEN
        RETURN;
    END IF;
    SELECT jsonb_build_object(
        'event', p_event, 'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'department', p_department,
        'case', jsonb_build_object('id', c.id, 'state', c.state, 'category', c.category_code, 'area', c.area_code,
            'priority', c.priority, 'title', c.title, 'description', c.description, 'address', c.address,
            'response_due', c.response_due, 'resolution_due', c.resolution_due))
    INTO body FROM cases c WHERE c.id = p_case;
    PERFORM enqueue_job('department.webhook', jsonb_build_object('department', p_department, 'body', body),
                        now(), NULL, 'webhooks', 12);
END $$;

-- The job that runs a clock next: a warning once `p_fraction` of the allowance from p_start
-- to p_due has passed (if that is still ahead), else the deadline itself. One place for the
-- shape of clock jobs; a moved deadline gives new unique keys, and older jobs find it stale.
-- Declared as a one-row table function so that the planner inlines it into the caller's query.
CREATE FUNCTION clock_job(p_case bigint, p_clock text, p_start timestamptz, p_due timestamptz, p_fraction double precision)
RETURNS TABLE (run_at timestamptz, payload jsonb, unique_key text)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT CASE WHEN warn THEN warn_at ELSE p_due END,
           jsonb_build_object('case', p_case, 'clock', p_clock, 'stage', CASE WHEN warn THEN 'warn' ELSE 'due' END, 'due', due_text),
           format('clock:%s:%s:%s:%s', p_case, p_clock, CASE WHEN warn THEN 'warn' ELSE 'due' END, due_text)
    FROM (SELECT w AS warn_at, p_fraction < 1 AND w > now() AS warn,
                 to_char(p_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_text
          FROM (SELECT p_start + (p_due - p_start) * p_fraction AS w) AS x) AS y
$$;

-- The share of an allowance after which the warning comes (setting clocks.warning_fraction).
CREATE FUNCTION warning_fraction() RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::text::double precision FROM settings WHERE key = 'clocks.warning_fraction'), 0.8)
$$;

-- Schedules a clock's next job (see clock_job).
CREATE FUNCTION schedule_clock(p_case bigint, p_clock text, p_start timestamptz, p_due timestamptz) RETURNS void
LANGUAGE sql AS $$
    SELECT enqueue_job('case.clock', j.payload, j.run_at, j.unique_key, 'clocks')
    FROM clock_job(p_case, p_clock, p_start, p_due, warning_fraction()) AS j
$$;
