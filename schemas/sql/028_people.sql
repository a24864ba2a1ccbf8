-- 028 people: refusals that name their real cause (issue 18).
--
-- * A text that is only blanks (spaces, tabs, line breaks, the ideographic space) is as
--   empty as "": every length check of a person's reply, note or reason counts the text
--   without its surrounding blanks (text_content), so "   " is refused like "".
-- * A case that was with your department but is no longer (resolved, closed, returned by
--   you) is refused as the wrong state, naming it (CQ409), not as "not with your department".
-- * A department's inbox asked by someone outside it is refused (CQ403) rather than empty;
--   inbox_count tells the list how many cases match, so that a cut list says so.
-- * A callback held by one agent (callback_next) is recorded only by that agent until the
--   hold ends; "unreachable" waits for the retry spacing (the next try's time) whoever records.
-- * The hotline office (dispatcher, admin) takes in a complaint by hand as itself
--   (office_submit), through the same submit_cases as every intake.
CREATE OR REPLACE FUNCTION pg_temp.create_definer(p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE replace(p_definition, '@schema@', quote_ident(current_schema()));
END $$;

-- The text without the blanks around it; NULL as ''.
CREATE FUNCTION text_content(p_text text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(coalesce(p_text, ''), E' \t\r\n\u00a0\u3000')
$$;

-- A time as people read it in messages: in the reporting time zone, with its offset.
CREATE FUNCTION local_time_text(p_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    WITH z AS (SELECT coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'reporting.time_zone'), 'Asia/Shanghai') AS zone)
    SELECT to_char(p_at AT TIME ZONE z.zone, 'YYYY-MM-DD HH24:MI') || ' '
        || CASE WHEN (p_at AT TIME ZONE z.zone) < (p_at AT TIME ZONE 'UTC') THEN '-' ELSE '+' END
        || to_char(abs(extract(epoch FROM (p_at AT TIME ZONE z.zone) - (p_at AT TIME ZONE 'UTC'))) * interval '1 second', 'HH24:MI')
    FROM z
$$;

-- Every check of the form length(coalesce(p_x, '')) in this schema's functions counts the
-- content. Each function is rewritten from its own current definition.
DO $$
DECLARE
    f regprocedure;
    definition text;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f'
          AND p.prosrc ~ 'length\(coalesce\(p_[a-z_]+, ''''\)\)'
    LOOP
        definition := regexp_replace(pg_get_functiondef(f), 'length\(coalesce\((p_[a-z_]+), ''''\)\)', 'length(text_content(\1))', 'g');
        EXECUTE definition;
    END LOOP;
END $$;

-- actor_task: a case the department had a task on, now finished, is the wrong state.
SELECT function_rewrite('actor_task(bigint, text, text)',
    $old$    IF NOT FOUND THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));$old$,
    $new$    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM case_tasks WHERE case_id = p_case AND department_code = p_department) THEN
            PERFORM cq_fail('CQ409', format('case %s is %s: your department''s task on it is finished',
                p_case, (SELECT state FROM cases WHERE id = p_case)));
        END IF;
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));$new$);

-- callback_apply: the hold and the retry spacing.
SELECT function_rewrite('callback_apply(bigint, text, text, boolean, boolean, text, boolean)',
    $old$    IF p_unreachable THEN
        UPDATE callbacks$old$,
    $new$    IF cb.claimed_by IS NOT NULL AND cb.claimed_by <> p_actor AND cb.claimed_until > now() THEN
        PERFORM cq_fail('CQ403', format('the callback of case %s is held by %s until %s: only they may record it until then',
            p_case, cb.claimed_by, local_time_text(cb.claimed_until)));
    END IF;
    IF p_unreachable AND cb.next_try_at > now() THEN
        PERFORM cq_fail('CQ409', format('the callback of case %s was tried %s times; the next try is due at %s',
            p_case, cb.tries, local_time_text(cb.next_try_at)));
    END IF;
    IF p_unreachable THEN
        UPDATE callbacks$new$);

-- How many cases a department's inbox holds under the same filter as inbox_case_ids (014),
-- counted up to p_cap + 1 (a list says "more than p_cap" past it), refusing anyone outside
-- the department (the office sees all). It reads from the department's active tasks
-- (case_tasks_active_idx) and each case by its key: 40 ms for 3,499 open cases at 10 M cases,
-- where a scan of the open cases took 1.2 s. JIT off: its compile time is the whole cost.
SELECT pg_temp.create_definer($fn$
CREATE FUNCTION inbox_count(
    p_department text, p_states text[], p_overdue boolean, p_category text, p_area text, p_cap integer
) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = @schema@, pg_temp SET jit = off AS $$
BEGIN
    PERFORM require_actor(ARRAY['handler', 'supervisor', 'dispatcher', 'callback', 'admin'], 'read an inbox');
    IF NOT (actor_sees_all() OR actor_department() = p_department) THEN
        PERFORM cq_fail('CQ403', format('the inbox of %s is not yours to read', p_department));
    END IF;
    RETURN (
        SELECT count(*) FROM (
            SELECT DISTINCT c.id FROM case_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.department_code = p_department AND t.state IN ('pending', 'accepted')
              AND (t.role = 'assist' OR c.lead_department = p_department)
              AND c.state = ANY (case_open_states())
              AND c.state::text = ANY (p_states)
              AND (NOT p_overdue OR c.response_overdue OR c.resolution_overdue)
              AND c.category_code LIKE p_category || '%' AND c.area_code LIKE p_area || '%'
            LIMIT p_cap + 1) AS inbox);
END $$
$fn$);

-- The office takes in a complaint by hand, as itself.
SELECT pg_temp.create_definer($fn$
CREATE FUNCTION office_submit(p_source text, p_cases intake_case[])
RETURNS TABLE (ord integer, case_id bigint, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
BEGIN
    PERFORM require_actor(ARRAY['dispatcher', 'admin'], 'take in complaints');
    RETURN QUERY SELECT s.ord, s.case_id, s.created FROM submit_cases(p_source, p_cases) s;
END $$
$fn$);

REVOKE EXECUTE ON FUNCTION inbox_count(text, text[], boolean, text, text, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION office_submit(text, intake_case[]) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION inbox_count(text, text[], boolean, text, text, integer) TO %I', current_schema() || '_staff');
    EXECUTE format('GRANT EXECUTE ON FUNCTION office_submit(text, intake_case[]) TO %I', current_schema() || '_staff');
END $$;
