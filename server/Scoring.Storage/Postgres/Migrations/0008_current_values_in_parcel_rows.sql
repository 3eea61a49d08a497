-- Migration 8 (PostgreSQL): nothing to change. In SQLite this step packs the per-value current_values table into
-- parcels.current_values and drops it; a PostgreSQL database never had that table (see migration 2).
SELECT 1;
