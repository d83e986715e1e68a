-- Orders: a sale from entry through approval to delivery, its extra lines, payments and
-- approval decisions; each store's approval rules; the daily order-number counters; and
-- the idempotency keys the REST API keeps for retried requests.
-- Kept in step with ../postgres/0006_orders.sql.

-- `vehicle_id` is the vehicle the order holds (reserved for it, then sold and delivered
-- to its customer). A vehicle is held by at most one order: the partial unique index
-- refuses a second holder even when two requests from two server processes race.
-- Releasing sets `vehicle_id` to NULL; a cancelled or rejected order never holds one.
-- `hold_until` is the end of a draft's timed hold (a reservation against a deposit).
-- `discount_kind` says how the discount was given (an amount, or a percent kept exact in
-- `discount_bp`). `approval_round` counts submissions for approval; `approval_levels`
-- lists the levels the current round needs (`1:sales_manager,2:general_manager`).
CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    number             TEXT    NOT NULL UNIQUE,
    store_id           BIGINT  NOT NULL REFERENCES stores (id),
    customer_id        BIGINT  NOT NULL REFERENCES customers (id),
    salesperson_id     BIGINT  REFERENCES users (id),
    created_by         BIGINT  REFERENCES users (id),
    status             TEXT    NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'shipped', 'completed', 'rejected', 'cancelled')),
    model_id           BIGINT  NOT NULL REFERENCES models (id),
    trim_id            BIGINT  NOT NULL REFERENCES trims (id),
    color_id           BIGINT  NOT NULL REFERENCES colors (id),
    vehicle_id         BIGINT  REFERENCES vehicles (id),
    hold_until         BIGINT,
    list_price         BIGINT  NOT NULL CHECK (list_price >= 0),
    discount           BIGINT  NOT NULL CHECK (discount >= 0),
    discount_bp        BIGINT  NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
    discount_kind      TEXT    NOT NULL DEFAULT 'amount' CHECK (discount_kind IN ('amount', 'percent')),
    extras_total       BIGINT  NOT NULL CHECK (extras_total >= 0),
    total              BIGINT  NOT NULL CHECK (total >= 0),
    paid               BIGINT  NOT NULL DEFAULT 0 CHECK (paid >= 0),
    payment_type       TEXT    NOT NULL CHECK (payment_type IN ('full', 'loan', 'instalment')),
    expected_delivery  TEXT,
    notes              TEXT    NOT NULL DEFAULT '',
    cancel_reason      TEXT    NOT NULL DEFAULT '',
    approval_round     BIGINT  NOT NULL DEFAULT 0,
    approval_levels    TEXT    NOT NULL DEFAULT '',
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    updated_by         TEXT    NOT NULL,
    version            BIGINT  NOT NULL DEFAULT 1,
    CHECK (vehicle_id IS NULL OR status NOT IN ('cancelled', 'rejected')),
    CHECK (hold_until IS NULL OR vehicle_id IS NOT NULL),
    CHECK (paid <= total)
);
CREATE UNIQUE INDEX orders_one_holder ON orders (vehicle_id) WHERE vehicle_id IS NOT NULL;
CREATE INDEX orders_store_status ON orders (store_id, status, created_at);
CREATE INDEX orders_salesperson ON orders (salesperson_id, created_at);
CREATE INDEX orders_creator ON orders (created_by, created_at);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_hold ON orders (hold_until) WHERE hold_until IS NOT NULL;

-- What is sold with the car, in the order it was entered.
CREATE TABLE order_extras (
    order_id     BIGINT  NOT NULL REFERENCES orders (id),
    position     BIGINT  NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('accessory', 'insurance', 'registration', 'warranty', 'other')),
    description  TEXT    NOT NULL DEFAULT '',
    price        BIGINT  NOT NULL CHECK (price >= 0),
    PRIMARY KEY (order_id, position)
);

-- Money in and out: the deposit, balances, and refunds (a negative amount).
CREATE TABLE order_payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    BIGINT  NOT NULL REFERENCES orders (id),
    amount      BIGINT  NOT NULL CHECK (amount <> 0),
    method      TEXT    NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'wechat', 'alipay')),
    paid_at     BIGINT  NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_by  TEXT    NOT NULL
);
CREATE INDEX order_payments_order ON order_payments (order_id, id);

-- One decision per level of one approval round: two approvers deciding the same level at
-- once get one decision, the other a conflict. `carried` marks an approval kept from the
-- round before, when a change did not ask that level again.
CREATE TABLE order_approvals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         BIGINT  NOT NULL REFERENCES orders (id),
    round            BIGINT  NOT NULL,
    level            BIGINT  NOT NULL CHECK (level BETWEEN 1 AND 5),
    role             TEXT    NOT NULL CHECK (role IN ('sales_manager', 'general_manager')),
    decision         TEXT    NOT NULL CHECK (decision IN ('approved', 'rejected')),
    decided_by       BIGINT  REFERENCES users (id),
    decided_by_name  TEXT    NOT NULL,
    comment          TEXT    NOT NULL DEFAULT '',
    carried          BOOLEAN NOT NULL DEFAULT FALSE,
    decided_at       BIGINT  NOT NULL,
    UNIQUE (order_id, round, level)
);

-- A store's approval rules, in the order the administrator lists them. A store without
-- rows uses the default rules (app/src/orders/domain/approval.rs).
CREATE TABLE approval_rules (
    store_id         BIGINT  NOT NULL REFERENCES stores (id),
    position         BIGINT  NOT NULL,
    condition_kind   TEXT    NOT NULL CHECK (condition_kind IN ('any', 'discount_over_bp', 'total_over', 'model_in', 'payment_type_is')),
    condition_value  TEXT    NOT NULL DEFAULT '',
    level            BIGINT  NOT NULL CHECK (level BETWEEN 1 AND 5),
    role             TEXT    NOT NULL CHECK (role IN ('sales_manager', 'general_manager')),
    updated_at       BIGINT  NOT NULL,
    updated_by       TEXT    NOT NULL,
    PRIMARY KEY (store_id, position)
);

-- The last order number given per store and day (China time): taken by an atomic
-- upsert-and-increment inside the transaction that creates the order.
CREATE TABLE order_sequences (
    store_id  BIGINT  NOT NULL REFERENCES stores (id),
    day       TEXT    NOT NULL,
    last      BIGINT  NOT NULL,
    PRIMARY KEY (store_id, day)
);

-- What a request with an `Idempotency-Key` answered, per caller, so a retry gets the same
-- answer and creates nothing twice.
CREATE TABLE idempotency_keys (
    principal     TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        BIGINT  NOT NULL,
    body          TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
