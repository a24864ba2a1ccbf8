-- 008 figures: the rollups that `civicq stats`, the ranking and the dashboard read.
--
-- The event log is the source. Every statement that appends events marks its cases dirty
-- (figure_dirty); the worker's `figures.rollup` job takes dirty cases, derives each case's
-- facts from its events (CaseFacts in Swift), and adds the difference between the new and the
-- stored facts to figure_rollup: one row per unit (department and role, area, or category)
-- and day, with counters and two duration histograms. docs/figures.md says what each counter
-- counts and on which day.

INSERT INTO settings (key, value) VALUES
    ('figures.basic_weight', '1.0'),         -- how much "basically satisfied" counts as satisfied
    ('figures.weight_response', '30'),       -- composite score weights
    ('figures.weight_resolution', '35'),
    ('figures.weight_satisfaction', '35'),
    ('figures.lagging', '3'),                -- the bottom N of a level are named as lagging (通报)
    ('figures.leading', '3'),                -- the top N as leading
    ('figures.min_sample', '10'),            -- fewer cases than this in a rate: not ranked
    ('figures.rollup_seconds', '5');         -- how often the rollup job looks for new events

-- Cases whose events changed since the rollup last saw them. The trigger updates an existing
-- row rather than skipping it, so it holds the row's lock until its transaction commits: the
-- rollup job (SKIP LOCKED) cannot take the case and miss the event being committed.
CREATE TABLE figure_dirty (
    case_id bigint PRIMARY KEY,
    marks   integer NOT NULL DEFAULT 1
);

CREATE FUNCTION figure_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO figure_dirty (case_id)
    SELECT DISTINCT case_id FROM new_events ORDER BY case_id
    ON CONFLICT (case_id) DO UPDATE SET marks = figure_dirty.marks + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER case_events_dirty AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION figure_mark_dirty();

-- Each case's facts as last rolled up (CaseFacts, JSON): what to subtract when it changes.
CREATE TABLE case_figures (
    case_id    bigint PRIMARY KEY,
    facts      jsonb NOT NULL,
    rolled_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per unit and day. dim: department (role lead or assist), area or category (role
-- all). The day is the local day (reporting.time_zone) on which each counter counts.
CREATE TABLE figure_rollup (
    dim                 text NOT NULL CHECK (dim IN ('department', 'area', 'category')),
    day                 date NOT NULL,
    key                 text NOT NULL,
    role                text NOT NULL CHECK (role IN ('lead', 'assist', 'all')),
    intake              bigint NOT NULL DEFAULT 0,
    dispatched          bigint NOT NULL DEFAULT 0,
    returned            bigint NOT NULL DEFAULT 0,
    response_on_time    bigint NOT NULL DEFAULT 0,
    response_late       bigint NOT NULL DEFAULT 0,
    response_overdue    bigint NOT NULL DEFAULT 0,
    resolved_on_time    bigint NOT NULL DEFAULT 0,
    resolved_late       bigint NOT NULL DEFAULT 0,
    resolution_overdue  bigint NOT NULL DEFAULT 0,
    callbacks_answered  bigint NOT NULL DEFAULT 0,
    solved              bigint NOT NULL DEFAULT 0,
    satisfied           bigint NOT NULL DEFAULT 0,
    basic               bigint NOT NULL DEFAULT 0,
    dissatisfied        bigint NOT NULL DEFAULT 0,
    unanswered          bigint NOT NULL DEFAULT 0,
    reopened            bigint NOT NULL DEFAULT 0,
    -- Counts per duration bucket (FigureHistogram.bounds), time from intake.
    respond_hist        bigint[] NOT NULL DEFAULT '{}',
    resolve_hist        bigint[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (dim, day, key, role)
);

-- Adds deltas (a JSON array of rows shaped like figure_rollup) to the rollup. Histograms add
-- bucket by bucket with subscripts written out (24 buckets, FigureHistogram.bounds + 1):
-- no function call or unnest per row, which would cost more than the rest of the upsert.
DO $do$
DECLARE
    respond text;
    resolve text;
BEGIN
    SELECT string_agg(format('coalesce(r.respond_hist[%s], 0) + coalesce(excluded.respond_hist[%s], 0)', i, i), ', ' ORDER BY i),
           string_agg(format('coalesce(r.resolve_hist[%s], 0) + coalesce(excluded.resolve_hist[%s], 0)', i, i), ', ' ORDER BY i)
    INTO respond, resolve FROM generate_series(1, 24) AS i;
    EXECUTE format($f$
        CREATE FUNCTION figure_apply(p_deltas jsonb) RETURNS integer LANGUAGE plpgsql AS $body$
        DECLARE
            n integer;
        BEGIN
            INSERT INTO figure_rollup AS r
            SELECT * FROM jsonb_populate_recordset(NULL::figure_rollup, p_deltas) ORDER BY dim, day, key, role
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

-- Cases stored before this migration are rolled up by the first run.
INSERT INTO figure_dirty (case_id) SELECT id FROM cases ON CONFLICT DO NOTHING;

REVOKE EXECUTE ON FUNCTION figure_mark_dirty(), figure_apply(jsonb) FROM PUBLIC;

-- Figures are published: staff may read the rollups (not the per-case facts).
DO $$
BEGIN
    EXECUTE format('GRANT SELECT ON figure_rollup TO %I', current_schema() || '_staff');
END $$;
