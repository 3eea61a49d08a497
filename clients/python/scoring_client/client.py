"""The client: one gRPC channel to the service and the calls a data team makes with pandas frames."""


import grpc
import pandas as pd

from scoring_client import cells
from scoring_client._proto import (
    evaluation_pb2, model_service_pb2, model_service_pb2_grpc, parcel_pb2, parcel_service_pb2,
    parcel_service_pb2_grpc, scoring_service_pb2, scoring_service_pb2_grpc,
)
from scoring_client.errors import ScoringError, status_text
from scoring_client.frames import ParsedFrame
from scoring_client.model import ModelColumns
from scoring_client.results import ResultTable
from scoring_client.stream import ChunkWindow
from scoring_client.weights import update_weights_request

VIEWS = {
    "basic": evaluation_pb2.EVALUATION_VIEW_BASIC,
    "full": evaluation_pb2.EVALUATION_VIEW_FULL,
    "robustness": evaluation_pb2.EVALUATION_VIEW_ROBUSTNESS,
}


def _view(name):
    if name not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {name!r}")
    return VIEWS[name]


def _chunks(items, size):
    if size < 1:
        raise ValueError("chunk_size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def _call(method, request, metadata):
    try:
        return method(request, metadata=metadata)
    except grpc.RpcError as e:
        raise ScoringError.from_rpc_error(e) from None


class Client:
    """A connection to the Scoring service. Use connect(); close() (or a with block) ends the channel."""

    def __init__(self, channel, api_key=None):
        self._channel = channel
        self._metadata = (("x-api-key", api_key),) if api_key else ()
        self._scoring = scoring_service_pb2_grpc.ScoringServiceStub(channel)
        self._models = model_service_pb2_grpc.ModelServiceStub(channel)
        self._parcels = parcel_service_pb2_grpc.ParcelServiceStub(channel)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Closes the channel."""
        self._channel.close()

    def model(self, version=""):
        """The model version (empty = the active one) as its ModelColumns: codes, Chinese names, element order."""
        response = _call(self._models.GetModel, model_service_pb2.GetModelRequest(version=version), self._metadata)
        return ModelColumns(response.model)

    def evaluate(self, parcel, view="full", model_version="", skip_history=False):
        """Evaluates one parcel given as a dict in the CSV layout (parcel_id, level, area_mu, ..., indicator,
        category and veto codes); returns the scoring.v1.Evaluation. Raises ScoringError when refused, ValueError
        for a cell that cannot be read."""
        model = self.model(model_version)
        parsed = ParsedFrame(pd.DataFrame([parcel]), model)
        if parsed.errors[0]:
            raise ValueError(parsed.errors[0])
        request = scoring_service_pb2.EvaluateParcelRequest(
            parcel=parsed.parcel(0), model_version=model.version, view=_view(view), skip_history=skip_history)
        return _call(self._scoring.EvaluateParcel, request, self._metadata).evaluation

    def evaluate_frame(self, frame, view="basic", chunk_size=1000, window=4, model_version="",
                       record_history=False):
        """Evaluates every row of `frame` through BatchEvaluate in columnar chunks, `window` chunks in flight.

        Returns one row per input row, in order: parcel_id, score, classification, disposition, completeness, one
        column per element score, error (the reason a row was refused; the other rows go on)."""
        model = self.model(model_version)
        parsed = ParsedFrame(frame, model)
        table = ResultTable(len(parsed), model.element_codes)
        for i, error in enumerate(parsed.errors):
            if error:
                table.put_error(i, parsed.parcel_ids[i], error)
        chunks = _chunks([i for i, error in enumerate(parsed.errors) if not error], chunk_size)
        first = scoring_service_pb2.BatchEvaluateRequest(
            model_version=model.version, view=_view(view), record_history=record_history)

        def build(k, rows):
            request = scoring_service_pb2.BatchEvaluateRequest(columns=parsed.columns(rows))
            if k == 0:
                request.MergeFrom(first)
            return request

        ChunkWindow(chunks, build, window).run(
            lambda requests: self._scoring.BatchEvaluate(requests, metadata=self._metadata),
            lambda chunk, response: _take_batch_response(table, chunk, parsed.parcel_ids, response))
        return table.frame()

    def evaluate_stored(self, unit_id=None, street=None, level=None, view="basic", model_version="",
                        record_history=False):
        """Evaluates the cached parcels of a unit, street or level on the server (ParcelService.EvaluateStored);
        returns one row per parcel in parcel-id order, as evaluate_frame's."""
        request = parcel_service_pb2.EvaluateStoredRequest(
            model_version=model_version, unit_id=unit_id or "", street=street or "",
            level=_level(level), view=_view(view), record_history=record_history)
        try:
            results = [r for response in self._parcels.EvaluateStored(request, metadata=self._metadata)
                       for r in _results_or_raise(response)]
        except grpc.RpcError as e:
            raise ScoringError.from_rpc_error(e) from None
        version = next((r.evaluation.model_version for r in results if r.HasField("evaluation")), model_version)
        table = ResultTable(len(results), self.model(version).element_codes)
        for i, result in enumerate(results):
            table.put_result(i, result)
        return table.frame()

    def upsert_frame(self, frame, source, as_of, chunk_size=1000, window=4):
        """Stores the rows of `frame` in the indicator cache as one source's data as of one date (UpsertParcels).

        Returns an UpsertSummary: parcels accepted, values written, and the refused rows with their reasons."""
        model = self.model()
        parsed = ParsedFrame(frame, model)
        summary = UpsertSummary()
        for i, error in enumerate(parsed.errors):
            if error:
                summary.errors.append((i, parsed.parcel_ids[i], error))
        chunks = _chunks([i for i, error in enumerate(parsed.errors) if not error], chunk_size)

        def build(_, rows):
            return parcel_service_pb2.UpsertParcelsRequest(
                source=source, as_of=as_of, parcels=[parsed.parcel(i) for i in rows])

        ChunkWindow(chunks, build, window).run(
            lambda requests: self._parcels.UpsertParcels(requests, metadata=self._metadata),
            summary.take)
        summary.errors.sort()
        return summary

    def update_weights(self, weights=None, judgments=None, **fields):
        """Derives a new model version (ScoringService.UpdateWeights) and returns the UpdateWeightsResponse.

        `weights`: {group: {code: weight}} ("elements" or an element code as group); `judgments`: a list of
        {"group", "items", "values" (row-major), "expert"}; other keyword arguments are the request's fields
        (base_version, activate, dry_run, note, expected_active_version, impact_parcel_limit, request_id)."""
        request = update_weights_request(weights, judgments, fields)
        return _call(self._scoring.UpdateWeights, request, self._metadata)


class UpsertSummary:
    """What UpsertParcels stored: accepted parcels, values written, and (row, parcel_id, reason) of refused rows."""

    def __init__(self):
        self.accepted = 0
        self.values_written = 0
        self.errors = []

    def take(self, chunk, response):
        """Counts one chunk's acknowledgement; returns True (one response per chunk)."""
        self.accepted += response.accepted
        self.values_written += response.values_written
        for error in response.errors:
            row = chunk.rows[error.index]
            self.errors.append((row, error.parcel_id, status_text(error.status)))
        return True

    def __repr__(self):
        return f"UpsertSummary(accepted={self.accepted}, values_written={self.values_written}, errors={len(self.errors)})"


def _take_batch_response(table, chunk, parcel_ids, response):
    """Puts one BatchEvaluateResponse's results at their rows; True when it ends its chunk."""
    if response.HasField("chunk_error"):
        for i in chunk.rows:
            table.put_error(i, parcel_ids[i], response.chunk_error)
        return True
    for result in response.results:
        table.put_result(chunk.rows[chunk.taken], result)
        chunk.taken += 1
    return not response.chunk_continues


def _results_or_raise(response):
    if response.HasField("chunk_error"):
        raise ScoringError(grpc.StatusCode.INTERNAL, status_text(response.chunk_error), [])
    return response.results


def _level(level):
    if level is None or level == "":
        return parcel_pb2.LEVEL_UNSPECIFIED
    return cells.level(level)
