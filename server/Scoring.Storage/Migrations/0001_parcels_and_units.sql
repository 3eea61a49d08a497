-- Migration 1: the parcels of the indicator cache and the management units they roll up to.
-- Attributes are nullable: NULL means "never received"; an upsert with a NULL leaves the value as it is.
-- Times are UTC ISO-8601 text ('YYYY-MM-DDTHH:MM:SS.fffffffZ'), so they sort as text.

CREATE TABLE parcels (
    id                          TEXT    NOT NULL PRIMARY KEY,
    name                        TEXT,
    enterprise_name             TEXT,
    level                       INTEGER CHECK (level BETWEEN 0 AND 3),
    area_mu                     REAL,
    unit_id                     TEXT,   -- no foreign key: parcels may arrive before their unit
    street                      TEXT,
    industry_code               TEXT,
    inside_development_boundary INTEGER CHECK (inside_development_boundary IN (0, 1)),
    in_ecological_red_line      INTEGER CHECK (in_ecological_red_line IN (0, 1)),
    redevelopment_underway      INTEGER CHECK (redevelopment_underway IN (0, 1)),
    locally_reported            INTEGER CHECK (locally_reported IN (0, 1)),
    geometry                    TEXT,   -- carried untouched (e.g. GeoJSON or WKT from the source)
    created_at                  TEXT    NOT NULL,
    updated_at                  TEXT    NOT NULL
);

-- Filtered listings page by id inside the filter, so each index ends with id.
CREATE INDEX parcels_by_unit   ON parcels (unit_id, id);
CREATE INDEX parcels_by_street ON parcels (street, id);
CREATE INDEX parcels_by_level  ON parcels (level, id);

CREATE TABLE management_units (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT,
    level              INTEGER CHECK (level BETWEEN 0 AND 3),
    total_area_mu      REAL,
    industrial_area_mu REAL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
) WITHOUT ROWID;
