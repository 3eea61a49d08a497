"""The API key goes as x-api-key metadata: a server that requires credentials answers with it and refuses without."""

import hashlib
import unittest

import pandas as pd

import scoring_client
from tests import parcels
from tests.server import ServerProcess

KEY = "python-client-test-key"


class ApiKeyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        digest = hashlib.sha256(KEY.encode()).hexdigest()
        cls.server = ServerProcess("--Auth:ApiKeys:0:Name=python-test", "--Auth:ApiKeys:0:Roles:0=reader",
                                   f"--Auth:ApiKeys:0:KeySha256={digest}")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_the_key_is_sent_on_unary_and_stream_calls(self):
        with scoring_client.connect(self.server.address, api_key=KEY) as client:
            self.assertEqual(0.7363, round(client.evaluate(parcels.hand_worked()).score, 4))
            frame = client.evaluate_frame(pd.DataFrame([parcels.hand_worked("a"), parcels.hand_worked("b")]))
            self.assertEqual([0.7363, 0.7363], frame["score"].round(4).tolist())

    def test_no_key_is_unauthenticated(self):
        with scoring_client.connect(self.server.address) as client:
            with self.assertRaises(scoring_client.ScoringError) as refused:
                client.evaluate(parcels.hand_worked())
        self.assertEqual("UNAUTHENTICATED", refused.exception.code.name)

    def test_a_reader_may_not_update_weights(self):
        with scoring_client.connect(self.server.address, api_key=KEY) as client:
            with self.assertRaises(scoring_client.ScoringError) as refused:
                client.update_weights({"land": {"far": 0.44, "building_density": 0.31, "green_ratio": 0.06,
                                                "idle_ratio": 0.19}}, dry_run=True)
        self.assertEqual("PERMISSION_DENIED", refused.exception.code.name)


if __name__ == "__main__":
    unittest.main()
