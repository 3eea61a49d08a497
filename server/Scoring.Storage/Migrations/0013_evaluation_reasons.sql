-- Migration 13: what a list of the district's evaluations (名单) shows beside the verdict: the clearance tier, the
-- reasons (failed veto checks, the indicators that cost most) and the redevelopment modes suggested, as evaluated.
-- The lists are of the codes as JSON arrays; NULL for evaluations kept before this migration.
ALTER TABLE evaluations ADD COLUMN clearance_zone INTEGER;
ALTER TABLE evaluations ADD COLUMN failed_vetoes TEXT;
ALTER TABLE evaluations ADD COLUMN top_shortfalls TEXT;
ALTER TABLE evaluations ADD COLUMN redevelopment_modes TEXT;

-- The district's lists in score order (lowest first).
CREATE INDEX evaluations_by_score ON evaluations (score, parcel_id, id);
