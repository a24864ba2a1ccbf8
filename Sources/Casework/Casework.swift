// The domain: cases, routing, clocks, callbacks and figures (issue: "Casework").
// Depends on JobQueue and Postgres; its rules are pure Swift.
