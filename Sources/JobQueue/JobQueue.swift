// The durable job queue on PostgreSQL (issue: "The job queue and the worker daemon").
// Depends on Postgres only; knows nothing of complaints.
