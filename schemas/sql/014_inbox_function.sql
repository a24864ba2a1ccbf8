-- 014 inbox: the ids of a department's inbox, most urgent first, picked without the read
-- policies (SECURITY DEFINER) so that the planner reads cases_open_lead_due_idx in order and
-- stops at the limit. Under the policies it could not: their per-row check hid how many
-- rows would match, and it sorted every open case of the city instead (1.3 s at ten million
-- cases). It answers only for the caller's own department (or the office, which sees all);
-- the caller then reads the rows themselves, under the policies as always.
CREATE FUNCTION inbox_case_ids(
    p_department text, p_states text[], p_overdue boolean, p_category text, p_area text, p_limit integer
) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT id FROM (
        (SELECT c.id, CASE WHEN c.accepted_at IS NULL THEN c.response_due ELSE c.resolution_due END AS due
         FROM cases c
         WHERE c.lead_department = p_department
           AND c.state IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'manual_dispatch')
           AND c.state::text = ANY (p_states)
           AND (NOT p_overdue OR c.response_overdue OR c.resolution_overdue)
           AND c.category_code LIKE p_category || '%' AND c.area_code LIKE p_area || '%'
           AND EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id AND t.department_code = p_department
                                                    AND t.state IN ('pending', 'accepted') AND t.role = 'lead')
         ORDER BY CASE WHEN c.accepted_at IS NULL THEN c.response_due ELSE c.resolution_due END NULLS LAST, c.id
         LIMIT p_limit)
        UNION ALL
        (SELECT c.id, CASE WHEN c.accepted_at IS NULL THEN c.response_due ELSE c.resolution_due END
         FROM case_tasks t JOIN cases c ON c.id = t.case_id
         WHERE t.department_code = p_department AND t.state IN ('pending', 'accepted') AND t.role = 'assist'
           AND c.state::text = ANY (p_states)
           AND (NOT p_overdue OR c.response_overdue OR c.resolution_overdue)
           AND c.category_code LIKE p_category || '%' AND c.area_code LIKE p_area || '%'
         ORDER BY 2 NULLS LAST, c.id
         LIMIT p_limit)
    ) AS inbox
    WHERE actor_sees_all() OR actor_department() = p_department
    ORDER BY due NULLS LAST, id
    LIMIT p_limit
$$;

REVOKE EXECUTE ON FUNCTION inbox_case_ids(text, text[], boolean, text, text, integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION inbox_case_ids(text, text[], boolean, text, text, integer) TO %I',
                   current_schema() || '_staff');
END $$;
