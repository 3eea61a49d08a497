-- Migration 7 (PostgreSQL): the request ids (Google AIP-155) of the calls that created model versions, so a retried
-- call gets back the version its first attempt created. Written in the same transaction as the version.

CREATE TABLE model_requests (
    request_id   text NOT NULL PRIMARY KEY CHECK (length(request_id) > 0),
    request_hash text NOT NULL,
    version      integer NOT NULL REFERENCES models (version),
    created_at   timestamptz NOT NULL
);
