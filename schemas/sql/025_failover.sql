-- 025 failover: routing commits as every other write does.
--
-- Migration 020's route_apply committed with synchronous_commit = off, on the argument that
-- the job's completion commits afterwards with synchronous commit and WAL is flushed in order.
-- That holds for one server. With a synchronous standby it does not: the routing was
-- acknowledged before it reached the standby, the primary died, the worker recorded the
-- completion on the promoted standby (where the claim had been replicated), and the case was
-- left received with no job to route it. scripts/chaos-ha found 1 to 4 such cases per run.
-- A handler's effects must be durable where the job's outcome is recorded: route_apply now
-- commits with the session's synchronous_commit (on, as docs/deployment.md asks).

CREATE OR REPLACE FUNCTION route_apply(p_decisions jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    applied bigint[];
    clocks job_request[];
    clock_spec jsonb := casework_jobs() -> 'case.clock';
    fraction double precision := warning_fraction();
BEGIN
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
