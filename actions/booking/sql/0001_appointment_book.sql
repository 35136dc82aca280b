-- The appointment book on PostgreSQL: the same tables, keys and meaning as the SQLite store's
-- schema (actions/core/scheduling/sqlite_store.py), so both run the same queries.
-- Times are Unix seconds (BIGINT) and dates ISO text, exactly as the shared queries expect.

-- Bookable grid cells, generated from clinic.yml (one row per provider, place and cell start).
CREATE TABLE slots (
    provider_id TEXT   NOT NULL,
    location_id TEXT   NOT NULL,          -- a clinic location id, or 'telehealth'
    start_ts    BIGINT NOT NULL,          -- cell start, Unix seconds (UTC)
    day         TEXT   NOT NULL,          -- clinic-local date of the cell, YYYY-MM-DD
    PRIMARY KEY (provider_id, location_id, start_ts)
);
CREATE INDEX slots_by_day ON slots (day);

-- Which days are generated, and from which configuration (a changed clinic.yml regenerates).
CREATE TABLE generated_days (
    day         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
);

CREATE TABLE appointments (
    code          TEXT   PRIMARY KEY,     -- confirmation code
    patient_name  TEXT   NOT NULL,        -- PHI, as given
    name_key      TEXT   NOT NULL,        -- casefolded, whitespace-collapsed name for lookup
    dob           TEXT   NOT NULL,        -- PHI, YYYY-MM-DD
    phone_hash    TEXT,                   -- keyed hash, never the number
    visit_type_id TEXT   NOT NULL,
    reason        TEXT   NOT NULL,        -- PHI
    provider_id   TEXT   NOT NULL,
    location_id   TEXT   NOT NULL,
    start_ts      BIGINT NOT NULL,
    end_ts        BIGINT NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at    TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL
);
CREATE INDEX appointments_by_patient ON appointments (name_key, dob, status, start_ts);

-- THE double-booking guard: one holder per provider and cell, across every connection and
-- every action server. A second INSERT of a held cell waits for the first transaction and then
-- fails with unique_violation (SlotTaken) if that one committed.
CREATE TABLE held_cells (
    provider_id TEXT   NOT NULL,
    cell_ts     BIGINT NOT NULL,
    code        TEXT   NOT NULL REFERENCES appointments (code),
    PRIMARY KEY (provider_id, cell_ts)
);
CREATE INDEX held_cells_by_code ON held_cells (code);
