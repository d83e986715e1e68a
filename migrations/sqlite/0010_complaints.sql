-- Complaints (投诉) and satisfaction ratings (满意度): each store's response hours by
-- severity, the complaints with their timeline, and the rating links sent after a
-- completed service visit or order with their answers.
-- Kept in step with ../postgres/0010_complaints.sql.

-- A store's response hours per severity; a store without a row uses 4 / 24 / 72.
CREATE TABLE complaint_rules (
    store_id       BIGINT  PRIMARY KEY REFERENCES stores (id),
    urgent_hours   BIGINT  NOT NULL CHECK (urgent_hours BETWEEN 1 AND 720),
    serious_hours  BIGINT  NOT NULL CHECK (serious_hours BETWEEN 1 AND 720),
    normal_hours   BIGINT  NOT NULL CHECK (normal_hours BETWEEN 1 AND 720),
    updated_at     BIGINT  NOT NULL,
    updated_by     TEXT    NOT NULL,
    version        BIGINT  NOT NULL DEFAULT 1
);

-- A complaint. `reference` is what the customer quotes (8 characters, as booking codes).
-- `due_at` is the response deadline, fixed when it is made; `responded_at` the first
-- answer (taken up or resolved). `escalated_at` is set once, by one conditional UPDATE
-- (`… WHERE escalated_at IS NULL`), when it is overdue.
CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    reference       TEXT    NOT NULL UNIQUE,
    store_id        BIGINT  NOT NULL REFERENCES stores (id),
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'in_progress', 'resolved', 'closed')),
    category        TEXT    NOT NULL CHECK (category IN ('service_quality', 'repair_quality', 'sales', 'price', 'waiting', 'other')),
    severity        TEXT    NOT NULL CHECK (severity IN ('normal', 'serious', 'urgent')),
    source          TEXT    NOT NULL CHECK (source IN ('staff', 'public', 'rating')),
    description     TEXT    NOT NULL,
    customer_name   TEXT    NOT NULL DEFAULT '',
    mobile          TEXT    NOT NULL DEFAULT '',
    customer_id     BIGINT  REFERENCES customers (id),
    order_id        BIGINT  REFERENCES orders (id),
    vehicle_id      BIGINT  REFERENCES vehicles (id),
    appointment_id  BIGINT  REFERENCES appointments (id),
    rating_id       BIGINT,
    owner_id        BIGINT  REFERENCES users (id),
    due_at          BIGINT  NOT NULL,
    responded_at    BIGINT,
    resolved_at     BIGINT,
    closed_at       BIGINT,
    escalated_at    BIGINT,
    resolution      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    created_by      TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    updated_by      TEXT    NOT NULL,
    version         BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX complaints_store_status ON complaints (store_id, status, due_at);
CREATE INDEX complaints_unanswered ON complaints (due_at) WHERE escalated_at IS NULL AND responded_at IS NULL;

-- Every step of a complaint, in order: made, taken up, resolved, reopened, escalated…
CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id  BIGINT  NOT NULL REFERENCES complaints (id),
    at            BIGINT  NOT NULL,
    actor         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    from_status   TEXT,
    to_status     TEXT,
    note          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

-- A rating link: one per completed appointment or order (`subject_kind`, `subject_id`),
-- found by its random `token`, answerable once until `expires_at`. `staff_id` is the
-- advisor or salesperson who served the customer.
CREATE TABLE ratings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    token         TEXT    NOT NULL UNIQUE,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('appointment', 'order')),
    subject_id    BIGINT  NOT NULL,
    store_id      BIGINT  NOT NULL REFERENCES stores (id),
    staff_id      BIGINT  REFERENCES users (id),
    customer_id   BIGINT  REFERENCES customers (id),
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    answered_at   BIGINT,
    stars         BIGINT  CHECK (stars BETWEEN 1 AND 5),
    nps           BIGINT  CHECK (nps BETWEEN 0 AND 10),
    comment       TEXT    NOT NULL DEFAULT '',
    complaint_id  BIGINT  REFERENCES complaints (id),
    UNIQUE (subject_kind, subject_id)
);
CREATE INDEX ratings_store_answered ON ratings (store_id, answered_at);
