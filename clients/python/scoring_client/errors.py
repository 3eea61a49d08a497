"""Errors of the service as Python exceptions and text: the status code, message and BadRequest field violations."""

import grpc

from scoring_client._proto import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


def status_text(status):
    """One line for a google.rpc.Status: 'INVALID_ARGUMENT: message (field: reason; ...)'."""
    code = grpc.StatusCode.__members__
    name = next((n for n, c in code.items() if c.value[0] == status.code), str(status.code))
    return _text(name, status.message, _violations(status))


def _text(name, message, violations):
    """'NAME: message', then the violations the message does not already spell out, in parentheses."""
    extra = [f"{field}: {reason}" for field, reason in violations if f"{field}: {reason}" not in message]
    return f"{name}: {message}" + (" (" + "; ".join(extra) + ")" if extra else "")


def _violations(status):
    found = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.extend((v.field, v.description) for v in bad.field_violations)
    return found


class ScoringError(Exception):
    """A call the service refused: its gRPC status code, message and the (field, reason) pairs of its BadRequest."""

    def __init__(self, code, message, violations):
        self.code = code
        self.message = message
        self.violations = violations
        super().__init__(_text(code.name, message, violations))

    @classmethod
    def from_rpc_error(cls, error):
        """The ScoringError of a grpc.RpcError, with the details the server put in its trailers."""
        status = status_pb2.Status()
        for key, value in error.trailing_metadata() or ():
            if key == _DETAILS_KEY:
                status.ParseFromString(value)
        return cls(error.code(), error.details() or "", _violations(status))
