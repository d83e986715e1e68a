-- Analytics, second part: when each order reached each step (for its cycle time), when
-- each vehicle was sold (for stock turnover), how far each lead got (for the funnel), and
-- the summaries the reports read — each kept correct on every write, in the same
-- transaction, by the database itself.
-- Kept in step with ../postgres/0013_analytics_more.sql.

-- The moments an order last became approved (已审核), shipped (已发货) and completed
-- (已完成), in UTC milliseconds. Set on every write that moves the status (whoever writes
-- it: the tablet, the import, the REST API); cleared when an order goes back to draft,
-- approval or rejection; an order written in a later status names them or takes its
-- entry time.
ALTER TABLE orders ADD COLUMN approved_at BIGINT;
ALTER TABLE orders ADD COLUMN shipped_at BIGINT;
ALTER TABLE orders ADD COLUMN completed_at BIGINT;

-- When a vehicle was sold (已售 or 已交付): it left the dealer's stock.
ALTER TABLE vehicles ADD COLUMN sold_at BIGINT;
CREATE INDEX vehicles_sold ON vehicles (sold_at) WHERE sold_at IS NOT NULL;
CREATE INDEX vehicles_created ON vehicles (created_at);

-- How far a lead got (1 新线索, 2 已联系, 3 试驾, 4 洽谈, 5 成交): a lost lead keeps the
-- furthest stage it reached, so the funnel counts it there. `closed_at`: when it was won
-- or lost.
ALTER TABLE leads ADD COLUMN reached BIGINT NOT NULL DEFAULT 1;
ALTER TABLE leads ADD COLUMN closed_at BIGINT;
CREATE INDEX leads_created ON leads (created_at, store_id);
CREATE INDEX leads_store_created ON leads (store_id, created_at);
CREATE INDEX complaints_created ON complaints (created_at, store_id);
CREATE INDEX customers_created ON customers (created_at, store_id);
CREATE INDEX ratings_answered ON ratings (answered_at, store_id);

-- The steps of orders already stored: approval from the last round's decisions, shipping
-- and completion from the audit log, else the time of the last change or the entry.
UPDATE orders SET approved_at = COALESCE(
    (SELECT MAX(a.decided_at) FROM order_approvals a
     WHERE a.order_id = orders.id AND a.round = orders.approval_round AND a.decision = 'approved'),
    (SELECT MAX(l.at) FROM audit_log l WHERE l.entity = 'order' AND l.entity_id = CAST(orders.id AS TEXT)
       AND l.action = 'order.status' AND l.after_json LIKE '%"status":"approved"%'),
    orders.created_at)
WHERE status IN ('approved', 'shipped', 'completed');
UPDATE orders SET shipped_at = COALESCE(
    (SELECT MAX(l.at) FROM audit_log l WHERE l.entity = 'order' AND l.entity_id = CAST(orders.id AS TEXT)
       AND l.action = 'order.status' AND l.after_json LIKE '%"status":"shipped"%'),
    CASE WHEN status = 'shipped' THEN orders.updated_at ELSE orders.approved_at END)
WHERE status IN ('shipped', 'completed');
UPDATE orders SET completed_at = COALESCE(
    (SELECT MAX(l.at) FROM audit_log l WHERE l.entity = 'order' AND l.entity_id = CAST(orders.id AS TEXT)
       AND l.action = 'order.status' AND l.after_json LIKE '%"status":"completed"%'),
    orders.updated_at)
WHERE status = 'completed';
UPDATE vehicles SET sold_at = updated_at WHERE status IN ('sold', 'delivered');
UPDATE leads SET reached = CASE stage WHEN 'contacted' THEN 2 WHEN 'test_drive' THEN 3
    WHEN 'negotiating' THEN 4 WHEN 'won' THEN 5
    WHEN 'lost' THEN CASE WHEN last_contact_at IS NULL THEN 1 ELSE 2 END ELSE 1 END;
UPDATE leads SET closed_at = updated_at WHERE stage IN ('won', 'lost');

-- The buckets cycle times are counted in: an hour wide under a day, a day wide under two
-- weeks, a week wide under 13 weeks, then a quarter, half a year and beyond. Percentiles
-- are read from the counts, interpolated within a bucket; the mean is exact.
CREATE TABLE cycle_buckets (
    bucket  BIGINT  PRIMARY KEY,
    lo_ms   BIGINT  NOT NULL UNIQUE,
    hi_ms   BIGINT  NOT NULL
);
INSERT INTO cycle_buckets (bucket, lo_ms, hi_ms) VALUES
    (0, 0, 3600000), (1, 3600000, 7200000), (2, 7200000, 10800000), (3, 10800000, 14400000),
    (4, 14400000, 18000000), (5, 18000000, 21600000), (6, 21600000, 25200000), (7, 25200000, 28800000),
    (8, 28800000, 32400000), (9, 32400000, 36000000), (10, 36000000, 39600000), (11, 39600000, 43200000),
    (12, 43200000, 46800000), (13, 46800000, 50400000), (14, 50400000, 54000000), (15, 54000000, 57600000),
    (16, 57600000, 61200000), (17, 61200000, 64800000), (18, 64800000, 68400000), (19, 68400000, 72000000),
    (20, 72000000, 75600000), (21, 75600000, 79200000), (22, 79200000, 82800000), (23, 82800000, 86400000),
    (24, 86400000, 172800000), (25, 172800000, 259200000), (26, 259200000, 345600000), (27, 345600000, 432000000),
    (28, 432000000, 518400000), (29, 518400000, 604800000), (30, 604800000, 691200000), (31, 691200000, 777600000),
    (32, 777600000, 864000000), (33, 864000000, 950400000), (34, 950400000, 1036800000), (35, 1036800000, 1123200000),
    (36, 1123200000, 1209600000), (37, 1209600000, 1814400000), (38, 1814400000, 2419200000), (39, 2419200000, 3024000000),
    (40, 3024000000, 3628800000), (41, 3628800000, 4233600000), (42, 4233600000, 4838400000), (43, 4838400000, 5443200000),
    (44, 5443200000, 6048000000), (45, 6048000000, 6652800000), (46, 6652800000, 7257600000), (47, 7257600000, 7862400000),
    (48, 7862400000, 15724800000), (49, 15724800000, 31536000000), (50, 31536000000, 63072000000);

-- Orders' cycle times per China-time month the step ended in, store, salesperson (0:
-- none), step (`approval` entry → approved, `shipping` approved → shipped, `delivery`
-- shipped → completed, `total` entry → completed) and bucket: how many orders and their
-- summed time. Only orders that stand approved, shipped or completed count.
CREATE TABLE order_cycles (
    month           TEXT    NOT NULL,
    store_id        BIGINT  NOT NULL,
    salesperson_id  BIGINT  NOT NULL,
    stage           TEXT    NOT NULL,
    bucket          BIGINT  NOT NULL,
    orders          BIGINT  NOT NULL DEFAULT 0,
    total_ms        BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (month, store_id, salesperson_id, stage, bucket)
);
CREATE INDEX order_cycles_store ON order_cycles (store_id, month);

-- Orders waiting for a car (submitted or approved, no vehicle yet) per store and model:
-- what the reorder suggestion counts against stock.
CREATE TABLE order_backlog (
    store_id  BIGINT  NOT NULL,
    model_id  BIGINT  NOT NULL,
    orders    BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, model_id)
);

-- Each customer's cars bought (orders approved, shipped or completed), filed under the
-- customer's store: repeat purchase (复购) is two or more.
CREATE TABLE customer_purchases (
    customer_id  BIGINT  PRIMARY KEY,
    store_id     BIGINT  NOT NULL,
    units        BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX customer_purchases_store ON customer_purchases (store_id, units);
CREATE INDEX customer_purchases_units ON customer_purchases (units);

-- A store's monthly sales target (销售目标): units and revenue in fen.
CREATE TABLE sales_targets (
    store_id    BIGINT  NOT NULL REFERENCES stores (id),
    month       TEXT    NOT NULL,
    units       BIGINT  NOT NULL CHECK (units >= 0),
    revenue     BIGINT  NOT NULL CHECK (revenue >= 0),
    updated_at  BIGINT  NOT NULL,
    updated_by  TEXT    NOT NULL,
    PRIMARY KEY (store_id, month)
);

-- The group's analytics settings: the daily cost of holding a car in stock, in parts
-- per million of its cost (300: 0.03 % a day, about 11 % a year: financing, insurance,
-- space and loss of value together).
CREATE TABLE analytics_settings (
    id                BIGINT  PRIMARY KEY CHECK (id = 1),
    holding_rate_ppm  BIGINT  NOT NULL CHECK (holding_rate_ppm BETWEEN 0 AND 10000),
    updated_at        BIGINT  NOT NULL,
    updated_by        TEXT    NOT NULL
);
INSERT INTO analytics_settings (id, holding_rate_ppm, updated_at, updated_by) VALUES (1, 300, 0, 'system');

-- dialect-specific: begin

-- SQLite's triggers cannot call one another: each cycle step goes into the summary
-- through one view, a row inserted into `order_cycle_moves` putting it in (`sign` 1) or
-- taking it out (-1).
CREATE VIEW order_cycle_moves AS
SELECT '' AS stage, 0 AS store_id, 0 AS salesperson_id, 0 AS started, 0 AS ended, 0 AS sign WHERE 0;

CREATE TRIGGER order_cycle_moves INSTEAD OF INSERT ON order_cycle_moves
WHEN NEW.started IS NOT NULL AND NEW.ended IS NOT NULL
BEGIN
    INSERT INTO order_cycles (month, store_id, salesperson_id, stage, bucket, orders, total_ms)
    SELECT strftime('%Y-%m', NEW.ended / 1000 + 28800, 'unixepoch'), NEW.store_id, NEW.salesperson_id, NEW.stage,
           -- The bucket, as `cycle_buckets` lists them (a negative time counts as none).
           CASE WHEN NEW.ended - NEW.started < 86400000 THEN MAX(NEW.ended - NEW.started, 0) / 3600000
                WHEN NEW.ended - NEW.started < 1209600000 THEN 23 + (NEW.ended - NEW.started) / 86400000
                WHEN NEW.ended - NEW.started < 7862400000 THEN 37 + ((NEW.ended - NEW.started) / 86400000 - 14) / 7
                WHEN NEW.ended - NEW.started < 15724800000 THEN 48
                WHEN NEW.ended - NEW.started < 31536000000 THEN 49 ELSE 50 END,
           NEW.sign, NEW.sign * MAX(NEW.ended - NEW.started, 0)
    WHERE 1
    ON CONFLICT (month, store_id, salesperson_id, stage, bucket) DO UPDATE
    SET orders = orders + excluded.orders, total_ms = total_ms + excluded.total_ms;
END;

-- An order's four steps go in (or out) together, through a second view.
CREATE VIEW order_cycle_orders AS
SELECT 0 AS store_id, 0 AS salesperson_id, 0 AS created_at, 0 AS approved_at, 0 AS shipped_at,
       0 AS completed_at, 0 AS sign WHERE 0;

CREATE TRIGGER order_cycle_orders INSTEAD OF INSERT ON order_cycle_orders
BEGIN
    INSERT INTO order_cycle_moves (stage, store_id, salesperson_id, started, ended, sign)
    VALUES ('approval', NEW.store_id, NEW.salesperson_id, NEW.created_at, NEW.approved_at, NEW.sign),
           ('shipping', NEW.store_id, NEW.salesperson_id, NEW.approved_at, NEW.shipped_at, NEW.sign),
           ('delivery', NEW.store_id, NEW.salesperson_id, NEW.shipped_at, NEW.completed_at, NEW.sign),
           ('total', NEW.store_id, NEW.salesperson_id, NEW.created_at, NEW.completed_at, NEW.sign);
END;

-- An order's steps as its status moves: set when it reaches one, cleared when it goes
-- back before it. An order written straight into a later status (an import, demo data)
-- keeps the times it names, else takes its entry time.
CREATE TRIGGER order_steps_insert AFTER INSERT ON orders
WHEN NEW.status <> 'cancelled'
 AND (NEW.approved_at IS NOT (CASE WHEN NEW.status IN ('approved', 'shipped', 'completed')
                                   THEN COALESCE(NEW.approved_at, NEW.created_at) END)
   OR NEW.shipped_at IS NOT (CASE WHEN NEW.status IN ('shipped', 'completed')
                                  THEN COALESCE(NEW.shipped_at, NEW.created_at) END)
   OR NEW.completed_at IS NOT (CASE WHEN NEW.status = 'completed' THEN COALESCE(NEW.completed_at, NEW.created_at) END))
BEGIN
    UPDATE orders
    SET approved_at = CASE WHEN status IN ('approved', 'shipped', 'completed') THEN COALESCE(approved_at, created_at) END,
        shipped_at = CASE WHEN status IN ('shipped', 'completed') THEN COALESCE(shipped_at, created_at) END,
        completed_at = CASE WHEN status = 'completed' THEN COALESCE(completed_at, created_at) END
    WHERE id = NEW.id;
END;

CREATE TRIGGER order_steps_update AFTER UPDATE OF status ON orders
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE orders
    SET approved_at = CASE WHEN NEW.status = 'approved' THEN NEW.updated_at
                           WHEN NEW.status IN ('shipped', 'completed') THEN COALESCE(approved_at, NEW.updated_at)
                           WHEN NEW.status = 'cancelled' THEN approved_at END,
        shipped_at = CASE WHEN NEW.status = 'shipped' THEN NEW.updated_at
                          WHEN NEW.status = 'completed' THEN COALESCE(shipped_at, NEW.updated_at)
                          WHEN NEW.status = 'cancelled' THEN shipped_at END,
        completed_at = CASE WHEN NEW.status = 'completed' THEN NEW.updated_at
                            WHEN NEW.status = 'cancelled' THEN completed_at END
    WHERE id = NEW.id;
END;

-- Each summary follows an order through its own triggers, fired only when a column it
-- reads changed: holding a vehicle moves the backlog alone, a payment none of them.
CREATE TRIGGER order_summaries_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_cycle_orders (store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at, sign)
    SELECT NEW.store_id, COALESCE(NEW.salesperson_id, 0), NEW.created_at, NEW.approved_at, NEW.shipped_at,
           NEW.completed_at, 1
    WHERE NEW.status IN ('approved', 'shipped', 'completed');
    INSERT INTO customer_purchases (customer_id, store_id, units)
    SELECT c.id, c.store_id, 1 FROM customers c
    WHERE c.id = NEW.customer_id AND NEW.status IN ('approved', 'shipped', 'completed')
    ON CONFLICT (customer_id) DO UPDATE SET units = units + excluded.units;
    INSERT INTO order_backlog (store_id, model_id, orders)
    SELECT NEW.store_id, NEW.model_id, 1
    WHERE NEW.vehicle_id IS NULL AND NEW.status IN ('pending_approval', 'approved')
    ON CONFLICT (store_id, model_id) DO UPDATE SET orders = orders + excluded.orders;
END;

CREATE TRIGGER order_summaries_delete AFTER DELETE ON orders
BEGIN
    INSERT INTO order_cycle_orders (store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at, sign)
    SELECT OLD.store_id, COALESCE(OLD.salesperson_id, 0), OLD.created_at, OLD.approved_at, OLD.shipped_at,
           OLD.completed_at, -1
    WHERE OLD.status IN ('approved', 'shipped', 'completed');
    INSERT INTO customer_purchases (customer_id, store_id, units)
    SELECT c.id, c.store_id, -1 FROM customers c
    WHERE c.id = OLD.customer_id AND OLD.status IN ('approved', 'shipped', 'completed')
    ON CONFLICT (customer_id) DO UPDATE SET units = units + excluded.units;
    INSERT INTO order_backlog (store_id, model_id, orders)
    SELECT OLD.store_id, OLD.model_id, -1
    WHERE OLD.vehicle_id IS NULL AND OLD.status IN ('pending_approval', 'approved')
    ON CONFLICT (store_id, model_id) DO UPDATE SET orders = orders + excluded.orders;
END;

CREATE TRIGGER order_cycles_update
AFTER UPDATE OF status, store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at ON orders
WHEN OLD.status IS NOT NEW.status OR OLD.store_id IS NOT NEW.store_id OR OLD.salesperson_id IS NOT NEW.salesperson_id
  OR OLD.created_at IS NOT NEW.created_at OR OLD.approved_at IS NOT NEW.approved_at
  OR OLD.shipped_at IS NOT NEW.shipped_at OR OLD.completed_at IS NOT NEW.completed_at
BEGIN
    INSERT INTO order_cycle_orders (store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at, sign)
    SELECT OLD.store_id, COALESCE(OLD.salesperson_id, 0), OLD.created_at, OLD.approved_at, OLD.shipped_at,
           OLD.completed_at, -1
    WHERE OLD.status IN ('approved', 'shipped', 'completed');
    INSERT INTO order_cycle_orders (store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at, sign)
    SELECT NEW.store_id, COALESCE(NEW.salesperson_id, 0), NEW.created_at, NEW.approved_at, NEW.shipped_at,
           NEW.completed_at, 1
    WHERE NEW.status IN ('approved', 'shipped', 'completed');
END;

CREATE TRIGGER customer_purchases_update AFTER UPDATE OF status, customer_id ON orders
WHEN OLD.status IS NOT NEW.status OR OLD.customer_id IS NOT NEW.customer_id
BEGIN
    INSERT INTO customer_purchases (customer_id, store_id, units)
    SELECT c.id, c.store_id, -1 FROM customers c
    WHERE c.id = OLD.customer_id AND OLD.status IN ('approved', 'shipped', 'completed')
    ON CONFLICT (customer_id) DO UPDATE SET units = units + excluded.units;
    INSERT INTO customer_purchases (customer_id, store_id, units)
    SELECT c.id, c.store_id, 1 FROM customers c
    WHERE c.id = NEW.customer_id AND NEW.status IN ('approved', 'shipped', 'completed')
    ON CONFLICT (customer_id) DO UPDATE SET units = units + excluded.units;
END;

CREATE TRIGGER order_backlog_update AFTER UPDATE OF status, vehicle_id, store_id, model_id ON orders
WHEN OLD.status IS NOT NEW.status OR (OLD.vehicle_id IS NULL) IS NOT (NEW.vehicle_id IS NULL)
  OR OLD.store_id IS NOT NEW.store_id OR OLD.model_id IS NOT NEW.model_id
BEGIN
    INSERT INTO order_backlog (store_id, model_id, orders)
    SELECT OLD.store_id, OLD.model_id, -1
    WHERE OLD.vehicle_id IS NULL AND OLD.status IN ('pending_approval', 'approved')
    ON CONFLICT (store_id, model_id) DO UPDATE SET orders = orders + excluded.orders;
    INSERT INTO order_backlog (store_id, model_id, orders)
    SELECT NEW.store_id, NEW.model_id, 1
    WHERE NEW.vehicle_id IS NULL AND NEW.status IN ('pending_approval', 'approved')
    ON CONFLICT (store_id, model_id) DO UPDATE SET orders = orders + excluded.orders;
END;

-- A vehicle's sale: set when it becomes sold or delivered, cleared if it goes back.
CREATE TRIGGER vehicle_sold_insert AFTER INSERT ON vehicles
WHEN NEW.sold_at IS NOT (CASE WHEN NEW.status IN ('sold', 'delivered') THEN COALESCE(NEW.sold_at, NEW.updated_at) END)
BEGIN
    UPDATE vehicles SET sold_at = CASE WHEN status IN ('sold', 'delivered') THEN COALESCE(sold_at, updated_at) END
    WHERE id = NEW.id;
END;

CREATE TRIGGER vehicle_sold_update AFTER UPDATE OF status ON vehicles
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE vehicles
    SET sold_at = CASE WHEN NEW.status IN ('sold', 'delivered')
                       THEN CASE WHEN OLD.status IN ('sold', 'delivered') THEN sold_at ELSE NEW.updated_at END END
    WHERE id = NEW.id;
END;

-- How far a lead got, and when it closed, as its stage moves.
CREATE TRIGGER lead_reach_insert AFTER INSERT ON leads
BEGIN
    UPDATE leads
    SET reached = CASE WHEN stage = 'lost' THEN reached
                       ELSE MAX(reached, CASE stage WHEN 'contacted' THEN 2 WHEN 'test_drive' THEN 3
                                WHEN 'negotiating' THEN 4 WHEN 'won' THEN 5 ELSE 1 END) END,
        closed_at = CASE WHEN stage IN ('won', 'lost') THEN COALESCE(closed_at, updated_at) END
    WHERE id = NEW.id;
END;

CREATE TRIGGER lead_reach_update AFTER UPDATE OF stage ON leads
BEGIN
    UPDATE leads
    SET reached = CASE WHEN NEW.stage = 'lost' THEN reached
                       ELSE MAX(reached, CASE NEW.stage WHEN 'contacted' THEN 2 WHEN 'test_drive' THEN 3
                                WHEN 'negotiating' THEN 4 WHEN 'won' THEN 5 ELSE 1 END) END,
        closed_at = CASE WHEN NEW.stage NOT IN ('won', 'lost') THEN NULL
                         WHEN OLD.stage IN ('won', 'lost') AND NEW.stage = OLD.stage THEN closed_at
                         ELSE NEW.updated_at END
    WHERE id = NEW.id;
END;

-- What is already stored.
INSERT INTO order_cycle_orders (store_id, salesperson_id, created_at, approved_at, shipped_at, completed_at, sign)
SELECT store_id, COALESCE(salesperson_id, 0), created_at, approved_at, shipped_at, completed_at, 1
FROM orders WHERE status IN ('approved', 'shipped', 'completed');
INSERT INTO order_backlog (store_id, model_id, orders)
SELECT store_id, model_id, COUNT(*) FROM orders
WHERE vehicle_id IS NULL AND status IN ('pending_approval', 'approved')
GROUP BY store_id, model_id;
INSERT INTO customer_purchases (customer_id, store_id, units)
SELECT c.id, c.store_id, COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.status IN ('approved', 'shipped', 'completed')
GROUP BY c.id, c.store_id;
-- dialect-specific: end
