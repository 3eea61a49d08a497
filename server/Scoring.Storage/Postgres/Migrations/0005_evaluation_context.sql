-- Migration 5 (PostgreSQL): each evaluation keeps the parcel's level, area, unit and street as evaluated, so roll-ups
-- by the paper's three levels, by management unit and by street need nothing but the evaluation log.

ALTER TABLE evaluations ADD COLUMN level integer;
ALTER TABLE evaluations ADD COLUMN area_mu double precision;
ALTER TABLE evaluations ADD COLUMN unit_id text COLLATE "C";
ALTER TABLE evaluations ADD COLUMN street text COLLATE "C";

-- The latest evaluation of each parcel under one model version.
CREATE INDEX evaluations_by_model ON evaluations (model_version, parcel_id, id);
