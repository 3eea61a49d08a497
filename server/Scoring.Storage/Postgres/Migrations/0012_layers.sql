-- Migration 12 (PostgreSQL): the planner's control lines as versioned layers. One layer per kind, versions 1, 2, 3…
-- assigned by the store; the newest version is in force. A version is never changed or deleted once written: the row
-- is the audit record of the upload (who, when, why), and the trigger refuses any change.

CREATE TABLE layers (
    layer_id      text COLLATE "C" NOT NULL,
    version       integer NOT NULL CHECK (version > 0),
    kind          integer NOT NULL CHECK (kind BETWEEN 1 AND 7),
    name          text NOT NULL,
    crs           integer NOT NULL,
    geojson       json NOT NULL,
    feature_count integer NOT NULL CHECK (feature_count >= 0),
    area_mu       double precision NOT NULL CHECK (area_mu >= 0),
    author        text NOT NULL,
    created_at    timestamptz NOT NULL,
    note          text NOT NULL,
    PRIMARY KEY (layer_id, version)
);

CREATE FUNCTION layers_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'layer versions are immutable and kept';
END;
$$;

CREATE TRIGGER layers_are_kept BEFORE UPDATE OR DELETE ON layers FOR EACH ROW EXECUTE FUNCTION layers_are_kept();
