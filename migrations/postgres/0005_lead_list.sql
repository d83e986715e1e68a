-- The lead board and list read the newest changes first, for the group, a store, or a
-- store's stage: each from an index in that order instead of sorting every lead.
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_store_updated ON leads (store_id, updated_at, id);
DROP INDEX leads_store_stage;
CREATE INDEX leads_store_stage ON leads (store_id, stage, updated_at, id);
