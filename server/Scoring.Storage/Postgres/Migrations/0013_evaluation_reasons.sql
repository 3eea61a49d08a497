-- Migration 13 (PostgreSQL): what a list of the district's evaluations (名单) shows beside the verdict: the clearance
-- tier, the reasons (failed veto checks, the indicators that cost most) and the redevelopment modes suggested, as
-- evaluated. The lists are of the codes as JSON arrays; NULL when not recorded.
ALTER TABLE evaluations ADD COLUMN clearance_zone integer;
ALTER TABLE evaluations ADD COLUMN failed_vetoes text;
ALTER TABLE evaluations ADD COLUMN top_shortfalls text;
ALTER TABLE evaluations ADD COLUMN redevelopment_modes text;

-- The district's lists in score order (lowest first).
CREATE INDEX evaluations_by_score ON evaluations (score, parcel_id, id);
