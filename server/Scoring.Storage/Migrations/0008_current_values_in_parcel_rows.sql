-- Migration 8: a parcel's current values live only in its packed row (parcels.current_values). A feed chunk merges
-- its values into the rows of the parcels it touches and writes each row once, so no trigger keeps a row per current
-- value any more. Before this script runs, the migration packs every parcel row still NULL from current_values (in
-- code: the packed layout is binary), in the same transaction; parcels without any value get an empty set.
DROP TRIGGER indicator_values_keep_current;
DROP TABLE current_values;
