"""Evaluations as the rows of a result frame: parcel_id, score, classification, disposition, completeness, one
column per element score (NaN when the element had no data), error."""

import math

import pandas as pd

from scoring_client._proto import evaluation_pb2
from scoring_client.errors import status_text

FIXED = ("parcel_id", "score", "classification", "disposition", "completeness")


def _names(enum, prefix):
    return {v.number: v.name[len(prefix):] for v in enum.DESCRIPTOR.values}


CLASSIFICATIONS = _names(evaluation_pb2.Classification, "CLASSIFICATION_")
DISPOSITIONS = _names(evaluation_pb2.Disposition, "DISPOSITION_")


class ResultTable:
    """Collects one result per row position, then builds the frame in row order."""

    def __init__(self, size, element_codes):
        self.element_codes = list(element_codes)
        self._columns = {name: [None] * size for name in (*FIXED, *self.element_codes, "error")}
        for name in ("score", "completeness", *self.element_codes):
            self._columns[name] = [math.nan] * size

    def put_evaluation(self, position, evaluation):
        """Row `position` is this Evaluation."""
        c = self._columns
        c["parcel_id"][position] = evaluation.parcel_id
        c["score"][position] = evaluation.score
        c["classification"][position] = CLASSIFICATIONS.get(evaluation.classification)
        c["disposition"][position] = DISPOSITIONS.get(evaluation.disposition)
        c["completeness"][position] = evaluation.completeness
        for element in evaluation.elements:
            if element.code in c and not element.missing:
                c[element.code][position] = element.score

    def put_error(self, position, parcel_id, error):
        """Row `position` was refused; `error` is a google.rpc.Status or text."""
        self._columns["parcel_id"][position] = parcel_id
        self._columns["error"][position] = error if isinstance(error, str) else status_text(error)

    def put_result(self, position, result):
        """Row `position` is this BatchResult (evaluation or error)."""
        if result.HasField("evaluation"):
            self.put_evaluation(position, result.evaluation)
        else:
            self.put_error(position, result.parcel_id, result.error)

    def frame(self):
        """The collected rows as a DataFrame."""
        return pd.DataFrame(self._columns)
