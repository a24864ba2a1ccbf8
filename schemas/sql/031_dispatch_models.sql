-- 031 dispatch models (智能派单, issue 20): the models learnt from where cases ended up, each a
-- stored, versioned object like a route set; the weekly check of the model in use; the
-- model's dispatches recorded as such; the return rate by dispatch source.

-- Every model learnt (`civicq route learn`, the worker's `dispatch.learn` job), with its
-- training window and its evaluation on the latest cases of that window. A model is adopted
-- only when it evaluates better than the model in use on the same held-out cases (`compared`
-- holds that model's figures on them) or when none is in use; the model in use is the newest
-- adopted one. A model not adopted keeps its record and drops its weights.
CREATE TABLE dispatch_models (
    version       integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trained_at    timestamptz NOT NULL DEFAULT now(),
    trained_by    text NOT NULL DEFAULT session_user,
    window_from   timestamptz NOT NULL,
    window_until  timestamptz NOT NULL,
    -- The received time of the newest case it learnt from: cases after it are new to it.
    trained_until timestamptz NOT NULL,
    evaluation    jsonb NOT NULL,
    compared      jsonb,
    adopted       boolean NOT NULL,
    units         text[] NOT NULL,
    bits          integer NOT NULL CHECK (bits BETWEEN 10 AND 24),
    -- Little-endian float32: each unit's log prior, then the log likelihoods bucket by bucket.
    weights       bytea,
    CHECK (window_from < window_until AND trained_until <= window_until),
    CHECK (NOT adopted OR weights IS NOT NULL),
    CHECK (weights IS NULL OR length(weights) = 4 * cardinality(units) * (1 + (1 << bits)))
);
-- Kept uncompressed out of line, so that a reader fetches the weights a slice at a time
-- (substring reads only the TOAST chunks it needs) instead of 50 MB of hex text at once.
ALTER TABLE dispatch_models ALTER COLUMN weights SET STORAGE EXTERNAL;
CREATE INDEX dispatch_models_adopted_idx ON dispatch_models (version) WHERE adopted;

-- The weekly check (drift): of the cases finished in the week before `at` that were received
-- after the model learnt, how many ended with the model's first choice.
CREATE TABLE dispatch_model_checks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_version integer NOT NULL REFERENCES dispatch_models (version),
    at            timestamptz NOT NULL DEFAULT now(),
    since         timestamptz NOT NULL,
    cases         integer NOT NULL CHECK (cases >= 0),
    agreed        integer NOT NULL CHECK (agreed BETWEEN 0 AND cases)
);

INSERT INTO settings (key, value) VALUES
    ('dispatch.learn_seconds', '604800'),   -- pause of the dispatch.learn job (a week); 0: never learn
    ('dispatch.learn_days', '365'),         -- the job learns from cases received in the last N days
    ('dispatch.auto_threshold', 'null');    -- a probability: a case no rule matched goes to the model's
                                            -- first choice at or above it; null: never (the default)

-- The check of an event's details (020's case_event_fits), generated from case_event_kinds() as
-- one CASE of constants; a migration that changes the contract calls it again.
CREATE FUNCTION case_event_contract_apply() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    arms text;
BEGIN
    SELECT string_agg(format('WHEN %L THEN p_details - %L::text[] = ''{}''::jsonb', k.key,
                             (SELECT coalesce(array_agg(v ORDER BY v), '{}') FROM jsonb_array_elements_text(k.value) AS v)),
                      ' ' ORDER BY k.key)
    INTO arms FROM jsonb_each(case_event_kinds()) AS k;
    EXECUTE format('CREATE OR REPLACE FUNCTION case_event_fits(p_kind text, p_details jsonb) RETURNS boolean '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                   format('SELECT CASE p_kind %s ELSE false END', arms));
END $$;
REVOKE EXECUTE ON FUNCTION case_event_contract_apply() FROM PUBLIC;

-- A dispatch event may name the model that made it (its details' `source`, `model` and
-- `probability`).
DO $$
BEGIN
    EXECUTE format('CREATE OR REPLACE FUNCTION case_event_kinds() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', jsonb_set(case_event_kinds(), '{dispatched}',
               case_event_kinds() -> 'dispatched' || '["source", "model", "probability"]'::jsonb)));
END $$;
SELECT case_event_contract_apply();

-- A model's dispatch: route_apply takes an optional `model` object per decision
-- ({"source": "model", "model": version, "probability": p}) into the event's details, so that
-- every dispatch says who made it: a rule (the router's events without it), the model, or a
-- person at the desk (`assigned`).
SELECT function_rewrite('route_apply(jsonb)',
    $old$response_due timestamptz, resolution_due timestamptz, explanation text)$old$,
    $new$response_due timestamptz, resolution_due timestamptz, explanation text, model jsonb)$new$);
SELECT function_rewrite('route_apply(jsonb)',
    $old$d.rule_id, d.rule_version, d.response_due, d.resolution_due, d.explanation,$old$,
    $new$d.rule_id, d.rule_version, d.response_due, d.resolution_due, d.explanation, d.model,$new$);
SELECT function_rewrite('route_apply(jsonb)',
    $old$'response_due', case_response_due, 'resolution_due', case_resolution_due)$old$,
    $new$'response_due', case_response_due, 'resolution_due', case_resolution_due)
                   || coalesce(model, '{}')$new$);

-- Dispatches to a lead unit made from the start of p_first to the end of p_last (days in the
-- reporting time zone) by source, and how many of them that unit returned (退单) afterwards:
-- `rule` (the router by a rule or a backstop), `model` (the router by the dispatch model),
-- `desk` (a person's assignment). For everyone who may read figures: counts only, city-wide.
CREATE OR REPLACE FUNCTION pg_temp.create_definer(p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE replace(p_definition, '@schema@', quote_ident(current_schema()));
END $$;

SELECT pg_temp.create_definer($definer$
CREATE FUNCTION dispatch_sources(p_first date, p_last date)
RETURNS TABLE (source text, dispatches bigint, returned bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = @schema@, pg_temp AS $$
    SELECT d.source, count(*), count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM case_events r
               WHERE r.case_id = d.case_id AND r.id > d.id AND r.at >= d.at
                 AND r.kind = 'returned' AND r.department_code = d.department_code))
    FROM (SELECT e.id, e.case_id, e.at, e.department_code,
                 CASE WHEN e.kind = 'assigned' THEN 'desk'
                      WHEN e.details ->> 'source' = 'model' THEN 'model' ELSE 'rule' END AS source
          FROM case_events e
          WHERE e.at >= local_day_end(p_first - 1) AND e.at < local_day_end(p_last) AND e.department_code IS NOT NULL
            AND (e.kind = 'assigned' OR (e.kind = 'dispatched' AND e.actor = 'router'))) d
    GROUP BY d.source ORDER BY d.source
$$;
$definer$);

REVOKE EXECUTE ON FUNCTION dispatch_sources(date, date) FROM PUBLIC;
DO $$
DECLARE
    service text := current_schema() || '_service';
    staff text := current_schema() || '_staff';
BEGIN
    EXECUTE format('GRANT SELECT ON dispatch_models, dispatch_model_checks TO %I', staff);
    EXECUTE format('GRANT SELECT, INSERT ON dispatch_models, dispatch_model_checks TO %I', service);
    EXECUTE format('GRANT USAGE ON SEQUENCE dispatch_models_version_seq, dispatch_model_checks_id_seq TO %I', service);
    EXECUTE format('GRANT EXECUTE ON FUNCTION dispatch_sources(date, date) TO %I, %I', service, staff);
    EXECUTE format('CREATE OR REPLACE FUNCTION casework_jobs() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::jsonb', casework_jobs() || '{"dispatch.learn": {"queue": "figures", "payload": [], "max_attempts": 20}}'));
END $$;
