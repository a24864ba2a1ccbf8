-- 005 casework actions: what people do to cases. Each function is SECURITY DEFINER, checks
-- the caller's role and department and the state machine (case_transitions), changes the
-- case and appends its events in one transaction, or changes nothing and fails with a CQ error.

-- The caller's active task on a case: their department's (an admin acts for the lead).
CREATE FUNCTION actor_task(p_case bigint, p_department text, p_role text) RETURNS case_tasks LANGUAGE plpgsql AS $$
DECLARE
    t case_tasks;
BEGIN
    SELECT * INTO t FROM case_tasks
    WHERE case_id = p_case AND state IN ('pending', 'accepted')
      AND (department_code = p_department OR (p_role = 'admin' AND role = 'lead'))
    ORDER BY department_code = p_department DESC, role = 'lead' DESC
    LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    RETURN t;
END $$;

-- 签收: the department accepts its task; the lead's acceptance meets the response clock.
CREATE FUNCTION case_accept(p_case bigint) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'admin'], 'accept cases');
    c cases := lock_case(p_case);
    t case_tasks := actor_task(p_case, a.department_code, a.role);
    new_state case_state := c.state;
BEGIN
    IF t.state = 'accepted' THEN
        PERFORM cq_fail('CQ409', format('case %s is already accepted by your department', p_case));
    END IF;
    IF t.role = 'lead' THEN
        new_state := check_transition(c, 'accept', a.role);
        UPDATE cases SET state = new_state, accepted_at = coalesce(accepted_at, now()), version = version + 1, updated_at = now()
        WHERE id = p_case;
    END IF;
    UPDATE case_tasks SET state = 'accepted', accepted_at = now() WHERE id = t.id;
    PERFORM append_event(p_case, a.login, 'accepted', c.state, new_state, t.department_code, NULL, t.role = 'lead',
        jsonb_build_object('task', t.role, 'on_time', c.response_due IS NULL OR now() <= c.response_due));
    RETURN new_state;
END $$;

-- A note on the case: internal (departments and office) or public (the citizen sees it).
CREATE FUNCTION case_note(p_case bigint, p_text text, p_public boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'dispatcher', 'callback', 'admin'], 'write notes');
    c cases := lock_case(p_case);
BEGIN
    IF length(coalesce(p_text, '')) NOT BETWEEN 1 AND 2000 THEN
        PERFORM cq_fail('CQ400', 'a note must be 1 to 2000 characters');
    END IF;
    IF a.role IN ('handler', 'supervisor')
       AND NOT EXISTS (SELECT 1 FROM case_tasks WHERE case_id = p_case AND department_code = a.department_code
                       AND state IN ('pending', 'accepted', 'done')) THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    PERFORM append_event(p_case, a.login, 'note', c.state, c.state, a.department_code, p_text, p_public);
    RETURN currval(pg_get_serial_sequence('case_events', 'id'));
END $$;

-- 办结: the lead resolves the case with its reply to the citizen, which opens the callback;
-- an assisting department finishes its own part.
CREATE FUNCTION case_resolve(p_case bigint, p_reply text) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'admin'], 'resolve cases');
    c cases := lock_case(p_case);
    t case_tasks := actor_task(p_case, a.department_code, a.role);
    new_state case_state := c.state;
    v_window_ends timestamptz;
BEGIN
    IF length(coalesce(p_reply, '')) NOT BETWEEN 1 AND 10000 THEN
        PERFORM cq_fail('CQ400', 'the reply must be 1 to 10000 characters');
    END IF;
    IF t.state <> 'accepted' THEN
        PERFORM cq_fail('CQ409', format('case %s is not accepted by your department yet: accept it first', p_case));
    END IF;
    UPDATE case_tasks SET state = 'done', finished_at = now(), reply = p_reply WHERE id = t.id;
    IF t.role = 'assist' THEN
        PERFORM append_event(p_case, a.login, 'assist_done', c.state, c.state, t.department_code, p_reply, false);
        RETURN c.state;
    END IF;
    new_state := check_transition(c, 'resolve', a.role);
    UPDATE cases SET state = new_state, resolved_at = now(), reply = p_reply, version = version + 1, updated_at = now()
    WHERE id = p_case;
    PERFORM append_event(p_case, a.login, 'resolved', c.state, new_state, t.department_code, p_reply, true,
        jsonb_build_object('on_time', c.resolution_due IS NULL OR now() <= c.resolution_due));
    v_window_ends := now() + make_interval(hours => (SELECT value::text::integer FROM settings WHERE key = 'callback.window_hours'));
    INSERT INTO callbacks (case_id, window_ends) VALUES (p_case, v_window_ends);
    PERFORM enqueue_job('callback.expire', jsonb_build_object('case', p_case), v_window_ends,
                        format('callback-expire:%s:%s', p_case, c.reopen_count), 'clocks');
    RETURN new_state;
END $$;

-- 退单: "not ours". The lead's return sends the case back to routing without this
-- department; the time it held the case is recorded against it. Final assignments by the
-- dispatch desk cannot be returned.
CREATE FUNCTION case_return(p_case bigint, p_reason_code text, p_text text) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'admin'], 'return cases');
    c cases := lock_case(p_case);
    t case_tasks := actor_task(p_case, a.department_code, a.role);
    new_state case_state := c.state;
    held double precision := extract(epoch FROM now() - t.assigned_at);
BEGIN
    IF p_reason_code IS NULL OR p_reason_code NOT IN ('not_our_duty', 'wrong_area', 'insufficient_information', 'duplicate', 'other') THEN
        PERFORM cq_fail('CQ400', 'the reason must be one of not_our_duty, wrong_area, insufficient_information, duplicate, other');
    END IF;
    IF length(coalesce(p_text, '')) NOT BETWEEN 1 AND 2000 THEN
        PERFORM cq_fail('CQ400', 'explain the return in 1 to 2000 characters');
    END IF;
    IF t.final THEN
        PERFORM cq_fail('CQ409', format('case %s was assigned by the dispatch desk; its ruling is final and cannot be returned', p_case));
    END IF;
    UPDATE case_tasks SET state = 'returned', finished_at = now(), reply = p_text WHERE id = t.id;
    IF t.role = 'assist' THEN
        PERFORM append_event(p_case, a.login, 'assist_returned', c.state, c.state, t.department_code, p_text, false,
            jsonb_build_object('reason_code', p_reason_code, 'held_seconds', round(held)));
        RETURN c.state;
    END IF;
    new_state := check_transition(c, 'return', a.role);
    UPDATE case_tasks SET state = 'withdrawn', finished_at = now() WHERE case_id = p_case AND state IN ('pending', 'accepted');
    UPDATE cases SET state = new_state, lead_department = NULL, return_count = return_count + 1, version = version + 1, updated_at = now()
    WHERE id = p_case;
    PERFORM append_event(p_case, a.login, 'returned', c.state, new_state, t.department_code, p_text, false,
        jsonb_build_object('reason_code', p_reason_code, 'held_seconds', round(held)));
    PERFORM enqueue_job('case.route', jsonb_build_object('case', p_case), now(), format('route:%s:%s', p_case, c.return_count + 1), 'routing');
    RETURN new_state;
END $$;

-- 延期: the lead asks, before the resolution deadline, to move it later.
CREATE FUNCTION case_request_extension(p_case bigint, p_until timestamptz, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'admin'], 'ask for extensions');
    c cases := lock_case(p_case);
    t case_tasks := actor_task(p_case, a.department_code, a.role);
    new_id bigint;
BEGIN
    IF t.role <> 'lead' THEN
        PERFORM cq_fail('CQ403', 'only the lead department may ask for an extension');
    END IF;
    IF c.state NOT IN ('dispatched', 'accepted', 'reopened') THEN
        PERFORM cq_fail('CQ409', format('case %s is %s; an extension needs it dispatched, accepted or reopened', p_case, c.state));
    END IF;
    IF c.resolution_due IS NULL OR now() >= c.resolution_due THEN
        PERFORM cq_fail('CQ409', format('case %s is past its resolution deadline: extensions must be asked for before it', p_case));
    END IF;
    IF p_until IS NULL OR p_until <= c.resolution_due THEN
        PERFORM cq_fail('CQ400', 'the new deadline must be later than the current one');
    END IF;
    IF length(coalesce(p_reason, '')) NOT BETWEEN 1 AND 2000 THEN
        PERFORM cq_fail('CQ400', 'give a reason of 1 to 2000 characters');
    END IF;
    IF EXISTS (SELECT 1 FROM extensions WHERE case_id = p_case AND state = 'pending') THEN
        PERFORM cq_fail('CQ409', format('case %s already has an extension request waiting for a ruling', p_case));
    END IF;
    INSERT INTO extensions (case_id, department_code, requested_by, previous_due, until, reason)
    VALUES (p_case, t.department_code, a.login, c.resolution_due, p_until, p_reason) RETURNING id INTO new_id;
    PERFORM append_event(p_case, a.login, 'extension_requested', c.state, c.state, t.department_code, p_reason, false,
        jsonb_build_object('extension', new_id, 'until', p_until, 'previous_due', c.resolution_due));
    RETURN new_id;
END $$;

-- The hotline office rules on an extension request; approval moves the resolution deadline.
CREATE FUNCTION extension_decide(p_extension bigint, p_approve boolean, p_reason text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'rule on extensions');
    e extensions;
    c cases;
BEGIN
    SELECT * INTO e FROM extensions WHERE id = p_extension FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cq_fail('CQ404', format('there is no extension request %s', p_extension));
    END IF;
    IF e.state <> 'pending' THEN
        PERFORM cq_fail('CQ409', format('extension request %s was already %s', p_extension, e.state));
    END IF;
    c := lock_case(e.case_id);
    UPDATE extensions SET state = CASE WHEN p_approve THEN 'approved' ELSE 'refused' END,
        decided_by = a.login, decided_at = now(), decision_reason = p_reason
    WHERE id = p_extension;
    IF p_approve THEN
        UPDATE cases SET resolution_due = e.until, resolution_overdue = e.until < now(), updated_at = now() WHERE id = c.id;
        IF c.state IN ('dispatched', 'accepted', 'reopened') THEN
            PERFORM schedule_clock(c.id, 'resolution', now(), e.until);
        END IF;
    END IF;
    PERFORM append_event(c.id, a.login, CASE WHEN p_approve THEN 'extension_approved' ELSE 'extension_refused' END,
        c.state, c.state, e.department_code, p_reason, p_approve,
        jsonb_build_object('extension', e.id, 'until', e.until, 'previous_due', c.resolution_due));
    RETURN CASE WHEN p_approve THEN 'approved' ELSE 'refused' END;
END $$;

-- The dispatch desk assigns a lead (and assisting departments). Its ruling is final.
CREATE FUNCTION case_assign(p_case bigint, p_lead text, p_assists text[] DEFAULT '{}', p_reason text DEFAULT NULL) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'assign cases');
    c cases := lock_case(p_case);
    new_state case_state := check_transition(c, 'assign', a.role);
    assists text[] := array(SELECT DISTINCT x FROM unnest(coalesce(p_assists, '{}')) AS x WHERE x <> p_lead);
    unknown text;
    d text;
BEGIN
    SELECT x INTO unknown FROM unnest(assists || p_lead) AS x
    WHERE NOT EXISTS (SELECT 1 FROM departments WHERE code = x AND active) LIMIT 1;
    IF unknown IS NOT NULL OR p_lead IS NULL THEN
        PERFORM cq_fail('CQ400', format('there is no active department %s', coalesce(unknown, '(none given)')));
    END IF;
    UPDATE case_tasks SET state = 'withdrawn', finished_at = now() WHERE case_id = p_case AND state IN ('pending', 'accepted');
    INSERT INTO case_tasks (case_id, department_code, role, final)
    SELECT p_case, p_lead, 'lead', true UNION ALL SELECT p_case, x, 'assist', true FROM unnest(assists) AS x;
    UPDATE cases SET state = new_state, lead_department = p_lead, dispatched_at = coalesce(dispatched_at, now()),
        version = version + 1, updated_at = now()
    WHERE id = p_case;
    PERFORM append_event(p_case, a.login, 'assigned', c.state, new_state, p_lead, p_reason, true,
        jsonb_build_object('lead', p_lead, 'assists', to_jsonb(assists), 'final', true));
    FOREACH d IN ARRAY assists || p_lead LOOP
        PERFORM notify_department(d, 'dispatched', p_case);
    END LOOP;
    RETURN new_state;
END $$;

-- 并单: a duplicate joins its main case; the main case's callback answers for both.
CREATE FUNCTION case_merge(p_duplicate bigint, p_main bigint) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], 'merge cases');
    main cases;
    dup cases;
    new_state case_state;
BEGIN
    IF p_duplicate = p_main THEN
        PERFORM cq_fail('CQ400', 'a case cannot be merged into itself');
    END IF;
    -- Lock in id order, so two merges of the same pair cannot deadlock.
    IF p_duplicate < p_main THEN dup := lock_case(p_duplicate); main := lock_case(p_main);
    ELSE main := lock_case(p_main); dup := lock_case(p_duplicate); END IF;
    IF main.state IN ('merged', 'withdrawn', 'rejected') THEN
        PERFORM cq_fail('CQ409', format('case %s is %s; merge into a live case', p_main, main.state));
    END IF;
    new_state := check_transition(dup, 'merge', a.role);
    UPDATE case_tasks SET state = 'withdrawn', finished_at = now() WHERE case_id = p_duplicate AND state IN ('pending', 'accepted');
    UPDATE callbacks SET state = 'cancelled', finished_at = now() WHERE case_id = p_duplicate AND state = 'pending';
    UPDATE cases SET state = new_state, merged_into = p_main, close_reason = 'merged', closed_at = now(), version = version + 1, updated_at = now()
    WHERE id = p_duplicate;
    PERFORM append_event(p_duplicate, a.login, 'merged', dup.state, new_state, NULL, NULL, true, jsonb_build_object('into', p_main));
    PERFORM append_event(p_main, a.login, 'merged_from', main.state, main.state, NULL, NULL, false, jsonb_build_object('duplicate', p_duplicate));
    RETURN new_state;
END $$;

-- Withdrawn (the citizen or intake system takes it back) or rejected (invalid, abusive).
CREATE FUNCTION case_end(p_case bigint, p_action text, p_reason text) RETURNS case_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['dispatcher', 'admin'], p_action || ' cases');
BEGIN
    RETURN end_case(lock_case(p_case), p_action, a.login, a.role, p_reason);
END $$;

-- Ends locked case `c` (withdraw or reject) for `p_actor` in `p_role`: for case_end (the
-- office) and intake_withdraw (the intake system). The caller has checked who may.
CREATE FUNCTION end_case(c cases, p_action text, p_actor text, p_role text, p_reason text) RETURNS case_state
LANGUAGE plpgsql AS $$
DECLARE
    new_state case_state;
BEGIN
    IF p_action NOT IN ('withdraw', 'reject') THEN
        PERFORM cq_fail('CQ400', 'the action must be withdraw or reject');
    END IF;
    IF length(coalesce(p_reason, '')) NOT BETWEEN 1 AND 2000 THEN
        PERFORM cq_fail('CQ400', 'give a reason of 1 to 2000 characters');
    END IF;
    new_state := check_transition(c, p_action, p_role);
    UPDATE case_tasks SET state = 'withdrawn', finished_at = now() WHERE case_id = c.id AND state IN ('pending', 'accepted');
    UPDATE cases SET state = new_state, closed_at = now(), version = version + 1, updated_at = now() WHERE id = c.id;
    PERFORM append_event(c.id, p_actor, CASE p_action WHEN 'withdraw' THEN 'withdrawn' ELSE 'rejected' END,
        c.state, new_state, NULL, p_reason, true);
    RETURN new_state;
END $$;

-- The citizen's name and phone, for roles that may contact them; every reveal is an event.
CREATE FUNCTION case_contact(p_case bigint, OUT citizen_name text, OUT citizen_phone text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    a civic_actor := require_actor(ARRAY['handler', 'supervisor', 'callback', 'admin'], 'see citizens'' contact details');
    c cases := lock_case(p_case);
BEGIN
    IF a.role IN ('handler', 'supervisor')
       AND NOT EXISTS (SELECT 1 FROM case_tasks WHERE case_id = p_case AND department_code = a.department_code
                       AND state IN ('pending', 'accepted', 'done')) THEN
        PERFORM cq_fail('CQ403', format('case %s is not with your department', p_case));
    END IF;
    citizen_name := c.citizen_name;
    citizen_phone := c.citizen_phone;
    PERFORM append_event(p_case, a.login, 'contact_revealed', c.state, c.state, a.department_code);
END $$;

