-- 012 visibility: the read policies check a row with an index probe instead of building the
-- set of every case the caller's department ever worked on. With ten million cases of
-- history a busy department has had some 80,000; building that set (twice: for cases and for
-- case_tasks) made its inbox take 270 ms, and each `case show` about as long. Same rules as
-- 004: staff see the cases their department has a task on (pending, accepted or done, not
-- returned), every task, event, extension and callback of those cases; the hotline office
-- (dispatcher, callback, admin) sees everything.

-- The caller's department, once per statement: the policies call it as an uncorrelated
-- scalar subquery (an InitPlan), never once per row.
CREATE FUNCTION actor_department() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT (current_actor()).department_code
$$;

-- Tasks: one's own department's tasks are visible outright (no set to build, which is what
-- the inbox reads); other departments' tasks on one's cases through the set, as before.
DROP POLICY staff_read ON case_tasks;
CREATE POLICY staff_read ON case_tasks FOR SELECT USING (
    (SELECT actor_sees_all())
    OR (department_code = (SELECT actor_department()) AND state IN ('pending', 'accepted', 'done'))
    OR case_id IN (SELECT visible_case_ids()));

-- Cases and what hangs off them: one probe of case_tasks_inbox_idx (department, case) per
-- row. The probe reads case_tasks under its own policy, whose second arm holds for every row
-- it can find.
DO $do$
DECLARE
    tbl text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['cases', 'case_events', 'extensions', 'callbacks'] LOOP
        EXECUTE format('DROP POLICY staff_read ON %I', tbl);
        EXECUTE format($p$
            CREATE POLICY staff_read ON %1$I FOR SELECT USING (
                (SELECT actor_sees_all())
                OR EXISTS (SELECT 1 FROM case_tasks t
                           WHERE t.department_code = (SELECT actor_department()) AND t.case_id = %1$I.%2$I
                             AND t.state IN ('pending', 'accepted', 'done')))
            $p$, tbl, CASE WHEN tbl = 'cases' THEN 'id' ELSE 'case_id' END);
    END LOOP;
END $do$;

-- The masked contact of one case: the same probe.
CREATE OR REPLACE FUNCTION case_contact_masked(p_case bigint, OUT citizen_name text, OUT citizen_phone text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT (actor_sees_all() OR EXISTS (
            SELECT 1 FROM case_tasks t
            WHERE t.department_code = actor_department() AND t.case_id = p_case AND t.state IN ('pending', 'accepted', 'done'))) THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    SELECT mask_name(c.citizen_name), mask_phone(c.citizen_phone) INTO citizen_name, citizen_phone FROM cases c WHERE c.id = p_case;
END $$;

REVOKE EXECUTE ON FUNCTION actor_department() FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION actor_department() TO %I', current_schema() || '_staff');
END $$;
