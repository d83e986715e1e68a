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

-- The China-time day (UTC+8, no daylight saving) of a moment in UTC milliseconds.
CREATE FUNCTION china_day(ms BIGINT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS
$$ SELECT to_char(to_timestamp((ms / 1000 + 28800)::double precision) AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;

-- Adds one order's contribution (`sign` 1) or takes it out (`sign` -1).
CREATE FUNCTION sales_daily_apply(o orders, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT;
    n BIGINT;
BEGIN
    IF o.status NOT IN ('approved', 'shipped', 'completed') THEN
        RETURN;
    END IF;
    SELECT cost_fen, 1 INTO c, n FROM vehicles WHERE id = o.vehicle_id;
    INSERT INTO sales_daily AS s (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type,
                                  units, revenue, paid, discount, cost, costed, costed_revenue)
    VALUES (china_day(o.created_at), o.store_id, COALESCE(o.salesperson_id, 0), o.model_id, o.trim_id,
            o.color_id, o.payment_type, sign, sign * o.total, sign * o.paid, sign * o.discount,
            sign * COALESCE(c, 0), sign * COALESCE(n, 0), sign * COALESCE(n, 0) * o.total)
    ON CONFLICT (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type) DO UPDATE
    SET units = s.units + excluded.units, revenue = s.revenue + excluded.revenue, paid = s.paid + excluded.paid,
        discount = s.discount + excluded.discount, cost = s.cost + excluded.cost,
        costed = s.costed + excluded.costed, costed_revenue = s.costed_revenue + excluded.costed_revenue;
END $$;

CREATE FUNCTION sales_daily_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM sales_daily_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM sales_daily_apply(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_daily_follow
AFTER INSERT OR DELETE
   OR UPDATE OF status, store_id, salesperson_id, model_id, trim_id, color_id, payment_type, total, paid,
                discount, vehicle_id, created_at
ON orders FOR EACH ROW EXECUTE FUNCTION sales_daily_follow();

-- A vehicle's cost corrected after its sale: the summary's cost follows.
CREATE FUNCTION sales_daily_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_daily s SET cost = s.cost + NEW.cost_fen - OLD.cost_fen
    FROM orders o
    WHERE o.vehicle_id = NEW.id AND o.status IN ('approved', 'shipped', 'completed')
      AND s.day = china_day(o.created_at) AND s.store_id = o.store_id
      AND s.salesperson_id = COALESCE(o.salesperson_id, 0) AND s.model_id = o.model_id
      AND s.trim_id = o.trim_id AND s.color_id = o.color_id AND s.payment_type = o.payment_type;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_daily_cost AFTER UPDATE OF cost_fen ON vehicles
FOR EACH ROW WHEN (NEW.cost_fen IS DISTINCT FROM OLD.cost_fen) EXECUTE FUNCTION sales_daily_cost();

-- The orders already stored.
INSERT INTO sales_daily (day, store_id, salesperson_id, model_id, trim_id, color_id, payment_type,
                         units, revenue, paid, discount, cost, costed, costed_revenue)
SELECT china_day(o.created_at), o.store_id, COALESCE(o.salesperson_id, 0), o.model_id, o.trim_id, o.color_id,
       o.payment_type, COUNT(*), SUM(o.total), SUM(o.paid), SUM(o.discount), COALESCE(SUM(v.cost_fen), 0),
       COUNT(v.id), COALESCE(SUM(CASE WHEN v.id IS NULL THEN 0 ELSE o.total END), 0)
FROM orders o LEFT JOIN vehicles v ON v.id = o.vehicle_id
WHERE o.status IN ('approved', 'shipped', 'completed')
GROUP BY 1, 2, 3, 4, 5, 6, 7;
-- dialect-specific: end
