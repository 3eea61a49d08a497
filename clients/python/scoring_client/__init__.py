"""Python client of the Scoring service: evaluate industrial land parcels, and pandas frames of them, over gRPC.

    import scoring_client
    with scoring_client.connect("localhost:5080") as client:
        results = client.evaluate_frame(frame)

Run clients/python/generate.sh once first: it generates the contract's stubs into scoring_client/_generated/.
"""

import grpc

from scoring_client.client import Client, UpsertSummary
from scoring_client.errors import ScoringError

__all__ = ["connect", "Client", "ScoringError", "UpsertSummary"]


def connect(address, api_key=None):
    """A Client for `address` ("host:port", "http://host:port", or "https://host:port" for TLS); `api_key` is sent
    as the x-api-key metadata on every call."""
    if address.startswith("https://"):
        channel = grpc.secure_channel(address[len("https://"):].rstrip("/"), grpc.ssl_channel_credentials())
    else:
        target = address[len("http://"):] if address.startswith("http://") else address
        channel = grpc.insecure_channel(target.rstrip("/"))
    return Client(channel, api_key)
