-- Migration 11 (PostgreSQL): nothing to drop. In SQLite this step moves the per-value log into value_writes; a
-- PostgreSQL database never had it (see migration 2).
SELECT 1;
