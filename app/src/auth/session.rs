//! Server-side sessions in the database, so every server process shares them. The
//! cookie carries a random token; the table keeps only its SHA-256.

use super::principal::Principal;
use crate::{
    db::{now_ms, sql, Db},
    domain::Role,
};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub const SESSION_COOKIE: &str = "fc_session";
/// Over https the cookie carries the `__Host-` prefix: the browser then keeps it to this
/// host, `Secure`, on path `/`, whatever another page on the domain tries.
pub const SECURE_SESSION_COOKIE: &str = "__Host-fc_session";

/// How long sessions live.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    /// Signed out after this long without a request (a showroom shift).
    pub idle: Duration,
    /// Signed out this long after signing in, however active.
    pub absolute: Duration,
    /// Mark the cookie `Secure` (when served over https).
    pub secure_cookie: bool,
}

impl SessionPolicy {
    /// The cookie's name: `__Host-` prefixed when served over https.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(8 * 3600),
            absolute: Duration::from_secs(24 * 3600),
            secure_cookie: false,
        }
    }
}

/// A fresh random token (256 bits), URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that carries `token`.
pub fn session_cookie(token: &str, policy: &SessionPolicy) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        policy.cookie_name(),
        policy.absolute.as_secs(),
        if policy.secure_cookie { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(policy: &SessionPolicy) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        policy.cookie_name(),
        if policy.secure_cookie { "; Secure" } else { "" }
    )
}

/// Reads one cookie's value from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Starts a session for `user_id` and returns its token (always a new one: a token from
/// before sign-in is never reused, so it cannot be fixed by an attacker).
pub async fn create(
    db: &Db,
    user_id: i64,
    ip: &str,
    user_agent: &str,
    policy: &SessionPolicy,
) -> crate::db::DbResult<String> {
    let token = new_token();
    let now = now_ms();
    sql("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)")
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + policy.absolute.as_millis() as i64)
    .bind(ip)
    .bind(user_agent.chars().take(200).collect::<String>())
    .execute(db)
    .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    last_seen_at: i64,
    expires_at: i64,
    username: String,
    display_name: String,
    role: String,
    store_id: Option<i64>,
}

/// The signed-in user of a session token, if the session is alive. An expired session
/// (idle or absolute) is deleted. `last_seen_at` is refreshed at most once a minute.
pub async fn resolve(
    db: &Db,
    token: &str,
    policy: &SessionPolicy,
) -> crate::db::DbResult<Option<Principal>> {
    let hash = token_hash(token);
    let row: Option<SessionRow> = sql(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.username, u.display_name, u.role, u.store_id
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND u.active = TRUE",
    )
    .bind(&hash)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    if now >= row.expires_at || now - row.last_seen_at >= policy.idle.as_millis() as i64 {
        sql("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(db)
            .await?;
        return Ok(None);
    }
    if now - row.last_seen_at > 60_000 {
        sql("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db)
            .await?;
    }
    let Ok(role) = row.role.parse::<Role>() else {
        return Ok(None);
    };
    Ok(Some(Principal {
        user_id: Some(row.user_id),
        api_key_id: None,
        name: row.username,
        display_name: row.display_name,
        role,
        store_id: row.store_id,
    }))
}

/// Whose session `token` is, if it still stands — without counting this as activity (a
/// live stream left open does not keep an idle tablet signed in).
pub async fn holder(
    db: &Db,
    token: &str,
    policy: &SessionPolicy,
) -> crate::db::DbResult<Option<i64>> {
    let row: Option<(i64, i64, i64)> = sql("SELECT s.user_id, s.last_seen_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND u.active = TRUE")
    .bind(token_hash(token))
    .fetch_optional(db)
    .await?;
    let now = now_ms();
    Ok(row
        .filter(|(_, seen, expires)| now < *expires && now - seen < policy.idle.as_millis() as i64)
        .map(|(user, _, _)| user))
}

pub async fn end(db: &Db, token: &str) -> crate::db::DbResult<()> {
    sql("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db)
        .await
        .map(|_| ())
}

/// Signs a user out on every device.
pub async fn end_all_for_user(db: &Db, user_id: i64) -> crate::db::DbResult<u64> {
    sql("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_lax() {
        let p = SessionPolicy::default();
        let c = session_cookie("abc", &p);
        assert!(c.starts_with("fc_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!c.contains("Secure"));
        let secure = SessionPolicy {
            secure_cookie: true,
            ..p
        };
        assert!(session_cookie("abc", &secure).ends_with("; Secure"));
        assert!(session_cookie("abc", &secure).starts_with("__Host-fc_session=abc; Path=/;"));
        assert!(clear_cookie(&secure).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(
            cookie_value("x=1; fc_session=tok; y=2", SESSION_COOKIE),
            Some("tok")
        );
        assert_eq!(cookie_value("x=1", SESSION_COOKIE), None);
    }
}
