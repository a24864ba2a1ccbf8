-- 033 a routed case's clock job computed once (issue 19).
--
-- Routing enqueues one clock job per case (030): `clock_first_job` made both clocks' jobs,
-- then each again to carry the other's deadline, sorted them and kept the first, every step a
-- node the executor ran per case; and `clock_job`, once inlined, repeated the warning time
-- (a timestamptz plus an interval, computed in the session's time zone) in each expression
-- that named it. Now the warning time is computed once per clock (clock_stage, the subquery
-- kept apart with OFFSET 0), the clock that comes first is chosen from the two run times, and
-- only its job is made. Over 100,000 calls here clock_first_job took 18.4 µs a case before
-- (about a tenth of the server's CPU for a routed case) and 7.8 after; clock_job alone 4.9 and
-- 4.2. The results are the same expressions, so
-- the same values (ClockTests holds the choices).

-- When a clock's next stage runs, and whether it is the warning: clock_job's rule since 004,
-- now in one place, the warning time computed once (kept apart by OFFSET 0).
CREATE FUNCTION clock_stage(p_start timestamptz, p_due timestamptz, p_fraction double precision)
RETURNS TABLE (run_at timestamptz, warn boolean) LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT CASE WHEN warn THEN w ELSE p_due END, warn
    FROM (SELECT w, p_fraction < 1 AND w > now() AS warn
          FROM (SELECT p_start + (p_due - p_start) * p_fraction AS w) AS x OFFSET 0) AS y
$$;

-- A deadline as clock jobs carry it (their payload's `due`, and their unique key).
CREATE FUNCTION clock_due_text(p_due timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(p_due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE OR REPLACE FUNCTION clock_job(p_case bigint, p_clock text, p_start timestamptz, p_due timestamptz, p_fraction double precision)
RETURNS TABLE (run_at timestamptz, payload jsonb, unique_key text)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT s.run_at,
           jsonb_build_object('case', p_case, 'clock', p_clock, 'stage', CASE WHEN s.warn THEN 'warn' ELSE 'due' END, 'due', d.due_text),
           format('clock:%s:%s:%s:%s', p_case, p_clock, CASE WHEN s.warn THEN 'warn' ELSE 'due' END, d.due_text)
    FROM clock_stage(p_start, p_due, p_fraction) AS s, (SELECT clock_due_text(p_due) AS due_text) AS d
$$;

CREATE OR REPLACE FUNCTION clock_first_job(p_case bigint, p_start timestamptz, p_response_due timestamptz,
                                           p_resolution_due timestamptz, p_fraction double precision)
RETURNS TABLE (run_at timestamptz, payload jsonb, unique_key text)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT j.run_at,
           CASE WHEN c.other_due IS NULL THEN j.payload
                ELSE j.payload || jsonb_build_object('then', jsonb_build_object('clock', c.other, 'due', clock_due_text(c.other_due))) END,
           j.unique_key
    FROM (SELECT CASE WHEN response_first THEN 'response' ELSE 'resolution' END AS clock,
                 CASE WHEN response_first THEN p_response_due ELSE p_resolution_due END AS due,
                 CASE WHEN response_first THEN 'resolution' ELSE 'response' END AS other,
                 CASE WHEN response_first THEN p_resolution_due ELSE p_response_due END AS other_due
          -- The response clock first unless it has no deadline or the resolution clock's first
          -- stage comes strictly earlier (a tie goes to the response clock).
          FROM (SELECT p_response_due IS NOT NULL AND (p_resolution_due IS NULL OR response.run_at <= resolution.run_at) AS response_first
                FROM clock_stage(p_start, p_response_due, p_fraction) AS response,
                     clock_stage(p_start, p_resolution_due, p_fraction) AS resolution
                WHERE p_response_due IS NOT NULL OR p_resolution_due IS NOT NULL OFFSET 0) AS f) AS c,
         LATERAL clock_job(p_case, c.clock, p_start, c.due, p_fraction) AS j
$$;

REVOKE EXECUTE ON FUNCTION clock_stage(timestamptz, timestamptz, double precision), clock_due_text(timestamptz) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION clock_stage(timestamptz, timestamptz, double precision), clock_due_text(timestamptz) TO %I',
                   current_schema() || '_service');
END $$;
