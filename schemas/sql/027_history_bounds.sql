-- 027 history bounds: the figures rollup's read by case prunes the months (migration 026)
-- that cannot hold the cases' events.
--
-- A case's events are partitioned by their own time, so a read by case id alone visits every
-- month's index: measured at 10 million cases over 40 months, the rollup's read of 2,000
-- recent cases took 4.1 s instead of 0.16 s (most of it JIT: see CaseworkStore+Figures). Every event
-- civicq writes is dated when it is written, after its case was stored; so no event is dated
-- before its case was received, less a day (intake accepts received_at up to five minutes
-- ahead; the day is the margin). This migration makes that a rule the database keeps (a
-- statement trigger refuses an event dated earlier), and the rollup reads each case's events
-- from that floor on, which lets PostgreSQL skip the earlier months per case at run time.
-- Cases whose stored events break the rule (written by hand, or with a received_at set far
-- ahead through SQL) are listed in history_unbounded: their floor is -infinity.
SET LOCAL work_mem = '1GB';

CREATE TABLE history_unbounded (case_id bigint PRIMARY KEY);
INSERT INTO history_unbounded
SELECT DISTINCT e.case_id FROM case_events e JOIN cases c ON c.id = e.case_id
WHERE e.at < c.received_at - interval '1 day';

CREATE FUNCTION case_events_after_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    early bigint;
BEGIN
    SELECT n.case_id INTO early FROM new_events n JOIN cases c ON c.id = n.case_id
    WHERE n.at < c.received_at - interval '1 day' LIMIT 1;
    IF early IS NOT NULL THEN
        PERFORM cq_fail('CQ422', format('an event of case %s is dated more than a day before the case was received', early));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_events_after_case AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION case_events_after_case();
CREATE TRIGGER history_unbounded_no_update BEFORE UPDATE OR DELETE ON history_unbounded
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

REVOKE EXECUTE ON FUNCTION case_events_after_case() FROM PUBLIC;
DO $$
DECLARE
    service text := current_schema() || '_service';
    staff text := current_schema() || '_staff';
BEGIN
    EXECUTE format('GRANT SELECT ON history_unbounded TO %I, %I', service, staff);
END $$;
