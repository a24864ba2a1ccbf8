// The HTTP layer: intake API, Open311 GeoReport v2, metrics and dashboard (issue: "Intake").
// Depends on Casework.
