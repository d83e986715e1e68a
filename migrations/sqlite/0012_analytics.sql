-- Analytics: a daily sales summary kept correct on every write.
--
-- `sales_daily` holds, per China-time order day and (store, salesperson, model, trim,
-- colour, payment type), the orders that count as sold — approved, shipped or completed;
-- never drafts, orders waiting for approval, rejected or cancelled ones — with their
-- units, value (`revenue`: the orders' totals), what was collected net of refunds
-- (`paid`), discounts, and the cost of the vehicles allocated to them (`cost` over
-- `costed` units, whose totals are `costed_revenue`: the margin is their difference).
-- Triggers on `orders` take an order's old contribution out and put its new one in
-- whenever a column the summary reads changes, in the same transaction, so a report
-- never shows a stale figure. `salesperson_id` 0 stands for none. The triggers are
-- written in each database's own dialect.

CREATE TABLE sales_daily (
    day            TEXT    NOT NULL,
    store_id       BIGINT  NOT NULL,
    salesperson_id BIGINT  NOT NULL,
    model_id       BIGINT  NOT NULL,
    trim_id        BIGINT  NOT NULL,
    color_id       BIGINT  NOT NULL,
    payment_type   TEXT    NOT NULL,
    units          BIGINT  NOT NULL DEFAULT 0,
    revenue        BIGINT  NOT NULL DEFAULT 0,
    paid           BIGINT  NOT NULL DEFAULT 0,
    discount       BIGINT  NOT NULL DEFAULT 0,
    cost           BIGINT  NOT NULL DEFAULT 0,
    costed         BIGINT  NOT NULL DEFAULT 0,
    costed_revenue BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type)
);
CREATE INDEX sales_daily_store_day ON sales_daily (store_id, day);

-- dialect-specific: begin

CREATE TRIGGER sales_daily_insert AFTER INSERT ON orders
WHEN NEW.status IN ('approved', 'shipped', 'completed')
BEGIN
    INSERT INTO sales_daily (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type,
                             units, revenue, paid, discount, cost, costed, costed_revenue)
    VALUES (date(NEW.created_at / 1000 + 28800, 'unixepoch'), NEW.store_id, COALESCE(NEW.salesperson_id, 0),
            NEW.model_id, NEW.trim_id, NEW.color_id, NEW.payment_type, 1, NEW.total, NEW.paid, NEW.discount,
            COALESCE((SELECT cost_fen FROM vehicles WHERE id = NEW.vehicle_id), 0),
            (SELECT COUNT(*) FROM vehicles WHERE id = NEW.vehicle_id),
            NEW.total * (SELECT COUNT(*) FROM vehicles WHERE id = NEW.vehicle_id))
    ON CONFLICT (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type) DO UPDATE
    SET units = units + excluded.units, revenue = revenue + excluded.revenue, paid = paid + excluded.paid,
        discount = discount + excluded.discount, cost = cost + excluded.cost, costed = costed + excluded.costed,
        costed_revenue = costed_revenue + excluded.costed_revenue;
END;

CREATE TRIGGER sales_daily_update_out
AFTER UPDATE OF status, store_id, salesperson_id, model_id, trim_id, color_id, payment_type, total, paid,
                discount, vehicle_id, created_at ON orders
WHEN OLD.status IN ('approved', 'shipped', 'completed')
BEGIN
    UPDATE sales_daily
    SET units = units - 1, revenue = revenue - OLD.total, paid = paid - OLD.paid, discount = discount - OLD.discount,
        cost = cost - COALESCE((SELECT cost_fen FROM vehicles WHERE id = OLD.vehicle_id), 0),
        costed = costed - (SELECT COUNT(*) FROM vehicles WHERE id = OLD.vehicle_id),
        costed_revenue = costed_revenue - OLD.total * (SELECT COUNT(*) FROM vehicles WHERE id = OLD.vehicle_id)
    WHERE day = date(OLD.created_at / 1000 + 28800, 'unixepoch') AND store_id = OLD.store_id
      AND salesperson_id = COALESCE(OLD.salesperson_id, 0) AND model_id = OLD.model_id
      AND trim_id = OLD.trim_id AND color_id = OLD.color_id AND payment_type = OLD.payment_type;
END;

CREATE TRIGGER sales_daily_update_in
AFTER UPDATE OF status, store_id, salesperson_id, model_id, trim_id, color_id, payment_type, total, paid,
                discount, vehicle_id, created_at ON orders
WHEN NEW.status IN ('approved', 'shipped', 'completed')
BEGIN
    INSERT INTO sales_daily (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type,
                             units, revenue, paid, discount, cost, costed, costed_revenue)
    VALUES (date(NEW.created_at / 1000 + 28800, 'unixepoch'), NEW.store_id, COALESCE(NEW.salesperson_id, 0),
            NEW.model_id, NEW.trim_id, NEW.color_id, NEW.payment_type, 1, NEW.total, NEW.paid, NEW.discount,
            COALESCE((SELECT cost_fen FROM vehicles WHERE id = NEW.vehicle_id), 0),
            (SELECT COUNT(*) FROM vehicles WHERE id = NEW.vehicle_id),
            NEW.total * (SELECT COUNT(*) FROM vehicles WHERE id = NEW.vehicle_id))
    ON CONFLICT (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type) DO UPDATE
    SET units = units + excluded.units, revenue = revenue + excluded.revenue, paid = paid + excluded.paid,
        discount = discount + excluded.discount, cost = cost + excluded.cost, costed = costed + excluded.costed,
        costed_revenue = costed_revenue + excluded.costed_revenue;
END;

CREATE TRIGGER sales_daily_delete AFTER DELETE ON orders
WHEN OLD.status IN ('approved', 'shipped', 'completed')
BEGIN
    UPDATE sales_daily
    SET units = units - 1, revenue = revenue - OLD.total, paid = paid - OLD.paid, discount = discount - OLD.discount,
        cost = cost - COALESCE((SELECT cost_fen FROM vehicles WHERE id = OLD.vehicle_id), 0),
        costed = costed - (SELECT COUNT(*) FROM vehicles WHERE id = OLD.vehicle_id),
        costed_revenue = costed_revenue - OLD.total * (SELECT COUNT(*) FROM vehicles WHERE id = OLD.vehicle_id)
    WHERE day = date(OLD.created_at / 1000 + 28800, 'unixepoch') AND store_id = OLD.store_id
      AND salesperson_id = COALESCE(OLD.salesperson_id, 0) AND model_id = OLD.model_id
      AND trim_id = OLD.trim_id AND color_id = OLD.color_id AND payment_type = OLD.payment_type;
END;

-- A vehicle's cost corrected after its sale: the summary's cost follows.
CREATE TRIGGER sales_daily_cost AFTER UPDATE OF cost_fen ON vehicles
BEGIN
    UPDATE sales_daily SET cost = cost + NEW.cost_fen - OLD.cost_fen
    WHERE (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type) IN (
        SELECT date(o.created_at / 1000 + 28800, 'unixepoch'), o.store_id, COALESCE(o.salesperson_id, 0),
               o.model_id, o.trim_id, o.color_id, o.payment_type
        FROM orders o WHERE o.vehicle_id = NEW.id AND o.status IN ('approved', 'shipped', 'completed'));
END;

-- The orders already stored.
INSERT INTO sales_daily (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type,
                         units, revenue, paid, discount, cost, costed, costed_revenue)
SELECT date(o.created_at / 1000 + 28800, 'unixepoch'), o.store_id, COALESCE(o.salesperson_id, 0), o.model_id,
       o.trim_id, o.color_id, o.payment_type, COUNT(*), SUM(o.total), SUM(o.paid), SUM(o.discount),
       COALESCE(SUM(v.cost_fen), 0), COUNT(v.id),
       COALESCE(SUM(CASE WHEN v.id IS NULL THEN 0 ELSE o.total END), 0)
FROM orders o LEFT JOIN vehicles v ON v.id = o.vehicle_id
WHERE o.status IN ('approved', 'shipped', 'completed')
GROUP BY 1, 2, 3, 4, 5, 6, 7;
-- dialect-specific: end
