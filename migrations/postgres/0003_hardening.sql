-- Hardening: sign-in throttling that holds under parallel tries, and API keys that may act
-- as administrators only when created so. Kept in step with ../sqlite/0003_hardening.sql.

-- One row per account name ('account:<name>') and per client address ('address:<ip>').
-- A try is reserved here before its password is checked (see app/src/auth/throttle.rs).
CREATE TABLE login_throttle (
    subject     TEXT    PRIMARY KEY,
    failures    BIGINT  NOT NULL DEFAULT 0,
    next_at     BIGINT  NOT NULL DEFAULT 0,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);

-- An administrator's key must say so when it is created.
ALTER TABLE api_keys ADD COLUMN allow_admin BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX login_failures_at ON login_failures (at);
