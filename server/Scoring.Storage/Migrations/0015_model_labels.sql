-- Migration 15: version labels ("official", "candidate", "2024-round"): names an operator points at a model version,
-- moves to another or removes. A label is never a version number (the rule is kept in code: ModelLabels). Setting,
-- moving and removing a label are audited, so the audit log learns two actions; SQLite cannot change a CHECK in place,
-- so the log is copied into a table with the wider check, ids and all (AUTOINCREMENT follows the copied ids).

CREATE TABLE model_labels (
    label   TEXT    NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL REFERENCES models (version),
    set_at  TEXT    NOT NULL,
    set_by  TEXT    NOT NULL
);

-- The labels of a version, for GetModel and ListModels.
CREATE INDEX model_labels_by_version ON model_labels (version, label);

CREATE TABLE audit_log_labeled (
    id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at               TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    action           TEXT    NOT NULL CHECK (action IN ('create_model', 'update_weights', 'activate_model', 'set_model_label',
                                                        'remove_model_label')),
    version          INTEGER NOT NULL REFERENCES models (version),
    previous_version INTEGER REFERENCES models (version),
    note             TEXT    NOT NULL,
    details_json     TEXT    CHECK (details_json IS NULL OR json_valid(details_json))
);
INSERT INTO audit_log_labeled (id, at, actor, action, version, previous_version, note, details_json)
SELECT id, at, actor, action, version, previous_version, note, details_json FROM audit_log ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_labeled RENAME TO audit_log;
