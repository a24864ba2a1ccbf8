-- 015 definer search path: every SECURITY DEFINER function gets search_path = <schema>, pg_temp:
-- civicq's schema, then the caller's temporary schema, never the other way round.
--
-- Migrations 004-014 created their definer functions with `SET search_path FROM CURRENT`
-- while the migrator set the path to the schema alone. PostgreSQL then searches the
-- session's temporary schema *first* for tables and types: a handler who created a temporary
-- table named `handlers` (or `case_events`, with a trigger) had the owner's functions read
-- and write it. The migrator now sets `<schema>, pg_temp` while migrating, refuses a
-- migration that leaves a definer function without it, and this migration fixes the
-- functions made before.

-- The hotline office's administrators: superusers and the members of the schema's owner
-- role (the administrators who run `civicq migrate`; the owner itself cannot log in).
-- Written with the path spelled out: format() puts the schema's name in.
DO $do$
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION current_actor() RETURNS civic_actor
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
DECLARE
    who text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
    a civic_actor := ROW(who, NULL, NULL);
BEGIN
    SELECT h.department_code, h.role INTO a.department_code, a.role FROM handlers h WHERE h.login = who AND h.active;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = who AND r.rolsuper)
           OR EXISTS (SELECT 1 FROM pg_namespace n
                      WHERE n.nspname = current_schema() AND pg_has_role(who, n.nspowner, 'MEMBER')) THEN
            a.role := 'admin';
        END IF;
    END IF;
    RETURN a;
END $body$
        $f$, current_schema());
END $do$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END $$;
