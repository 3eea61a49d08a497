-- Migration 5: each evaluation keeps the parcel's level, area, unit and street as evaluated, so roll-ups by
-- the paper's three levels, by management unit and by street need nothing but the evaluation log (a parcel
-- evaluated inline need not be in the cache). NULL for evaluations written before this migration.

ALTER TABLE evaluations ADD COLUMN level INTEGER;
ALTER TABLE evaluations ADD COLUMN area_mu REAL;
ALTER TABLE evaluations ADD COLUMN unit_id TEXT;
ALTER TABLE evaluations ADD COLUMN street TEXT;

-- The latest evaluation of each parcel under one model version.
CREATE INDEX evaluations_by_model ON evaluations (model_version, parcel_id, id);
