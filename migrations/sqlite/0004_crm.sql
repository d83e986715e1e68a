-- CRM: customer profiles, leads and their stages, follow-up tasks.
-- Kept in step with ../postgres/0004_crm.sql.

-- The profiles the foundation began (name, phone, source, owner) grow into full ones.
-- `mobile` is stored in one form (11 digits, see app/src/domain/phone.rs), so every
-- spelling of a number finds the same customer; it is unique across the group among
-- profiles not merged into another. `initials` holds the pinyin initials of the name
-- (张三 → zs) for search; rows from before are filled in at start-up.
ALTER TABLE customers RENAME COLUMN phone TO mobile;
ALTER TABLE customers RENAME COLUMN owner_user_id TO owner_id;
ALTER TABLE customers ADD COLUMN initials TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN mobile_last4 TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone2 TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN wechat TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN budget TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN preferred_models TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN preferred_colors TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN fuel TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN timeframe TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN consent_at BIGINT;
ALTER TABLE customers ADD COLUMN merged_into BIGINT REFERENCES customers (id);
UPDATE customers SET mobile_last4 = substr(mobile, length(mobile) - 3);
UPDATE customers SET source = CASE source WHEN 'online' THEN 'website' WHEN 'event' THEN 'auto_show' ELSE 'walk_in' END
 WHERE source NOT IN ('walk_in', 'phone', 'website', 'referral', 'auto_show', 'api');
-- One mobile, one customer: a mobile held in two stores keeps its oldest profile; the
-- others are marked merged into it, their mobile set aside (`13800138000#42`) as a merge
-- does (app/src/crm/service/customers.rs).
UPDATE customers SET merged_into = (SELECT MIN(o.id) FROM customers o WHERE o.mobile = customers.mobile),
                     mobile = mobile || '#' || CAST(id AS TEXT)
 WHERE id > (SELECT MIN(o.id) FROM customers o WHERE o.mobile = customers.mobile);
CREATE UNIQUE INDEX customers_mobile ON customers (mobile) WHERE merged_into IS NULL;
CREATE INDEX customers_store_owner ON customers (store_id, owner_id);
CREATE INDEX customers_last4 ON customers (mobile_last4);
CREATE INDEX customers_initials ON customers (initials);
CREATE INDEX customers_name ON customers (name);
-- The list's orders and filters, over live profiles only (the list always says so), so
-- counting a store's consenting customers never reads the table.
CREATE INDEX customers_updated ON customers (updated_at, id) WHERE merged_into IS NULL;
CREATE INDEX customers_store_updated ON customers (store_id, updated_at, id) WHERE merged_into IS NULL;
CREATE INDEX customers_store_initials ON customers (store_id, initials);
CREATE INDEX customers_store_name ON customers (store_id, name);
CREATE INDEX customers_consent ON customers (consent, updated_at, id) WHERE merged_into IS NULL;
CREATE INDEX customers_store_consent ON customers (store_id, consent, updated_at, id) WHERE merged_into IS NULL;

-- A customer's way to a purchase: 新线索 → 已联系 → 试驾 → 洽谈 → 成交 / 战败.
CREATE TABLE leads (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id      BIGINT  NOT NULL REFERENCES customers (id),
    store_id         BIGINT  NOT NULL REFERENCES stores (id),
    owner_id         BIGINT  REFERENCES users (id),
    stage            TEXT    NOT NULL CHECK (stage IN ('new', 'contacted', 'test_drive', 'negotiating', 'won', 'lost')),
    model_id         BIGINT  REFERENCES models (id),
    lost_reason      TEXT    NOT NULL DEFAULT '',
    lost_note        TEXT    NOT NULL DEFAULT '',
    last_contact_at  BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX leads_customer ON leads (customer_id);
CREATE INDEX leads_store_stage ON leads (store_id, stage);

-- A planned contact with a customer; done when `done_at` is set, with its outcome.
CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  BIGINT  NOT NULL REFERENCES customers (id),
    store_id     BIGINT  NOT NULL REFERENCES stores (id),
    owner_id     BIGINT  NOT NULL REFERENCES users (id),
    due_at       BIGINT  NOT NULL,
    channel      TEXT    NOT NULL CHECK (channel IN ('call', 'wechat', 'sms', 'visit', 'test_drive')),
    goal         TEXT    NOT NULL,
    outcome      TEXT    NOT NULL DEFAULT '',
    done_at      BIGINT,
    created_at   BIGINT  NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE INDEX follow_ups_owner_due ON follow_ups (owner_id, done_at, due_at);
CREATE INDEX follow_ups_store_due ON follow_ups (store_id, done_at, due_at);
CREATE INDEX follow_ups_customer ON follow_ups (customer_id, due_at);
