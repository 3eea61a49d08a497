-- Migration 7: the request ids (Google AIP-155) of the calls that created model versions, so a retried call gets
-- back the version its first attempt created instead of a second one. Written in the same transaction as the
-- version, so a version and its request id are kept together or not at all. request_hash is a digest of the
-- request without its id: the same id with another request is refused.

CREATE TABLE model_requests (
    request_id   TEXT    NOT NULL PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    version      INTEGER NOT NULL REFERENCES models (version),
    created_at   TEXT    NOT NULL,
    CHECK (length(request_id) > 0)
) WITHOUT ROWID;
