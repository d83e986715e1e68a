-- Inventory: stock thresholds, alerts and transfers between warehouses.

CREATE INDEX vehicles_matrix ON vehicles (status, model_id, color_id, trim_id, warehouse_id);
CREATE INDEX vehicles_arrival ON vehicles (status, arrival_date);

-- Low / high stock limits for a model (optionally one colour) in one warehouse.
-- Stock is the count of `in_stock` vehicles. Low opens an alert below `low_qty`,
-- high above `high_qty`.
CREATE TABLE stock_thresholds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    warehouse_id  BIGINT  NOT NULL REFERENCES warehouses (id),
    model_id      BIGINT  NOT NULL REFERENCES models (id),
    color_id      BIGINT  REFERENCES colors (id),
    low_qty       BIGINT  CHECK (low_qty >= 0),
    high_qty      BIGINT  CHECK (high_qty >= 0),
    updated_at    BIGINT  NOT NULL,
    updated_by    TEXT    NOT NULL,
    CHECK (low_qty IS NOT NULL OR high_qty IS NOT NULL),
    CHECK (low_qty IS NULL OR high_qty IS NULL OR low_qty <= high_qty)
);
CREATE UNIQUE INDEX stock_thresholds_scope ON stock_thresholds (warehouse_id, model_id, COALESCE(color_id, 0));

-- An alert is open while `closed_at` is NULL; `subject` names what it is about
-- (`low:<threshold>`, `high:<threshold>`, `aged:<vehicle>`), and at most one alert per
-- subject is open at a time.
CREATE TABLE stock_alerts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subject       TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('low', 'high', 'aged')),
    store_id      BIGINT  NOT NULL REFERENCES stores (id),
    warehouse_id  BIGINT  NOT NULL REFERENCES warehouses (id),
    model_id      BIGINT  NOT NULL REFERENCES models (id),
    color_id      BIGINT  REFERENCES colors (id),
    vehicle_id    BIGINT  REFERENCES vehicles (id),
    threshold_id  BIGINT  REFERENCES stock_thresholds (id) ON DELETE SET NULL,
    level         BIGINT  NOT NULL,
    quantity      BIGINT  NOT NULL,
    opened_at     BIGINT  NOT NULL,
    closed_at     BIGINT
);
CREATE UNIQUE INDEX stock_alerts_open ON stock_alerts (subject) WHERE closed_at IS NULL;
CREATE INDEX stock_alerts_store ON stock_alerts (store_id, closed_at);

CREATE TABLE transfers (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    from_warehouse_id  BIGINT  NOT NULL REFERENCES warehouses (id),
    to_warehouse_id    BIGINT  NOT NULL REFERENCES warehouses (id),
    from_store_id      BIGINT  NOT NULL REFERENCES stores (id),
    to_store_id        BIGINT  NOT NULL REFERENCES stores (id),
    status             TEXT    NOT NULL CHECK (status IN ('requested', 'approved', 'in_transit', 'received', 'rejected', 'cancelled')),
    reason             TEXT    NOT NULL,
    note               TEXT    NOT NULL DEFAULT '',
    requested_by       TEXT    NOT NULL,
    approved_by        TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    version            BIGINT  NOT NULL DEFAULT 1,
    CHECK (from_warehouse_id <> to_warehouse_id)
);
CREATE INDEX transfers_from ON transfers (from_store_id, status);
CREATE INDEX transfers_to ON transfers (to_store_id, status);

-- A vehicle is in at most one open transfer: the partial unique index holds even when
-- two requests race.
CREATE TABLE transfer_items (
    transfer_id  BIGINT   NOT NULL REFERENCES transfers (id),
    vehicle_id   BIGINT   NOT NULL REFERENCES vehicles (id),
    is_open      BOOLEAN  NOT NULL DEFAULT TRUE,
    PRIMARY KEY (transfer_id, vehicle_id)
);
CREATE UNIQUE INDEX transfer_items_one_open ON transfer_items (vehicle_id) WHERE is_open;
