-- Migration 11: the per-value log of older schemas is gone. Before this script runs, the migration copies its rows
-- into value_writes (in code: the packed layout is binary), in the same transaction and in receipt order, one row per
-- run of values a parcel received together (same source, date and receipt time).
DROP TABLE indicator_values;
