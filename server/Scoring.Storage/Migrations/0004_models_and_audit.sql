-- Migration 4: model versions, the active version, and the audit log of weight and activation changes.
-- Versions are 1, 2, 3… assigned by the store; a version is never changed or deleted once written.
-- The JSON columns are stored as received (the engine validates them); json_valid only keeps out text that
-- could never be read back as JSON.

CREATE TABLE models (
    version          INTEGER NOT NULL PRIMARY KEY,
    parent_version   INTEGER REFERENCES models (version),
    author           TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    note             TEXT    NOT NULL,
    document_json    TEXT    NOT NULL CHECK (json_valid(document_json)),
    judgments_json   TEXT    CHECK (judgments_json IS NULL OR json_valid(judgments_json)),
    consistency_json TEXT    CHECK (consistency_json IS NULL OR json_valid(consistency_json)),
    CHECK (version > 0),
    CHECK (parent_version < version)
);

-- At most one row: the version evaluations use when they name none. Switching it is one UPDATE, so it is atomic.
CREATE TABLE active_model (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL REFERENCES models (version)
);

-- Append-only. Listed newest first by id: AUTOINCREMENT ids are never reused and follow commit order (writes are
-- serialised), so the rowid itself is the index for that listing, and clocks of different replicas cannot
-- reorder it.
CREATE TABLE audit_log (
    id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at               TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    action           TEXT    NOT NULL CHECK (action IN ('create_model', 'update_weights', 'activate_model')),
    version          INTEGER NOT NULL REFERENCES models (version),
    previous_version INTEGER REFERENCES models (version),
    note             TEXT    NOT NULL,
    details_json     TEXT    CHECK (details_json IS NULL OR json_valid(details_json))
);
