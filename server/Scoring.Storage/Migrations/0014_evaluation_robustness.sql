-- Migration 14: whether an evaluation's verdict is contested, for the roll-ups' contested counts. Kept when the
-- evaluation was made with robustness (the robustness view): contested is 1 when the verdict is not stable under the
-- version's weight draws, 0 when it is; p_below_threshold is the share of draws scoring below the threshold.
-- Both NULL when robustness was not computed (and for evaluations kept before this migration).
ALTER TABLE evaluations ADD COLUMN contested INTEGER;
ALTER TABLE evaluations ADD COLUMN p_below_threshold REAL;
