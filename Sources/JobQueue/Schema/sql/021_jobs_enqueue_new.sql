-- 021 job queue: enqueue jobs whose unique keys are new, without the arbiter check.
--
-- jobs_enqueue (019) takes every batch with ON CONFLICT on the live-key index, so that a
-- repeated key returns the live job. That check costs up to a third of a 1,000-job batch (pgbench,
-- 1,000 keyed jobs a statement: 56-72 statements/s as a plain INSERT, 42-45 with the
-- arbiter alone). A caller that makes its keys from ids it has just created (civicq's intake:
-- route:<new case id>:0) cannot meet a live one, and pays for nothing. jobs_enqueue_new is
-- for them: the same rows and wake-up, a plain INSERT; a key that is live after all is a
-- unique violation (23505), not a merge.
--
-- The rows and the wake-up are now written once, in job_rows and jobs_wake, and both enqueue
-- functions are built from them (jobs_enqueue is redefined from 019 with the same behaviour).

-- The rows a batch inserts, in request order: defaults filled in, scheduled when run_at is
-- ahead, else available. An SQL function the planner inlines into the INSERT.
CREATE FUNCTION job_rows(p_jobs job_request[])
RETURNS TABLE (queue text, kind text, payload jsonb, priority smallint, run_at timestamptz, max_attempts integer,
               unique_key text, state job_state)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(r.queue, 'default'), r.kind, coalesce(r.payload, '{}'), coalesce(r.priority, 0),
           coalesce(r.run_at, now()), coalesce(r.max_attempts, 20), r.unique_key,
           (CASE WHEN coalesce(r.run_at, now()) > now() THEN 'scheduled' ELSE 'available' END)::job_state
    FROM unnest(p_jobs) WITH ORDINALITY AS r(queue, kind, payload, priority, run_at, max_attempts, unique_key, n)
    ORDER BY r.n
$$;

-- Notifies each queue that received a job due now, once, at commit.
CREATE FUNCTION jobs_wake(p_jobs job_request[]) RETURNS void LANGUAGE sql AS $$
    SELECT pg_notify(job_channel(), q)
    FROM (SELECT DISTINCT coalesce(r.queue, 'default') AS q FROM unnest(p_jobs) AS r WHERE coalesce(r.run_at, now()) <= now()) AS due
$$;

CREATE OR REPLACE FUNCTION jobs_enqueue(p_jobs job_request[], p_wake boolean DEFAULT true)
RETURNS TABLE (id bigint, inserted boolean) LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RETURN QUERY
    INSERT INTO jobs AS j (queue, kind, payload, priority, run_at, max_attempts, unique_key, state)
    SELECT * FROM job_rows(p_jobs)
    ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running')
    DO UPDATE SET unique_key = excluded.unique_key
    RETURNING j.id, (j.xmax = 0);
    IF p_wake THEN PERFORM jobs_wake(p_jobs); END IF;
END $$;

CREATE FUNCTION jobs_enqueue_new(p_jobs job_request[], p_wake boolean DEFAULT true)
RETURNS TABLE (id bigint, inserted boolean) LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RETURN QUERY
    INSERT INTO jobs AS j (queue, kind, payload, priority, run_at, max_attempts, unique_key, state)
    SELECT * FROM job_rows(p_jobs)
    RETURNING j.id, true;
    IF p_wake THEN PERFORM jobs_wake(p_jobs); END IF;
END $$;
