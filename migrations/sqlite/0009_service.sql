-- After-sales service booking (客户服务 · 在线预约): each store's booking capacity (opening
-- hours per weekday, slot length, bays per service type or shared, closed days, how far
-- ahead booking opens, the cut-off before a slot), the slots' running counts, and the
-- appointments themselves, booked online without an account or entered by the desk.
-- Kept in step with ../postgres/0009_service.sql.

-- A store takes bookings once it has a row here. `horizon_days`: booking opens this many
-- days ahead (today counts as day 0); `cutoff_minutes`: a slot closes to booking this long
-- before it starts.
CREATE TABLE service_settings (
    store_id        BIGINT  PRIMARY KEY REFERENCES stores (id),
    slot_minutes    BIGINT  NOT NULL CHECK (slot_minutes BETWEEN 15 AND 240),
    horizon_days    BIGINT  NOT NULL CHECK (horizon_days BETWEEN 1 AND 90),
    cutoff_minutes  BIGINT  NOT NULL CHECK (cutoff_minutes BETWEEN 0 AND 2880),
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    version         BIGINT  NOT NULL DEFAULT 1
);

-- Opening hours by ISO weekday (1 Monday … 7 Sunday), minutes after local midnight. A
-- weekday without a row is closed.
CREATE TABLE service_hours (
    store_id   BIGINT  NOT NULL REFERENCES stores (id),
    weekday    BIGINT  NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_min  BIGINT  NOT NULL CHECK (opens_min BETWEEN 0 AND 1440),
    closes_min BIGINT  NOT NULL CHECK (closes_min BETWEEN 0 AND 1440),
    PRIMARY KEY (store_id, weekday),
    CHECK (opens_min < closes_min)
);

-- Bays by pool: a service type with its own bays books from them (`pool` is the type's
-- code); every other type books from the store's shared bays (`pool` = 'shared').
CREATE TABLE service_bays (
    store_id  BIGINT  NOT NULL REFERENCES stores (id),
    pool      TEXT    NOT NULL CHECK (pool IN ('shared', 'maintenance', 'repair', 'inspection', 'tyres', 'warranty', 'body_paint')),
    bays      BIGINT  NOT NULL CHECK (bays BETWEEN 0 AND 50),
    PRIMARY KEY (store_id, pool)
);

-- Days a store takes no bookings (holidays), local dates.
CREATE TABLE service_closed_days (
    store_id  BIGINT  NOT NULL REFERENCES stores (id),
    day       TEXT    NOT NULL,
    reason    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (store_id, day)
);

-- How many live bookings each slot of each pool holds. A booking raises `booked` with one
-- conditional UPDATE (`… WHERE booked < capacity`) in the transaction that writes the
-- appointment, so two requests — in one process or two — can never both take the last
-- place: the database serialises them on this row.
CREATE TABLE service_slots (
    store_id   BIGINT  NOT NULL REFERENCES stores (id),
    day        TEXT    NOT NULL,
    start_min  BIGINT  NOT NULL,
    pool       TEXT    NOT NULL,
    booked     BIGINT  NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (store_id, day, start_min, pool)
);

-- An appointment. `code` is what the customer keeps (8 characters without 0/O/1/I); with
-- their mobile it finds the booking. `access_token` is the random key of the links made
-- for the customer (the confirmation page and the calendar file). `day` + `start_min` are
-- local; `starts_at` / `ends_at` the same moments in UTC. A walk-in takes no slot place
-- (`pool` is '').
CREATE TABLE appointments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    code             TEXT    NOT NULL UNIQUE,
    access_token     TEXT    NOT NULL UNIQUE,
    store_id         BIGINT  NOT NULL REFERENCES stores (id),
    service_type     TEXT    NOT NULL CHECK (service_type IN ('maintenance', 'repair', 'inspection', 'tyres', 'warranty', 'body_paint')),
    pool             TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    start_min        BIGINT  NOT NULL,
    starts_at        BIGINT  NOT NULL,
    ends_at          BIGINT  NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('booked', 'checked_in', 'in_progress', 'completed', 'no_show', 'cancelled')),
    source           TEXT    NOT NULL CHECK (source IN ('online', 'staff', 'walk_in')),
    name             TEXT    NOT NULL,
    mobile           TEXT    NOT NULL,
    plate            TEXT    NOT NULL DEFAULT '',
    vin              TEXT    NOT NULL DEFAULT '',
    mileage          BIGINT  CHECK (mileage BETWEEN 0 AND 2000000),
    note             TEXT    NOT NULL DEFAULT '',
    customer_id      BIGINT  REFERENCES customers (id),
    advisor_id       BIGINT  REFERENCES users (id),
    checked_in_at    BIGINT,
    checkin_mileage  BIGINT  CHECK (checkin_mileage BETWEEN 0 AND 2000000),
    checkin_notes    TEXT    NOT NULL DEFAULT '',
    completed_at     BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    updated_by       TEXT    NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX appointments_store_day ON appointments (store_id, day, start_min);
CREATE INDEX appointments_customer ON appointments (customer_id, starts_at);
CREATE INDEX appointments_mobile ON appointments (mobile, starts_at);

-- Counters of public requests (booking, looking a booking up) per address and per mobile
-- in a fixed window: a subject past its limit is answered 429 until the window ends.
CREATE TABLE rate_limits (
    subject       TEXT    PRIMARY KEY,
    window_start  BIGINT  NOT NULL,
    hits          BIGINT  NOT NULL
);
