-- Migration 14 (PostgreSQL): reserved for a change made on another branch at the same time; this file stands in for it until the
-- branches are merged (the merge keeps that branch's migration 14 and drops this file).
SELECT 1;
