"""UpdateWeightsRequest from Python values: a weight table dict and judgment matrices."""

from scoring_client._proto import scoring_service_pb2


def update_weights_request(weights, judgments, fields):
    """The request for {group: {code: weight}} weights or a list of judgment dicts, plus the request's other fields."""
    if weights is not None and judgments is not None:
        raise ValueError("give weights or judgments, not both")
    request = scoring_service_pb2.UpdateWeightsRequest(**fields)
    if weights is not None:
        request.weights.weights.extend(
            scoring_service_pb2.Weight(group=group, code=code, weight=float(weight))
            for group, table in weights.items() for code, weight in table.items())
    if judgments is not None:
        request.judgments.matrices.extend(
            m if isinstance(m, scoring_service_pb2.JudgmentMatrix) else scoring_service_pb2.JudgmentMatrix(
                group=m["group"], items=m["items"], values=[float(v) for v in m["values"]], expert=m.get("expert", ""))
            for m in judgments)
    return request
