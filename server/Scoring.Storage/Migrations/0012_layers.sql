-- Migration 12: the planner's control lines as versioned layers (red line, development boundary, clearance zones,
-- redevelopment projects, main urban area). One layer per kind, versions 1, 2, 3… assigned by the store; the newest
-- version is in force. A version is never changed or deleted once written: the row is the audit record of the upload
-- (who, when, why), and the triggers refuse any change.

CREATE TABLE layers (
    layer_id      TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version > 0),
    kind          INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 7),
    name          TEXT    NOT NULL,
    crs           INTEGER NOT NULL,
    geojson       TEXT    NOT NULL CHECK (json_valid(geojson)),
    feature_count INTEGER NOT NULL CHECK (feature_count >= 0),
    area_mu       REAL    NOT NULL CHECK (area_mu >= 0),
    author        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    PRIMARY KEY (layer_id, version)
) WITHOUT ROWID;

CREATE TRIGGER layers_are_immutable BEFORE UPDATE ON layers
BEGIN
    SELECT RAISE(ABORT, 'layer versions are immutable');
END;

CREATE TRIGGER layers_are_kept BEFORE DELETE ON layers
BEGIN
    SELECT RAISE(ABORT, 'layer versions are kept');
END;
