-- Migration 10: the append-only log of received values keeps one row per parcel per write (a feed chunk's parcel,
-- or a single upsert) with the values it brought packed in one column, instead of one row per value: a chunk then
-- appends a row per parcel, not 35. The row carries the provenance all its values share (source, as_of, receipt).
CREATE TABLE value_writes (
    receipt     INTEGER NOT NULL PRIMARY KEY, -- order of arrival (parcels are never deleted, so never reused)
    parcel_id   TEXT    NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    as_of       TEXT    NOT NULL,   -- 'YYYY-MM-DD': the date the values describe
    received_at TEXT    NOT NULL,
    value_count INTEGER NOT NULL CHECK (value_count > 0),
    received    BLOB    NOT NULL    -- the values, packed (ReceivedValues)
);

-- A parcel's writes in order, for a code's history.
CREATE INDEX value_writes_by_parcel ON value_writes (parcel_id, receipt);
