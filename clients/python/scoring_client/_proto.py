"""The generated contract modules (scoring.v1, google.rpc), imported from scoring_client._generated."""

try:
    from scoring_client._generated.google.rpc import error_details_pb2, status_pb2
    from scoring_client._generated.scoring.v1 import (
        evaluation_pb2,
        model_service_pb2,
        model_service_pb2_grpc,
        parcel_pb2,
        parcel_service_pb2,
        parcel_service_pb2_grpc,
        scoring_service_pb2,
        scoring_service_pb2_grpc,
    )
except ImportError as e:  # the stubs are generated, never committed
    raise ImportError(
        "scoring_client's stubs are not generated: run clients/python/generate.sh first"
    ) from e

__all__ = [
    "error_details_pb2", "status_pb2", "evaluation_pb2", "model_service_pb2", "model_service_pb2_grpc",
    "parcel_pb2", "parcel_service_pb2", "parcel_service_pb2_grpc", "scoring_service_pb2", "scoring_service_pb2_grpc",
]
