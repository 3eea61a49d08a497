-- Migration 15 (PostgreSQL): version labels ("official", "candidate", "2024-round"): names an operator points at a model
-- version, moves to another or removes. A label is never a version number (the rule is kept in code: ModelLabels).
-- Setting, moving and removing a label are audited, so the audit log learns two actions.

CREATE TABLE model_labels (
    label   text PRIMARY KEY,
    version integer NOT NULL REFERENCES models (version),
    set_at  timestamptz NOT NULL,
    set_by  text NOT NULL
);

-- The labels of a version, for GetModel and ListModels.
CREATE INDEX model_labels_by_version ON model_labels (version, label);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('create_model', 'update_weights', 'activate_model', 'set_model_label', 'remove_model_label'));
