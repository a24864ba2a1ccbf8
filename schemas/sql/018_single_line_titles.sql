-- 018 single-line titles: a title, an address and a citizen's name hold no control character
-- (tab, CR and LF included), whatever path stores them (the API, Open311, bulk files and SQL
-- intake all end in intake_insert). A description may keep tabs and line breaks. NOT VALID:
-- rows stored before are not rescanned; every new or changed row is checked.
ALTER TABLE cases ADD CONSTRAINT cases_single_line
    CHECK (title !~ '[\u0001-\u001f\u007f-\u009f]'
           AND coalesce(address, '') !~ '[\u0001-\u001f\u007f-\u009f]'
           AND coalesce(citizen_name, '') !~ '[\u0001-\u001f\u007f-\u009f]') NOT VALID;
