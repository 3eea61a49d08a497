"""scoring_client against a real server: one parcel, a 20,000-row frame, the cache, stored evaluation, weights."""

import math
import unittest

import pandas as pd

import scoring_client
from scoring_client._proto import evaluation_pb2
from tests import parcels
from tests.server import ServerProcess


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ServerProcess()
        cls.client = scoring_client.connect(cls.server.address)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.server.stop()

    def test_the_readme_parcel_scores_0_7363(self):
        evaluation = self.client.evaluate(parcels.hand_worked())
        self.assertEqual("320115-001", evaluation.parcel_id)
        self.assertEqual(0.7363, round(evaluation.score, 4))
        self.assertEqual(evaluation_pb2.CLASSIFICATION_EFFICIENT, evaluation.classification)
        self.assertEqual(evaluation_pb2.DISPOSITION_RETAINED, evaluation.disposition)
        self.assertEqual(1.0, evaluation.completeness)
        self.assertEqual(parcels.ELEMENT_SCORES, {e.code: round(e.score, 3) for e in evaluation.elements})

    def test_chinese_column_and_category_names_read_as_codes(self):
        row = parcels.hand_worked()
        row["容积率"] = row.pop("far")
        row["enterprise_type"] = "规上"
        self.assertEqual(0.7363, round(self.client.evaluate(row).score, 4))

    def test_a_cell_that_cannot_be_read_is_refused_before_sending(self):
        row = parcels.hand_worked()
        row["far"] = "tall"
        with self.assertRaisesRegex(ValueError, "column far: 'tall' is not a number"):
            self.client.evaluate(row)

    def test_a_refused_parcel_raises_with_the_field_and_reason(self):
        row = parcels.hand_worked()
        row["enterprise_type"] = "no_such_type"
        with self.assertRaises(scoring_client.ScoringError) as refused:
            self.client.evaluate(row)
        self.assertEqual("INVALID_ARGUMENT", refused.exception.code.name)
        self.assertEqual(["parcel.categories[\"enterprise_type\"]"], [f for f, _ in refused.exception.violations])

    def test_a_20000_row_frame_comes_back_in_order_with_bad_rows_in_error(self):
        rows = []
        for i in range(20_000):
            row = parcels.hand_worked(f"p{i:05d}")
            if i % 2:
                row["green_ratio"] = 15
            if i % 1000 == 7:
                row["green_ratio"] = -5           # a negative percentage: refused by the server
            if i % 1000 == 500:
                row["enterprise_type"] = "ghost"  # an unknown category key: refused by the server
            if i % 1000 == 999:
                row["level"] = "CASTLE"           # not a level: refused before sending
            rows.append(row)
        frame = pd.DataFrame(rows)

        result = self.client.evaluate_frame(frame, chunk_size=700, window=3)

        self.assertEqual(20_000, len(result))
        self.assertEqual([f"p{i:05d}" for i in range(20_000)], result["parcel_id"].tolist())
        self.assertEqual(["parcel_id", "score", "classification", "disposition", "completeness", "population", "land",
                          "enterprise", "industry", "economy", "energy", "error"], list(result.columns))
        for i in (0, 1, 2, 3, 506, 19_998, 19_999 - 2):
            with self.subTest(row=i):
                expected = parcels.SCORE_GREEN_15 if i % 2 else parcels.SCORE
                self.assertEqual(expected, round(result.at[i, "score"], 4))
                self.assertEqual("EFFICIENT", result.at[i, "classification"])
                self.assertEqual("RETAINED", result.at[i, "disposition"])
                self.assertIsNone(result.at[i, "error"])
        bad = result[result["error"].notna()]
        self.assertEqual(60, len(bad))
        # green_ratio is the frame's 7th number column; row 7 is the 8th row of the first chunk
        self.assertEqual("INVALID_ARGUMENT: columns.rows[7].values[6]: green_ratio: value -5 is outside the valid "
                         "range [0, 100] (%)", result.at[7, "error"])
        self.assertRegex(result.at[19_007, "error"], r"^INVALID_ARGUMENT: columns\.rows\[\d+\]\.values\[6\]: "
                                                     r"green_ratio: value -5 is outside")
        for i in (7, 19_007, 500, 999):
            self.assertTrue(math.isnan(result.at[i, "score"]))
            self.assertIsNone(result.at[i, "classification"])
        for i in (500, 19_500):
            self.assertRegex(result.at[i, "error"], r"^INVALID_ARGUMENT: columns\.rows\[\d+\]\.categories\[0\]: "
                                                    r"unknown category 'ghost' for 'enterprise_type'")
        for i in (999, 19_999):
            self.assertEqual("column level: 'CASTLE' is not a level (PARK, COMMUNITY, SCATTERED)", result.at[i, "error"])
        good = result[result["error"].isna()]
        self.assertEqual(19_940, len(good))
        self.assertEqual({0.7363, 0.7513}, set(good["score"].round(4)))

    def test_upsert_then_evaluate_by_id_then_evaluate_stored(self):
        rows = [parcels.hand_worked(f"cache-{i}") for i in range(5)]
        rows[3]["green_ratio"] = 15
        rows[4]["area_mu"] = -1                   # a negative area: refused by the server
        for row in rows:
            row["unit_id"] = "python-park"
            row["street"] = "python-street"

        summary = self.client.upsert_frame(pd.DataFrame(rows), source="python-test", as_of="2026-11-30")

        self.assertEqual(4, summary.accepted)
        self.assertEqual([4], [row for row, _, _ in summary.errors])
        self.assertEqual("cache-4", summary.errors[0][1])
        self.assertEqual("INVALID_ARGUMENT: parcels[4].area_mu: must not be negative, got -1", summary.errors[0][2])
        # 24 numbers + 3 categories + 8 vetoes per stored parcel
        self.assertEqual(4 * 35, summary.values_written)

        by_id = self.client.evaluate_frame(pd.DataFrame({"parcel_id": ["cache-3", "cache-0", "cache-4"]}))
        self.assertEqual([0.7513, 0.7363], by_id["score"].round(4).tolist()[:2])
        self.assertEqual("NOT_FOUND: parcel 'cache-4' is not in the indicator cache and the request carries nothing "
                         "but its id", by_id.at[2, "error"])

        stored = self.client.evaluate_stored(unit_id="python-park")
        self.assertEqual(["cache-0", "cache-1", "cache-2", "cache-3"], stored["parcel_id"].tolist())
        self.assertEqual([0.7363, 0.7363, 0.7363, 0.7513], stored["score"].round(4).tolist())
        self.assertEqual(4, len(self.client.evaluate_stored(street="python-street", level="PARK")))
        self.assertEqual(0, len(self.client.evaluate_stored(street="python-street", level="SCATTERED")))

    def test_update_weights_dry_run_reports_the_new_weights(self):
        response = self.client.update_weights(
            {"land": {"far": 0.5, "building_density": 0.25, "green_ratio": 0.05, "idle_ratio": 0.2}}, dry_run=True)
        self.assertEqual("", response.model_version)
        land = {w.code: w.weight for w in response.weights if w.group == "land"}
        self.assertEqual({"far": 0.5, "building_density": 0.25, "green_ratio": 0.05, "idle_ratio": 0.2}, land)

    def test_weights_that_do_not_sum_to_one_are_refused(self):
        with self.assertRaises(scoring_client.ScoringError) as refused:
            self.client.update_weights({"land": {"far": 0.5, "building_density": 0.25, "green_ratio": 0.05,
                                                 "idle_ratio": 0.5}}, dry_run=True)
        self.assertEqual("INVALID_ARGUMENT", refused.exception.code.name)


if __name__ == "__main__":
    unittest.main()
