-- Migration 2: indicator values and veto answers.
-- indicator_values keeps every value ever received; current_values holds, per (parcel, kind, code),
-- the latest by as_of and, on equal as_of, by receipt. A trigger keeps current_values in step on
-- every insert, so no write path can forget it.
-- kind separates numeric, categorical and veto codes so a veto and an indicator sharing a code
-- (or a code whose type changes between models) never overwrite each other.

CREATE TABLE indicator_values (
    receipt     INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: never reused, so strictly increasing
    parcel_id   TEXT    NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    code        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('numeric', 'category', 'veto')),
    number      REAL,
    category    TEXT,
    veto        INTEGER CHECK (veto IN (0, 1)),
    source      TEXT    NOT NULL,
    as_of       TEXT    NOT NULL,   -- 'YYYY-MM-DD': the date the value describes
    received_at TEXT    NOT NULL,
    CHECK ((kind = 'numeric'  AND number   IS NOT NULL AND category IS NULL AND veto IS NULL)
        OR (kind = 'category' AND category IS NOT NULL AND number   IS NULL AND veto IS NULL)
        OR (kind = 'veto'     AND veto     IS NOT NULL AND number   IS NULL AND category IS NULL))
);

-- A code's history, newest first.
CREATE INDEX indicator_values_by_parcel_code ON indicator_values (parcel_id, code, as_of, receipt);

CREATE TABLE current_values (
    parcel_id   TEXT    NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    code        TEXT    NOT NULL,
    number      REAL,
    category    TEXT,
    veto        INTEGER,
    source      TEXT    NOT NULL,
    as_of       TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    receipt     INTEGER NOT NULL,
    PRIMARY KEY (parcel_id, kind, code)
) WITHOUT ROWID;

-- An older as_of never replaces a newer value; on the same as_of the later receipt wins.
CREATE TRIGGER indicator_values_keep_current AFTER INSERT ON indicator_values
BEGIN
    INSERT INTO current_values (parcel_id, kind, code, number, category, veto, source, as_of, received_at, receipt)
    VALUES (NEW.parcel_id, NEW.kind, NEW.code, NEW.number, NEW.category, NEW.veto, NEW.source, NEW.as_of,
            NEW.received_at, NEW.receipt)
    ON CONFLICT (parcel_id, kind, code) DO UPDATE SET
        number      = excluded.number,
        category    = excluded.category,
        veto        = excluded.veto,
        source      = excluded.source,
        as_of       = excluded.as_of,
        received_at = excluded.received_at,
        receipt     = excluded.receipt
    WHERE excluded.as_of > current_values.as_of
       OR (excluded.as_of = current_values.as_of AND excluded.receipt > current_values.receipt);
END;
