-- Migration 1 (PostgreSQL): the parcels of the indicator cache and the management units they roll up to.
-- Attributes are nullable: NULL means "never received"; an upsert with a NULL leaves the value as it is.
-- Ids, units and streets compare byte by byte (COLLATE "C"), as SQLite's BINARY does, so listings page the same
-- way whatever the database's locale.

CREATE TABLE parcels (
    id                          text COLLATE "C" NOT NULL PRIMARY KEY,
    name                        text,
    enterprise_name             text,
    level                       integer CHECK (level BETWEEN 0 AND 3),
    area_mu                     double precision,
    unit_id                     text COLLATE "C",  -- no foreign key: parcels may arrive before their unit
    street                      text COLLATE "C",
    industry_code               text,
    inside_development_boundary boolean,
    in_ecological_red_line      boolean,
    redevelopment_underway      boolean,
    locally_reported            boolean,
    geometry                    text,              -- carried untouched (e.g. GeoJSON or WKT from the source)
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL
);

-- Filtered listings page by id inside the filter, so each index ends with id.
CREATE INDEX parcels_by_unit   ON parcels (unit_id, id);
CREATE INDEX parcels_by_street ON parcels (street, id);
CREATE INDEX parcels_by_level  ON parcels (level, id);

CREATE TABLE management_units (
    id                 text COLLATE "C" NOT NULL PRIMARY KEY,
    name               text,
    level              integer CHECK (level BETWEEN 0 AND 3),
    total_area_mu      double precision,
    industrial_area_mu double precision,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
