-- Migration 6 (PostgreSQL): each parcel's current values packed in one column beside its attributes (the layout of
-- PackedValues, the same bytes as in SQLite), so loading a parcel is one keyed read; and each attribute's as_of
-- (JSON: attribute → 'YYYY-MM-DD'), so a feed replayed late never overwrites a newer attribute.
ALTER TABLE parcels ADD COLUMN current_values bytea;
ALTER TABLE parcels ADD COLUMN attributes_as_of json;
