-- Migration 6: each parcel's current values packed in one column beside its attributes, so loading a parcel is
-- one keyed read instead of one row per value. Written by every feed chunk for the parcels it touches (from
-- current_values, which the trigger still keeps); NULL for a parcel no chunk has touched since this migration,
-- whose values are then read from current_values as before.
ALTER TABLE parcels ADD COLUMN current_values BLOB;

-- Each attribute's as_of (JSON: attribute → 'YYYY-MM-DD'), so that a feed replayed late never overwrites a newer
-- attribute; NULL (every attribute of a parcel written before this migration) lets the next feed set them.
ALTER TABLE parcels ADD COLUMN attributes_as_of TEXT;
