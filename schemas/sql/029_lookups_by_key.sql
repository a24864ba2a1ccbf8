-- 029 lookups by key (issue 19): intake finds an earlier case of the same source and external
-- id, and the check on every event's date finds the event's case, by key, whatever the
-- planner's statistics say.
--
-- submit_cases (007) looked up earlier cases with a LEFT JOIN over the whole of `cases`.
-- PL/pgSQL keeps a generic plan once it looks no worse than the custom ones; made while
-- `cases` was small or not yet analyzed, that plan read every case of the source by a bitmap
-- scan and hashed them. Measured with pgbench calling submit_cases with 18 new complaints a
-- call on a fresh schema: 38,736 cases read and hashed per call once the source had as many,
-- 3.6 ms a call rising to 8.4 ms as the table grew (after ANALYZE, 1.4 ms). Intake's own
-- bench starts on such a schema. The lookup is now a subquery on the (source, external_id)
-- key, run only for a complaint this call did not store (a repeat): one index probe, one plan.
SELECT function_rewrite('submit_cases(text, intake_case[])',
    $old$new.new_id, old.id AS old_id$old$,
    $new$new.new_id, CASE WHEN new.new_id IS NULL THEN
                   (SELECT old.id FROM cases old WHERE old.source = p_source AND old.external_id = i.external_id) END AS old_id$new$);
SELECT function_rewrite('submit_cases(text, intake_case[])',
    $old$
        LEFT JOIN cases old ON new.new_id IS NULL AND old.source = p_source AND old.external_id = i.external_id$old$,
    '');
SELECT function_rewrite('submit_cases(text, intake_case[])',
    $old$-- `old` is read in the statement's snapshot: cases stored before it, not by it.$old$,
    $new$-- old_id is read in the statement's snapshot: cases stored before it, not by it.$new$);

-- The same for the check on every event's date (027): the trigger joined the statement's new
-- events to `cases`, a join whose plan depends on the statistics too (a hash join reads every
-- case). Each event's case is now read by its key.
SELECT function_rewrite('case_events_after_case()',
    $old$SELECT n.case_id INTO early FROM new_events n JOIN cases c ON c.id = n.case_id
    WHERE n.at < c.received_at - interval '1 day' LIMIT 1;$old$,
    $new$SELECT n.case_id INTO early FROM new_events n
    WHERE n.at < (SELECT c.received_at FROM cases c WHERE c.id = n.case_id) - interval '1 day' LIMIT 1;$new$);
