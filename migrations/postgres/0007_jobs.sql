-- Background jobs that run once per period however many server processes run: a process
-- runs a job only after moving its `run_at` on, which one process at a time can do.
CREATE TABLE jobs (
    name          TEXT    PRIMARY KEY,
    every_ms      BIGINT  NOT NULL,
    run_at        BIGINT  NOT NULL,
    claimed_by    TEXT    NOT NULL DEFAULT '',
    claimed_at    BIGINT,
    last_run_at   BIGINT,
    last_error    TEXT    NOT NULL DEFAULT '',
    runs          BIGINT  NOT NULL DEFAULT 0
);
