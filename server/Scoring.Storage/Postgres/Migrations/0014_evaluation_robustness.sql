-- Migration 14 (PostgreSQL): whether an evaluation's verdict is contested, for the roll-ups' contested counts. Kept
-- when the evaluation was made with robustness (the robustness view): contested is true when the verdict is not stable
-- under the version's weight draws; p_below_threshold is the share of draws scoring below the threshold. Both NULL
-- when robustness was not computed.
ALTER TABLE evaluations ADD COLUMN contested boolean;
ALTER TABLE evaluations ADD COLUMN p_below_threshold double precision;
