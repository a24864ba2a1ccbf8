-- 003 casework: departments and their people, categories, clock policies, the working-day
-- calendar, routing rule sets, cases with their department tasks, and the append-only event log.
--
-- Who may see what is enforced here (row-level security, column grants), and what people
-- may change goes through the SECURITY DEFINER functions of migration 004. The worker and
-- the server connect as the role that ran the migrations (the owner), which RLS does not limit.

-- Settings the casework reads (all may be changed with UPDATE settings).
INSERT INTO settings (key, value) VALUES
    ('routing.max_returns', '2'),            -- returns before a case goes to the dispatch desk
    ('clocks.warning_fraction', '0.8'),      -- warn when this share of an allowance has passed
    ('callback.tries', '3'),                 -- calls to an unreachable citizen
    ('callback.window_hours', '48'),         -- then the case closes as unanswered
    ('callback.claim_minutes', '15');        -- how long an agent holds a callback from `callback next`

CREATE TABLE departments (
    code            text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    parent_code     text REFERENCES departments (code) DEFERRABLE INITIALLY DEFERRED,
    level           text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid')),
    -- Government units govern an area (administrative code prefix); functional departments need not.
    area_code       text CHECK (area_code ~ '^[0-9]{2,15}$'),
    -- Cases in this area that no rule matches come here (兜底).
    backstop_area   text UNIQUE CHECK (backstop_area ~ '^[0-9]{2,15}$'),
    dispatch_desk   boolean NOT NULL DEFAULT false,
    webhook_url     text CHECK (webhook_url ~ '^https?://'),
    webhook_secret  text,
    active          boolean NOT NULL DEFAULT true,
    CHECK (webhook_url IS NULL OR webhook_secret IS NOT NULL)
);
CREATE UNIQUE INDEX departments_one_desk ON departments ((true)) WHERE dispatch_desk;

-- People: each a PostgreSQL login bound to one department with one role.
CREATE TABLE handlers (
    login           text PRIMARY KEY,
    department_code text NOT NULL REFERENCES departments (code),
    role            text NOT NULL CHECK (role IN ('handler', 'supervisor', 'dispatcher', 'callback', 'admin')),
    display_name    text,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clock_policies (
    name              text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
    response_amount   integer NOT NULL CHECK (response_amount > 0),
    response_unit     text NOT NULL CHECK (response_unit IN ('hours', 'days', 'working_days')),
    resolution_amount integer NOT NULL CHECK (resolution_amount > 0),
    resolution_unit   text NOT NULL CHECK (resolution_unit IN ('hours', 'days', 'working_days'))
);
INSERT INTO clock_policies VALUES
    ('urgent', 2, 'hours', 24, 'hours'),
    ('utilities', 24, 'hours', 3, 'working_days'),
    ('ordinary', 1, 'working_days', 7, 'days'),
    ('complex', 1, 'working_days', 15, 'days');

-- GB/T 39666 style codes: class (2 digits) / middle (4) / minor (6).
CREATE TABLE categories (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    parent_code text REFERENCES categories (code) DEFERRABLE INITIALLY DEFERRED,
    policy      text NOT NULL DEFAULT 'ordinary' REFERENCES clock_policies (name)
);

-- Exceptions to "Monday to Friday are working days": holidays and make-up working days (调休).
CREATE TABLE calendar_days (
    day   date PRIMARY KEY,
    kind  text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  text
);

-- Every import of routing rules is a new version; cases record the version that routed them.
CREATE TABLE route_sets (
    version     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imported_at timestamptz NOT NULL DEFAULT now(),
    imported_by text NOT NULL DEFAULT session_user,
    source      text,
    rule_count  integer NOT NULL,
    rules       jsonb NOT NULL
);

CREATE TYPE case_state AS ENUM (
    'received', 'dispatched', 'accepted', 'resolved', 'closed',
    'returned', 'reopened', 'manual_dispatch', 'merged', 'withdrawn', 'rejected');

CREATE TABLE cases (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source             text NOT NULL CHECK (source ~ '^[A-Za-z0-9_.-]{1,64}$'),
    external_id        text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 128),
    channel            text NOT NULL DEFAULT 'phone'
                       CHECK (channel IN ('phone', 'web', 'app', 'wechat', 'sms', 'email', 'letter', 'open311', 'other')),
    category_code      text NOT NULL REFERENCES categories (code),
    area_code          text NOT NULL CHECK (area_code ~ '^[0-9]{2,15}$'),
    latitude           double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude          double precision CHECK (longitude BETWEEN -180 AND 180),
    address            text CHECK (length(address) <= 500),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 10000),
    citizen_name       text CHECK (length(citizen_name) <= 100),
    citizen_phone      text CHECK (citizen_phone ~ '^[0-9+() -]{3,32}$'),
    priority           text NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    policy             text REFERENCES clock_policies (name),
    state              case_state NOT NULL DEFAULT 'received',
    -- Bumped by every state change: the routing job's compare-and-set.
    version            integer NOT NULL DEFAULT 0,
    lead_department    text REFERENCES departments (code),
    received_at        timestamptz NOT NULL DEFAULT now(),
    dispatched_at      timestamptz,
    accepted_at        timestamptz,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    response_due       timestamptz,
    resolution_due     timestamptz,
    response_overdue   boolean NOT NULL DEFAULT false,
    resolution_overdue boolean NOT NULL DEFAULT false,
    rule_id            text,
    rule_version       integer REFERENCES route_sets (version),
    return_count       integer NOT NULL DEFAULT 0,
    reopen_count       integer NOT NULL DEFAULT 0,
    merged_into        bigint REFERENCES cases (id),
    close_reason       text CHECK (close_reason IN ('satisfied', 'unanswered', 'office_ruling', 'merged')),
    reply              text CHECK (length(reply) <= 10000),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX cases_state_idx ON cases (state) WHERE state NOT IN ('closed', 'merged', 'withdrawn', 'rejected');
CREATE INDEX cases_received_idx ON cases (received_at);

-- 主办/协办: the departments working a case, each with its own task state.
-- A task is active while pending or accepted; done and returned tasks stay for the record.
CREATE TABLE case_tasks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    department_code text NOT NULL REFERENCES departments (code),
    role            text NOT NULL CHECK (role IN ('lead', 'assist')),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'done', 'returned', 'withdrawn')),
    -- Assigned by the dispatch desk: cannot be returned.
    final           boolean NOT NULL DEFAULT false,
    assigned_at     timestamptz NOT NULL DEFAULT now(),
    accepted_at     timestamptz,
    finished_at     timestamptz,
    reply           text CHECK (length(reply) <= 10000)
);
CREATE UNIQUE INDEX case_tasks_active_idx ON case_tasks (case_id, department_code) WHERE state IN ('pending', 'accepted');
CREATE INDEX case_tasks_case_idx ON case_tasks (case_id);
-- A department's inbox.
CREATE INDEX case_tasks_inbox_idx ON case_tasks (department_code, case_id) WHERE state IN ('pending', 'accepted', 'done');

-- The record: every transition, note, clock event and ruling. Append-only.
CREATE TABLE case_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor           text NOT NULL,
    kind            text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
    from_state      case_state,
    to_state        case_state,
    department_code text,
    reason          text CHECK (length(reason) <= 2000),
    -- Shown to the citizen (public notes, the reply, state changes).
    public          boolean NOT NULL DEFAULT false,
    details         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);
CREATE INDEX case_events_kind_idx ON case_events (kind, at) WHERE kind IN ('escalated', 'returned', 'reopened');

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case events are append-only: % refused', TG_OP USING ERRCODE = 'CQ409';
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- 延期: a lead department asks for more time before the resolution deadline; the office rules.
CREATE TABLE extensions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         bigint NOT NULL REFERENCES cases (id),
    department_code text NOT NULL REFERENCES departments (code),
    requested_by    text NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    previous_due    timestamptz NOT NULL,
    until           timestamptz NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text CHECK (length(decision_reason) <= 2000)
);
CREATE UNIQUE INDEX extensions_one_pending_idx ON extensions (case_id) WHERE state = 'pending';

-- 回访: the survey after resolution. One open callback per case at a time.
CREATE TABLE callbacks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'answered', 'unanswered', 'cancelled')),
    tries         integer NOT NULL DEFAULT 0,
    next_try_at   timestamptz NOT NULL DEFAULT now(),
    window_ends   timestamptz NOT NULL,
    claimed_by    text,
    claimed_until timestamptz,
    solved        boolean,
    rating        text CHECK (rating IN ('satisfied', 'basic', 'dissatisfied')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE UNIQUE INDEX callbacks_open_idx ON callbacks (case_id) WHERE state = 'pending';
CREATE INDEX callbacks_due_idx ON callbacks (next_try_at) WHERE state = 'pending';

-- Which action moves a case from which state to which, and who may take it. The same table
-- is CaseStateMachine in Swift; a test checks that the two agree row for row.
CREATE TABLE case_transitions (
    action     text NOT NULL,
    from_state case_state NOT NULL,
    to_state   case_state NOT NULL,
    roles      text[] NOT NULL,
    PRIMARY KEY (action, from_state)
);
INSERT INTO case_transitions (action, from_state, to_state, roles)
SELECT t.action, f.state::case_state, t.to_state::case_state, t.roles
FROM (VALUES
    ('route', ARRAY['received', 'returned'], 'dispatched', ARRAY['system']),
    ('route_manual', ARRAY['received', 'returned'], 'manual_dispatch', ARRAY['system']),
    ('assign', ARRAY['received', 'manual_dispatch', 'returned', 'dispatched'], 'dispatched', ARRAY['dispatcher', 'admin']),
    ('accept', ARRAY['dispatched', 'reopened'], 'accepted', ARRAY['handler', 'supervisor', 'admin']),
    ('resolve', ARRAY['accepted'], 'resolved', ARRAY['handler', 'supervisor', 'admin']),
    ('return', ARRAY['dispatched', 'accepted', 'reopened'], 'returned', ARRAY['handler', 'supervisor', 'admin']),
    ('close', ARRAY['resolved'], 'closed', ARRAY['callback', 'dispatcher', 'admin', 'system']),
    ('reopen', ARRAY['resolved'], 'reopened', ARRAY['callback', 'dispatcher', 'admin', 'system']),
    ('merge', ARRAY['received', 'manual_dispatch', 'dispatched', 'accepted', 'returned', 'reopened'], 'merged', ARRAY['dispatcher', 'admin']),
    ('withdraw', ARRAY['received', 'manual_dispatch', 'dispatched', 'accepted', 'returned', 'reopened'], 'withdrawn', ARRAY['dispatcher', 'admin', 'system']),
    ('reject', ARRAY['received', 'manual_dispatch', 'returned'], 'rejected', ARRAY['dispatcher', 'admin'])
) AS t(action, froms, to_state, roles), unnest(t.froms) AS f(state);
