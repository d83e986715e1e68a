-- A lead keeps where it came from (the customer's source when it was opened), so the
-- lead list filters by source from an index, however rare the source.
ALTER TABLE leads ADD COLUMN source TEXT NOT NULL DEFAULT 'walk_in';
UPDATE leads SET source = (SELECT c.source FROM customers c WHERE c.id = leads.customer_id);

-- The lead board and list read the newest changes first, for the group, a store, a
-- store's stage or a source: each from an index in that order instead of sorting every
-- lead.
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_store_updated ON leads (store_id, updated_at, id);
DROP INDEX leads_store_stage;
CREATE INDEX leads_store_stage ON leads (store_id, stage, updated_at, id);
CREATE INDEX leads_source ON leads (source, updated_at, id);
CREATE INDEX leads_store_source ON leads (store_id, source, updated_at, id);
