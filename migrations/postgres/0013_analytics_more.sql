-- Analytics, second part: when each order reached each step (for its cycle time), when
-- each vehicle was sold (for stock turnover), how far each lead got (for the funnel), and
-- the summaries the reports read — each kept correct on every write, in the same
-- transaction, by the database itself.
-- Kept in step with ../sqlite/0013_analytics_more.sql.

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

-- The China-time month (UTC+8) of a moment in UTC milliseconds (PL/pgSQL: its one
-- expression is evaluated without planning a query on every call).
CREATE FUNCTION china_month(ms BIGINT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS
$$ BEGIN RETURN to_char(to_timestamp((ms / 1000 + 28800)::double precision) AT TIME ZONE 'UTC', 'YYYY-MM'); END $$;

-- The bucket a duration falls in, as `cycle_buckets` lists them (a negative one counts
-- as none): arithmetic the planner folds into the statement that calls it.
CREATE FUNCTION cycle_bucket(ms BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN ms < 86400000 THEN GREATEST(ms, 0) / 3600000
               WHEN ms < 1209600000 THEN 23 + ms / 86400000
               WHEN ms < 7862400000 THEN 37 + (ms / 86400000 - 14) / 7
               WHEN ms < 15724800000 THEN 48 WHEN ms < 31536000000 THEN 49 ELSE 50 END $$;

-- An order's steps as its status moves: set when it reaches one, cleared when it goes
-- back before it. An order written straight into a later status (an import, demo data)
-- keeps the times it names, else takes its entry time.
CREATE FUNCTION order_steps() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    at BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    at := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END;
    IF NEW.status IN ('draft', 'pending_approval', 'rejected') THEN
        NEW.approved_at := NULL;
        NEW.shipped_at := NULL;
        NEW.completed_at := NULL;
    ELSIF NEW.status = 'approved' THEN
        IF TG_OP = 'UPDATE' OR NEW.approved_at IS NULL THEN
            NEW.approved_at := at;
        END IF;
        NEW.shipped_at := NULL;
        NEW.completed_at := NULL;
    ELSIF NEW.status = 'shipped' THEN
        NEW.approved_at := COALESCE(NEW.approved_at, at);
        IF TG_OP = 'UPDATE' OR NEW.shipped_at IS NULL THEN
            NEW.shipped_at := at;
        END IF;
        NEW.completed_at := NULL;
    ELSIF NEW.status = 'completed' THEN
        NEW.approved_at := COALESCE(NEW.approved_at, at);
        NEW.shipped_at := COALESCE(NEW.shipped_at, at);
        IF TG_OP = 'UPDATE' OR NEW.completed_at IS NULL THEN
            NEW.completed_at := at;
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER order_steps BEFORE INSERT OR UPDATE OF status ON orders
FOR EACH ROW EXECUTE FUNCTION order_steps();

-- An order's cycle steps in or out of the summary (`sign` 1 or -1), in one statement.
CREATE FUNCTION order_cycles_apply(o orders, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF o.status NOT IN ('approved', 'shipped', 'completed') THEN
        RETURN;
    END IF;
    INSERT INTO order_cycles AS c (month, store_id, salesperson_id, stage, bucket, orders, total_ms)
    SELECT china_month(s.ended), o.store_id, COALESCE(o.salesperson_id, 0), s.step, cycle_bucket(s.ended - s.started),
           sign, sign * GREATEST(s.ended - s.started, 0)
    FROM (VALUES ('approval', o.created_at, o.approved_at), ('shipping', o.approved_at, o.shipped_at),
                 ('delivery', o.shipped_at, o.completed_at), ('total', o.created_at, o.completed_at))
         AS s (step, started, ended)
    WHERE s.started IS NOT NULL AND s.ended IS NOT NULL
    ON CONFLICT ON CONSTRAINT order_cycles_pkey DO UPDATE
    SET orders = c.orders + excluded.orders, total_ms = c.total_ms + excluded.total_ms;
END $$;

-- An order among its customer's purchases, or not.
CREATE FUNCTION customer_purchases_apply(o orders, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF o.status IN ('approved', 'shipped', 'completed') THEN
        INSERT INTO customer_purchases AS p (customer_id, store_id, units)
        SELECT c.id, c.store_id, sign FROM customers c WHERE c.id = o.customer_id
        ON CONFLICT (customer_id) DO UPDATE SET units = p.units + excluded.units;
    END IF;
END $$;

-- An order among those waiting for a car, or not.
CREATE FUNCTION order_backlog_apply(o orders, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF o.vehicle_id IS NULL AND o.status IN ('pending_approval', 'approved') THEN
        INSERT INTO order_backlog AS b (store_id, model_id, orders) VALUES (o.store_id, o.model_id, sign)
        ON CONFLICT (store_id, model_id) DO UPDATE SET orders = b.orders + excluded.orders;
    END IF;
END $$;

-- Each summary is touched only when a column it reads changed: holding a vehicle moves
-- the backlog alone, a payment none of them.
CREATE FUNCTION order_summaries_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM order_cycles_apply(NEW, 1);
        PERFORM customer_purchases_apply(NEW, 1);
        PERFORM order_backlog_apply(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM order_cycles_apply(OLD, -1);
        PERFORM customer_purchases_apply(OLD, -1);
        PERFORM order_backlog_apply(OLD, -1);
    ELSE
        IF (OLD.status, OLD.store_id, OLD.salesperson_id, OLD.created_at, OLD.approved_at, OLD.shipped_at,
            OLD.completed_at) IS DISTINCT FROM (NEW.status, NEW.store_id, NEW.salesperson_id, NEW.created_at,
            NEW.approved_at, NEW.shipped_at, NEW.completed_at) THEN
            PERFORM order_cycles_apply(OLD, -1);
            PERFORM order_cycles_apply(NEW, 1);
        END IF;
        IF (OLD.status, OLD.customer_id) IS DISTINCT FROM (NEW.status, NEW.customer_id) THEN
            PERFORM customer_purchases_apply(OLD, -1);
            PERFORM customer_purchases_apply(NEW, 1);
        END IF;
        IF (OLD.status, OLD.vehicle_id IS NULL, OLD.store_id, OLD.model_id)
           IS DISTINCT FROM (NEW.status, NEW.vehicle_id IS NULL, NEW.store_id, NEW.model_id) THEN
            PERFORM order_backlog_apply(OLD, -1);
            PERFORM order_backlog_apply(NEW, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER order_summaries_follow
AFTER INSERT OR DELETE
   OR UPDATE OF status, store_id, salesperson_id, customer_id, model_id, vehicle_id, created_at, approved_at,
                shipped_at, completed_at
ON orders FOR EACH ROW EXECUTE FUNCTION order_summaries_follow();

-- A vehicle's sale: set when it becomes sold or delivered, cleared if it goes back.
CREATE FUNCTION vehicle_sold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IN ('sold', 'delivered') THEN
        IF TG_OP = 'INSERT' THEN
            NEW.sold_at := COALESCE(NEW.sold_at, NEW.updated_at);
        ELSIF OLD.status NOT IN ('sold', 'delivered') THEN
            NEW.sold_at := NEW.updated_at;
        END IF;
    ELSE
        NEW.sold_at := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER vehicle_sold BEFORE INSERT OR UPDATE OF status ON vehicles
FOR EACH ROW EXECUTE FUNCTION vehicle_sold();

-- How far a lead got, and when it closed, as its stage moves.
CREATE FUNCTION lead_reach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage <> 'lost' THEN
        NEW.reached := GREATEST(NEW.reached, CASE NEW.stage WHEN 'contacted' THEN 2 WHEN 'test_drive' THEN 3
            WHEN 'negotiating' THEN 4 WHEN 'won' THEN 5 ELSE 1 END);
    END IF;
    IF NEW.stage NOT IN ('won', 'lost') THEN
        NEW.closed_at := NULL;
    ELSIF TG_OP = 'INSERT' THEN
        NEW.closed_at := COALESCE(NEW.closed_at, NEW.updated_at);
    ELSIF OLD.stage NOT IN ('won', 'lost') OR NEW.stage <> OLD.stage THEN
        NEW.closed_at := NEW.updated_at;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER lead_reach BEFORE INSERT OR UPDATE OF stage ON leads
FOR EACH ROW EXECUTE FUNCTION lead_reach();

-- What is already stored.
INSERT INTO order_cycles (month, store_id, salesperson_id, stage, bucket, orders, total_ms)
SELECT china_month(s.ended), s.store_id, s.salesperson_id, s.stage, cycle_bucket(s.ended - s.started), COUNT(*),
       SUM(GREATEST(s.ended - s.started, 0))
FROM (SELECT o.store_id, COALESCE(o.salesperson_id, 0) AS salesperson_id, st.stage,
             CASE st.stage WHEN 'approval' THEN o.created_at WHEN 'shipping' THEN o.approved_at
                           WHEN 'delivery' THEN o.shipped_at ELSE o.created_at END AS started,
             CASE st.stage WHEN 'approval' THEN o.approved_at WHEN 'shipping' THEN o.shipped_at
                           ELSE o.completed_at END AS ended
      FROM orders o CROSS JOIN (VALUES ('approval'), ('shipping'), ('delivery'), ('total')) AS st (stage)
      WHERE o.status IN ('approved', 'shipped', 'completed')) s
WHERE s.started IS NOT NULL AND s.ended IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO order_backlog (store_id, model_id, orders)
SELECT store_id, model_id, COUNT(*) FROM orders
WHERE vehicle_id IS NULL AND status IN ('pending_approval', 'approved')
GROUP BY store_id, model_id;
INSERT INTO customer_purchases (customer_id, store_id, units)
SELECT c.id, c.store_id, COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.status IN ('approved', 'shipped', 'completed')
GROUP BY c.id, c.store_id;
-- dialect-specific: end
