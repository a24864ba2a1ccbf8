-- 010 figures: figure_apply takes sparse deltas. The rollup sends, per unit and day, only the
-- counters that changed and only the histograms that did; the base row given to
-- jsonb_populate_recordset supplies zeros (and empty histograms) for the rest. Same
-- arithmetic as 008's, a third of the JSON to send and parse.
DO $do$
DECLARE
    respond text;
    resolve text;
BEGIN
    SELECT string_agg(format('coalesce(r.respond_hist[%s], 0) + coalesce(excluded.respond_hist[%s], 0)', i, i), ', ' ORDER BY i),
           string_agg(format('coalesce(r.resolve_hist[%s], 0) + coalesce(excluded.resolve_hist[%s], 0)', i, i), ', ' ORDER BY i)
    INTO respond, resolve FROM generate_series(1, 24) AS i;
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION figure_apply(p_deltas jsonb) RETURNS integer LANGUAGE plpgsql AS $body$
        DECLARE
            n integer;
        BEGIN
            INSERT INTO figure_rollup AS r
            SELECT * FROM jsonb_populate_recordset(
                ('category', '2000-01-01', '', 'all', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{}', '{}')::figure_rollup, p_deltas)
            ORDER BY dim, day, key, role
            ON CONFLICT (dim, day, key, role) DO UPDATE SET
                intake = r.intake + excluded.intake, dispatched = r.dispatched + excluded.dispatched,
                returned = r.returned + excluded.returned,
                response_on_time = r.response_on_time + excluded.response_on_time,
                response_late = r.response_late + excluded.response_late,
                response_overdue = r.response_overdue + excluded.response_overdue,
                resolved_on_time = r.resolved_on_time + excluded.resolved_on_time,
                resolved_late = r.resolved_late + excluded.resolved_late,
                resolution_overdue = r.resolution_overdue + excluded.resolution_overdue,
                callbacks_answered = r.callbacks_answered + excluded.callbacks_answered,
                solved = r.solved + excluded.solved, satisfied = r.satisfied + excluded.satisfied,
                basic = r.basic + excluded.basic, dissatisfied = r.dissatisfied + excluded.dissatisfied,
                unanswered = r.unanswered + excluded.unanswered, reopened = r.reopened + excluded.reopened,
                respond_hist = ARRAY[%s], resolve_hist = ARRAY[%s];
            GET DIAGNOSTICS n = ROW_COUNT;
            RETURN n;
        END $body$
    $f$, respond, resolve);
END $do$;
