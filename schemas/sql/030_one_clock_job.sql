-- 030 one clock job per routed case (issue 19).
--
-- route_apply enqueued two clock jobs for every case it dispatched for the first time: the
-- response clock's first stage and the resolution clock's. A routed case cost PostgreSQL about
-- 8 % more CPU with the second job than without it (civicq-bench route, 100,000 cases, four
-- alternated pairs: 131/151/153/139 against 122/136/144/123 µs a case), a job row and five
-- index entries that wait days to run. Routing now enqueues one: the first stage of whichever
-- clock comes first, carrying the other (`then`: its clock and deadline). When that job fires,
-- whatever it finds, it schedules the other clock's first stage, unless the case is gone, the
-- other clock is met, or its deadline moved since (whoever moved it scheduled its clock: an
-- approved extension, a reopen). The other clock's first stage is never before the job's own
-- run time, so no warning is lost; a job run late by a backlog skips a warning already past,
-- as a case routed late always has. The job's key cannot be live (below), so routing enqueues
-- it without the arbiter check (jobs_enqueue_new).

-- Whether a clock is met: the case is no longer open, or (the response clock) it was accepted.
CREATE FUNCTION clock_met(p_state case_state, p_accepted_at timestamptz, p_clock text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_state <> ALL (case_open_states()) OR (p_clock = 'response' AND p_accepted_at IS NOT NULL)
$$;

SELECT function_rewrite('clock_fire(bigint, text, text, timestamptz)',
    $old$met := c.state <> ALL (case_open_states())
        OR (p_clock = 'response' AND c.accepted_at IS NOT NULL);$old$,
    $new$met := clock_met(c.state, c.accepted_at, p_clock);$new$);

-- The one clock job of a case's first dispatch (see above): clock_job's shape for the clock
-- whose first stage comes first (response on a tie), its payload carrying the other clock as
-- `then`. One row, or none when neither clock has a deadline; inlined like clock_job.
CREATE FUNCTION clock_first_job(p_case bigint, p_start timestamptz, p_response_due timestamptz,
                                p_resolution_due timestamptz, p_fraction double precision)
RETURNS TABLE (run_at timestamptz, payload jsonb, unique_key text)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT f.run_at,
           CASE WHEN l.clock IS NULL THEN f.payload
                ELSE f.payload || jsonb_build_object('then', jsonb_build_object('clock', l.clock, 'due', l.payload ->> 'due')) END,
           f.unique_key
    FROM (SELECT v.clock, v.n, j.run_at, j.payload, j.unique_key
          FROM (VALUES (1, 'response', p_response_due), (2, 'resolution', p_resolution_due)) AS v(n, clock, due),
               LATERAL clock_job(p_case, v.clock, p_start, v.due, p_fraction) AS j
          WHERE v.due IS NOT NULL) AS f
    LEFT JOIN LATERAL (SELECT v.clock, j.payload
                       FROM (VALUES ('response', p_response_due), ('resolution', p_resolution_due)) AS v(clock, due),
                            LATERAL clock_job(p_case, v.clock, p_start, v.due, p_fraction) AS j
                       WHERE v.due IS NOT NULL AND v.clock <> f.clock) AS l ON true
    ORDER BY f.run_at, f.n
    LIMIT 1
$$;

-- A clock job carrying the case's other clock fires as any other, then schedules that clock
-- (see above). The outcome is the fired clock's.
CREATE FUNCTION clock_fire(p_case bigint, p_clock text, p_stage text, p_due timestamptz,
                           p_then_clock text, p_then_due timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    outcome text := clock_fire(p_case, p_clock, p_stage, p_due);
    c cases;
BEGIN
    IF p_then_clock IS NULL OR outcome = 'gone' THEN
        RETURN outcome;
    END IF;
    SELECT * INTO c FROM cases WHERE id = p_case;  -- locked by clock_fire
    IF (CASE p_then_clock WHEN 'response' THEN c.response_due ELSE c.resolution_due END) IS NOT DISTINCT FROM p_then_due
       AND NOT clock_met(c.state, c.accepted_at, p_then_clock) THEN
        PERFORM schedule_clock(p_case, p_then_clock, c.received_at, p_then_due);
    END IF;
    RETURN outcome;
END $$;

SELECT function_rewrite('route_apply(jsonb)',
    $old$
            FROM done, LATERAL (VALUES ('response', done.response_due), ('resolution', done.resolution_due)) AS v(clock, due),
                 LATERAL clock_job(done.id, v.clock, done.received_at, v.due, fraction) AS j
            WHERE done.first_dispatch AND v.due IS NOT NULL)$old$,
    $new$
            FROM done, LATERAL clock_first_job(done.id, done.received_at, done.response_due, done.resolution_due, fraction) AS j
            WHERE done.first_dispatch)$new$);
SELECT function_rewrite('route_apply(jsonb)',
    $old$-- The deadlines' clocks; one that is already due (a case received long ago) wakes its queue.
    IF clocks IS NOT NULL THEN
        PERFORM jobs_enqueue(clocks);$old$,
    $new$-- The deadlines' clock (one job, clock_first_job); one that is already due (a case received
    -- long ago) wakes its queue. Its unique key names the case and a deadline the case did not
    -- have before this statement set it (first_dispatch: the router read no deadlines, and the
    -- update is a compare-and-set on the version), and nothing schedules a clock for a case
    -- without deadlines: the key cannot be live, so it skips the arbiter (jobs_enqueue_new, as
    -- intake's routing jobs do). Were it live after all, that is a unique violation, not a merge.
    IF clocks IS NOT NULL THEN
        PERFORM jobs_enqueue_new(clocks);$new$);

REVOKE EXECUTE ON FUNCTION clock_met(case_state, timestamptz, text), clock_first_job(bigint, timestamptz, timestamptz, timestamptz, double precision),
    clock_fire(bigint, text, text, timestamptz, text, timestamptz) FROM PUBLIC;
DO $$
DECLARE
    service text := current_schema() || '_service';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION clock_met(case_state, timestamptz, text),
        clock_first_job(bigint, timestamptz, timestamptz, timestamptz, double precision),
        clock_fire(bigint, text, text, timestamptz, text, timestamptz) TO %I', service);
    EXECUTE format('CREATE OR REPLACE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', jsonb_set(casework_jobs(), '{case.clock,payload}', '["case", "clock", "stage", "due", "then"]')));
END $$;
