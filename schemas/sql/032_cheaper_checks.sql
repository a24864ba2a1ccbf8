-- 032 the checks every case write pays, without counted repetition (issue 19).
--
-- PostgreSQL evaluates every CHECK constraint of a row on each INSERT and on each UPDATE,
-- whatever columns the update changes: routing a case, accepting it, each reply re-checks its
-- source, area code and telephone number. Those three were regular expressions with a
-- counted repetition ({1,64}, {2,15}, {3,32}), which PostgreSQL's engine runs as an automaton
-- with a state per count: measured here over 100,000 cases, the three took 5.5 µs a row,
-- against 0.9 µs for the same class repeated without a count and the length compared apart
-- (3 % of the server's CPU a routed case, issue 19). Each class holds ASCII characters only,
-- so a value that matches has as many bytes as characters and octet_length is the count.
-- The rules are the same; the constraints keep their names.
ALTER TABLE cases
    DROP CONSTRAINT cases_source_check,
    ADD CONSTRAINT cases_source_check CHECK (source ~ '^[A-Za-z0-9_.-]+$' AND octet_length(source) <= 64),
    DROP CONSTRAINT cases_area_code_check,
    ADD CONSTRAINT cases_area_code_check CHECK (area_code ~ '^[0-9]+$' AND octet_length(area_code) BETWEEN 2 AND 15),
    DROP CONSTRAINT cases_citizen_phone_check,
    ADD CONSTRAINT cases_citizen_phone_check
        CHECK (citizen_phone ~ '^[0-9+() -]+$' AND octet_length(citizen_phone) BETWEEN 3 AND 32);

-- Every event written, likewise (the partitions take the parent's constraint).
ALTER TABLE case_events
    DROP CONSTRAINT case_events_kind_check,
    ADD CONSTRAINT case_events_kind_check CHECK (kind ~ '^[a-z_]+$' AND octet_length(kind) <= 32);
