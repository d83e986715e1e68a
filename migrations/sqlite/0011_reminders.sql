-- Reminders (提醒): an outbox of messages — SMS or WeChat template text in Chinese — for
-- the day before and two hours before each service appointment, and for follow-up tasks
-- as they come due. A background job plans them and sends each one once: a process takes
-- a batch by marking it `sending` under its name until `claimed_until`, so another
-- process passes over it; a failed send is tried again later (`next_attempt_at`) up to a
-- limit, then left `failed` for the page to show. `event_at` is the moment the message is
-- about (an appointment's start): a booking moved elsewhere leaves its old reminders
-- cancelled and gets new ones. `deliveries` counts sends: one, however many processes run.
-- Kept in step with ../postgres/0011_reminders.sql.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT    NOT NULL CHECK (kind IN ('appointment_day_before', 'appointment_soon', 'follow_up_due')),
    subject_id       BIGINT  NOT NULL,
    event_at         BIGINT  NOT NULL,
    store_id         BIGINT  NOT NULL REFERENCES stores (id),
    channel          TEXT    NOT NULL CHECK (channel IN ('sms', 'wechat')),
    recipient        TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    due_at           BIGINT  NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_by       TEXT    NOT NULL DEFAULT '',
    claimed_until    BIGINT,
    sent_at          BIGINT,
    deliveries       BIGINT  NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    UNIQUE (kind, subject_id, event_at)
);
CREATE INDEX outbox_next ON outbox (status, next_attempt_at);
CREATE INDEX outbox_store ON outbox (store_id, due_at);
