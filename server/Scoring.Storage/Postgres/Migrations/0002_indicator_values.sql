-- Migration 2 (PostgreSQL): nothing to create. SQLite's per-value tables of this step (indicator_values,
-- current_values and the trigger between them) were replaced by the packed rows of migrations 6, 8, 10 and 11
-- before PostgreSQL was supported, so a PostgreSQL database starts from the packed layout.
SELECT 1;
