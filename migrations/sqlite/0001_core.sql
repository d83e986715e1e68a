-- Core tables. Times are UTC milliseconds since the epoch; money is integer fen.
-- Kept in step with ../postgres/0001_core.sql.

CREATE TABLE dealer_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    BIGINT  NOT NULL REFERENCES dealer_groups (id),
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    city        TEXT    NOT NULL DEFAULT '',
    address     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id    BIGINT  NOT NULL REFERENCES stores (id),
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('showroom', 'warehouse', 'yard')),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX warehouses_store ON warehouses (store_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('sales', 'sales_manager', 'general_manager',
                                                         'inventory_clerk', 'service_advisor', 'admin')),
    store_id            BIGINT  REFERENCES stores (id),
    password_hash       TEXT    NOT NULL,
    phone               TEXT    NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE INDEX users_store ON users (store_id);

-- Server-side sessions, shared by every server process. Only a hash of the cookie is kept.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Keys for integrations. The key is shown once; only its SHA-256 is stored.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,
    key_hash      TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    store_id      BIGINT  REFERENCES stores (id),
    created_by    BIGINT  REFERENCES users (id),
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            BIGINT  NOT NULL,
    actor_user_id BIGINT,
    actor_key_id  BIGINT,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    entity        TEXT    NOT NULL,
    entity_id     TEXT    NOT NULL DEFAULT '',
    store_id      BIGINT,
    before_json   TEXT,
    after_json    TEXT,
    request_id    TEXT
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_at ON audit_log (at);

-- Catalog: brand → model → trim (with MSRP), and the colours a model is offered in.
CREATE TABLE brands (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL,
    wmi      TEXT NOT NULL
);

CREATE TABLE models (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id   BIGINT NOT NULL REFERENCES brands (id),
    name       TEXT   NOT NULL,
    name_en    TEXT   NOT NULL,
    body_type  TEXT   NOT NULL,
    fuel_type  TEXT   NOT NULL CHECK (fuel_type IN ('petrol', 'hybrid', 'phev', 'ev')),
    UNIQUE (brand_id, name)
);

CREATE TABLE trims (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id   BIGINT NOT NULL REFERENCES models (id),
    name       TEXT   NOT NULL,
    msrp_fen   BIGINT NOT NULL CHECK (msrp_fen >= 0),
    UNIQUE (model_id, name)
);

CREATE TABLE colors (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id   BIGINT NOT NULL REFERENCES models (id),
    name       TEXT   NOT NULL,
    name_en    TEXT   NOT NULL,
    hex        TEXT   NOT NULL,
    UNIQUE (model_id, name)
);

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id       BIGINT  NOT NULL REFERENCES stores (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('person', 'company')),
    name           TEXT    NOT NULL,
    phone          TEXT    NOT NULL,
    source         TEXT    NOT NULL DEFAULT 'walk_in',
    owner_user_id  BIGINT  REFERENCES users (id),
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    version        BIGINT  NOT NULL DEFAULT 1,
    UNIQUE (store_id, phone)
);

CREATE TABLE vehicles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    vin             TEXT    NOT NULL UNIQUE,
    model_id        BIGINT  NOT NULL REFERENCES models (id),
    trim_id         BIGINT  NOT NULL REFERENCES trims (id),
    color_id        BIGINT  NOT NULL REFERENCES colors (id),
    warehouse_id    BIGINT  NOT NULL REFERENCES warehouses (id),
    status          TEXT    NOT NULL CHECK (status IN ('in_transit', 'in_stock', 'reserved', 'sold', 'delivered')),
    cost_fen        BIGINT  NOT NULL CHECK (cost_fen >= 0),
    list_price_fen  BIGINT  NOT NULL CHECK (list_price_fen >= 0),
    arrival_date    TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    version         BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX vehicles_stock ON vehicles (warehouse_id, status, model_id, color_id, trim_id);

-- Failed sign-ins, for throttling per account and per address across every process.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT NOT NULL,
    username  TEXT   NOT NULL,
    ip        TEXT   NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
