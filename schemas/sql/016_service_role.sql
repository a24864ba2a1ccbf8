-- 016 service role: what `civicq serve`, `civicq worker` and `civicq import` may do, as a
-- group role `<schema>_service` that their login is a member of (`civicq users service`).
--
-- The schema and everything in it belong to `<schema>_owner`, a role that cannot log in
-- (the migrator makes it and runs every migration as it). The service holds grants only: it
-- reads and writes rows, and cannot ALTER, DISABLE TRIGGER, TRUNCATE or DROP anything. The
-- event log is insert-only for it: SELECT and INSERT, never UPDATE or DELETE. Row-level
-- security applies to it as to everyone but the owner; one policy per protected table lets
-- the service see and write every row (the people's policies are unchanged).

DO $$
DECLARE
    service text := current_schema() || '_service';
    tbl text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service) THEN
        RAISE EXCEPTION 'role % is missing: run civicq migrate, which makes it', service;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), service);
    FOR tbl IN SELECT c.relname FROM pg_class c
               WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') LOOP
        IF tbl IN ('case_events') THEN
            EXECUTE format('GRANT SELECT, INSERT ON %I TO %I', tbl, service);
        ELSIF tbl IN ('case_transitions', 'schema_migrations') THEN
            EXECUTE format('GRANT SELECT ON %I TO %I', tbl, service);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', tbl, service);
        END IF;
    END LOOP;
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), service);
    EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', current_schema(), service);
    FOREACH tbl IN ARRAY ARRAY['cases', 'case_tasks', 'case_events', 'extensions', 'callbacks'] LOOP
        EXECUTE format('CREATE POLICY service_all ON %I TO %I USING (true) WITH CHECK (true)', tbl, service);
    END LOOP;
END $$;
