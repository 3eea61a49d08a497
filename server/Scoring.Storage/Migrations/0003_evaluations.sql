-- Migration 3: the evaluation log, for tracing a parcel's results over its life.
-- No foreign key to parcels: a parcel evaluated from inline values need not be in the cache.

CREATE TABLE evaluations (
    id             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    parcel_id      TEXT    NOT NULL,
    model_version  TEXT    NOT NULL,
    score          REAL    NOT NULL,
    classification INTEGER NOT NULL,
    disposition    INTEGER NOT NULL,
    completeness   REAL    NOT NULL,
    inputs_json    TEXT    NOT NULL,
    evaluated_at   TEXT    NOT NULL
);

-- A parcel's evaluations, newest first.
CREATE INDEX evaluations_by_parcel ON evaluations (parcel_id, evaluated_at, id);
