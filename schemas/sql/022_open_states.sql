-- 022 open states: one list. A case is open while it is with a department or the desk: its
-- state is neither resolved nor final. case_open_states() derives that set from the enum and
-- case_final_states() (020), so the final states are the only list to keep; Swift's
-- CaseState.open is checked against it (ContractTests).
--
-- It is IMMUTABLE and takes no argument, so the planner computes it once while planning: a
-- query that says `state = ANY (case_open_states())` is proven to match the partial indexes
-- whose predicate spells the same states out (009's cases_overdue_idx, 013's
-- cases_open_lead_due_idx; an index predicate is written once and stays as written).
CREATE FUNCTION case_open_states() RETURNS case_state[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(s ORDER BY s)
    FROM unnest(enum_range(NULL::case_state)) AS s
    WHERE s <> 'resolved' AND s <> ALL (case_final_states())
$$;

-- The two live functions that spelled the open states out (or their complement) use it
-- instead, and intake_insert takes the queue's new enqueue (below). Each is rewritten from its own current definition: only the one condition changes,
-- and the migration fails if that condition is not found exactly as written.
CREATE FUNCTION pg_temp.rewrite_condition(p_function regprocedure, p_old text, p_new text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    definition text := pg_get_functiondef(p_function);
BEGIN
    IF position(p_old IN definition) = 0 THEN
        RAISE EXCEPTION 'migration 022: % does not contain %', p_function, p_old;
    END IF;
    EXECUTE replace(definition, p_old, p_new);
END
$$;

-- clock_fire: a clock is met once the case is no longer open.
SELECT pg_temp.rewrite_condition('clock_fire(bigint, text, text, timestamptz)',
    $old$met := c.state IN ('resolved', 'closed', 'merged', 'withdrawn', 'rejected')$old$,
    $new$met := c.state <> ALL (case_open_states())$new$);

-- inbox_case_ids: a department's inbox lists its open cases.
SELECT pg_temp.rewrite_condition('inbox_case_ids(text, text[], boolean, text, text, integer)',
    $old$c.state IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'manual_dispatch')$old$,
    $new$c.state = ANY (case_open_states())$new$);

-- intake_insert: the routing jobs of cases it has just created have keys (route:<id>:0) that
-- cannot be live yet, so it enqueues them through jobs_enqueue_new (the queue's 021), without
-- the arbiter check, as 007's plain INSERT did.
SELECT pg_temp.rewrite_condition('intake_insert(text, intake_case[])',
    $old$PERFORM jobs_enqueue(ARRAY($old$,
    $new$PERFORM jobs_enqueue_new(ARRAY($new$);

DROP FUNCTION pg_temp.rewrite_condition(regprocedure, text, text);
