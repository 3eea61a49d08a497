-- Migration 9 (PostgreSQL): the database's identity, a random id made once, as in SQLite (where backups carry it).
-- Here it names the database a district was moved into.

CREATE TABLE database_identity (
    id       integer NOT NULL PRIMARY KEY CHECK (id = 1),
    identity text    NOT NULL CHECK (length(identity) = 32)
);

INSERT INTO database_identity (id, identity) VALUES (1, replace(gen_random_uuid()::text, '-', ''));
