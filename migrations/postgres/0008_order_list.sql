-- The order list at a dealer group's volume: each filter the list offers walks an index
-- in the list's order (newest first), so its first page is read without a sort.
-- Kept in step with the other dialect's 0008_order_list.sql.
CREATE INDEX orders_store_created ON orders (store_id, created_at, id);
CREATE INDEX orders_status_created ON orders (status, created_at, id);
CREATE INDEX orders_model_created ON orders (model_id, created_at, id);
