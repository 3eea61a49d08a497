-- Migration 8: the database's identity, a random id made once. Backups (VACUUM INTO) carry it, so a running server
-- that finds another file at its path (restored, replaced) takes it back only when it is a copy of this database,
-- never a foreign or fresh one that merely has the same schema.

CREATE TABLE database_identity (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    identity TEXT    NOT NULL CHECK (length(identity) = 32)
);

INSERT INTO database_identity (id, identity) VALUES (1, lower(hex(randomblob(16))));
