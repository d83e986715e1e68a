//! Signing in and out, and who is signed in.

use super::principal::UserInfo;
use crate::error::AppError;
use leptos::prelude::*;

/// Signs a staff member in: sets a new session cookie and goes to `next` (or home).
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let ctx = crate::ctx::Ctx::current()?;
    let (token, _) = service::sign_in(&ctx, &username, &password)
        .await
        .map_err(|e| e.with_input([("username", username.as_str())]))?;
    let resp = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = super::session::session_cookie(&token, &ctx.state().sessions);
    if let Ok(v) = http::HeaderValue::from_str(&cookie) {
        resp.append_header(http::header::SET_COOKIE, v);
    }
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends this session and goes to the sign-in page.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = crate::ctx::Ctx::current()?;
    service::sign_out(&ctx).await?;
    let resp = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = super::session::clear_cookie(&ctx.state().sessions);
    if let Ok(v) = http::HeaderValue::from_str(&cookie) {
        resp.append_header(http::header::SET_COOKIE, v);
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(prefix = "/sfn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
    service::current_user(&crate::ctx::Ctx::current()?).await
}

/// Only a path on this site may be a redirect target (no `//evil.example`).
///
/// Browsers drop tabs and line breaks from a URL and read `\` as `/`, so `/\t/evil` or
/// `/\evil` would leave the site: a target is a path on this site only if it starts with
/// one `/`, has no control character, no backslash and no `//` before its query, and is
/// not absurdly long. Anything else goes home.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_owned();
    };
    let path = n.split(['?', '#']).next().unwrap_or("");
    let ok = n.len() <= 2048
        && n.starts_with('/')
        && !n.chars().any(|c| c.is_control() || c == '\\')
        && !path.contains("//");
    if ok {
        n.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::UserInfo;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::{password, session, throttle, Principal},
        ctx::Ctx,
        db::sql,
        domain::Role,
        error::AppError,
        i18n::Lang,
    };

    /// Who is signed in (`None` for nobody, or an API key).
    pub async fn current_user(ctx: &Ctx) -> Result<Option<UserInfo>, AppError> {
        let Some(p) = ctx.principal_opt() else {
            return Ok(None);
        };
        let Some(id) = p.user_id else { return Ok(None) };
        let store_name = match p.store_id {
            Some(sid) => {
                sql("SELECT name FROM stores WHERE id = $1")
                    .bind(sid)
                    .scalar_optional::<String>(ctx.db())
                    .await?
            }
            None => None,
        };
        Ok(Some(UserInfo {
            id,
            username: p.name.clone(),
            display_name: p.display_name.clone(),
            role: p.role,
            store_id: p.store_id,
            store_name,
        }))
    }

    /// Ends the session the request came with, and audits it.
    pub async fn sign_out(ctx: &Ctx) -> Result<(), AppError> {
        if let Some(token) = &ctx.info().session_token {
            session::end(ctx.db(), token).await?;
        }
        if let Some(p) = ctx.principal_opt() {
            ctx.audit(
                ctx.db(),
                AuditEntry::new("auth.logout", "user", p.user_id.unwrap_or_default()),
            )
            .await?;
        }
        Ok(())
    }

    #[derive(sqlx::FromRow)]
    struct UserRow {
        id: i64,
        username: String,
        display_name: String,
        role: String,
        store_id: Option<i64>,
        password_hash: String,
        active: bool,
    }

    /// A sign-in try's reservations (address and account) while its outcome is unknown.
    /// Dropped before it is settled — the request was abandoned or failed before a
    /// password was checked — it gives both back, so an unchecked try never counts as a
    /// failure (nor leaves a delay behind for the next person at the same address).
    struct Reserved {
        db: crate::db::Db,
        address: String,
        account: String,
        settled: bool,
    }

    impl Reserved {
        /// The password was checked and was wrong: the reservations stand as failures.
        fn keep(mut self) {
            self.settled = true;
        }

        /// No password was checked: both reservations are given back.
        async fn give_back(mut self) -> crate::db::DbResult<()> {
            self.settled = true;
            throttle::refund(&self.db, &self.address, throttle::Limits::ADDRESS).await?;
            throttle::refund(&self.db, &self.account, throttle::Limits::ACCOUNT).await
        }

        /// The password was right: the account's failures are forgotten, and this try's
        /// reservation at the address is given back.
        async fn succeeded(mut self) -> crate::db::DbResult<()> {
            self.settled = true;
            throttle::succeeded(&self.db, &self.account).await?;
            throttle::refund(&self.db, &self.address, throttle::Limits::ADDRESS).await
        }
    }

    impl Drop for Reserved {
        fn drop(&mut self) {
            if self.settled {
                return;
            }
            let (db, address, account) = (
                self.db.clone(),
                std::mem::take(&mut self.address),
                std::mem::take(&mut self.account),
            );
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let _ = throttle::refund(&db, &address, throttle::Limits::ADDRESS).await;
                    let _ = throttle::refund(&db, &account, throttle::Limits::ACCOUNT).await;
                });
            }
        }
    }

    /// "Try again in …": seconds for short waits, minutes for long ones.
    fn too_many(lang: Lang, secs: i64) -> AppError {
        let message = if secs < 60 {
            lang.tf("error.login_wait_secs", &[("secs", &secs.to_string())])
        } else {
            lang.tf(
                "error.login_locked",
                &[("minutes", &((secs + 59) / 60).to_string())],
            )
        };
        AppError::TooManyRequests {
            message,
            retry_after_secs: secs,
        }
    }

    /// Checks the password and throttles, then starts a session. Every outcome is audited.
    #[tracing::instrument(name = "auth.sign_in", skip_all)]
    pub async fn sign_in(
        ctx: &Ctx,
        username: &str,
        password_given: &str,
    ) -> Result<(String, Principal), AppError> {
        let (st, lang) = (ctx.state(), ctx.lang());
        let (ip, user_agent) = (ctx.info().ip.as_str(), ctx.info().user_agent.as_str());
        let request_id = Some(ctx.request_id());
        let username = username.trim().to_lowercase();
        if username.is_empty() {
            return Err(AppError::invalid(
                "username",
                lang.t("error.username_required"),
            ));
        }
        if password_given.is_empty() {
            return Err(AppError::invalid(
                "password",
                lang.t("error.password_required"),
            ));
        }
        if username.chars().count() > 64 {
            return Err(AppError::invalid(
                "username",
                lang.tf("error.too_long", &[("max", "64")]),
            ));
        }
        if password_given.len() > 1024 {
            return Err(AppError::invalid(
                "password",
                lang.tf("error.too_long", &[("max", "1024")]),
            ));
        }
        let now = ctx.now_ms();
        // The address first: a flood from one address stops before it reaches accounts.
        // Each reservation counts as a failure until the password proves right.
        let account = format!("account:{username}");
        let address = format!("address:{ip}");
        for (subject, limits) in [
            (&address, throttle::Limits::ADDRESS),
            (&account, throttle::Limits::ACCOUNT),
        ] {
            if let Err(wait_ms) = throttle::reserve(&st.db, subject, limits, now).await? {
                if subject == &account {
                    // No password is checked: the address's reservation is given back, so
                    // it counts checks, not refusals.
                    throttle::refund(&st.db, &address, throttle::Limits::ADDRESS).await?;
                }
                let secs = (wait_ms + 999) / 1000;
                audit::record(
                    &st.db,
                    Actor::Anonymous(&username),
                    AuditEntry::new("auth.login_throttled", "user", &username).after(
                        &serde_json::json!({ "ip": ip, "retry_after_secs": secs, "by": subject }),
                    ),
                    request_id,
                )
                .await?;
                return Err(too_many(lang, secs));
            }
        }
        // From here until the outcome is known, both reservations are given back if the
        // try ends early (the client went away, the database failed).
        let reserved = Reserved {
            db: st.db.clone(),
            address,
            account,
            settled: false,
        };

        let user: Option<UserRow> = sql(
            "SELECT id, username, display_name, role, store_id, password_hash, active
             FROM users WHERE username = $1",
        )
        .bind(&username)
        .fetch_optional(&st.db)
        .await?;

        // Password hashing is bounded: at most one check per core at a time (each takes
        // 19 MiB and most of a core), the rest wait (a busy server is slow, not closed) or,
        // after 10 s, are told to come back — with both reservations given back, since
        // no password was checked.
        let Ok(Ok(permit)) = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            st.password_checks.clone().acquire_owned(),
        )
        .await
        else {
            reserved.give_back().await?;
            audit::record(
                &st.db,
                Actor::Anonymous(&username),
                AuditEntry::new("auth.login_throttled", "user", &username).after(
                    &serde_json::json!({ "ip": ip, "retry_after_secs": 1, "by": "password_checks" }),
                ),
                request_id,
            )
            .await?;
            return Err(too_many(lang, 1));
        };
        let verified = match &user {
            Some(u) => {
                let (pw, hash) = (password_given.to_owned(), u.password_hash.clone());
                tokio::task::spawn_blocking(move || password::verify_password(&pw, &hash))
                    .await
                    .map_err(AppError::internal)?
            }
            None => {
                let pw = password_given.to_owned();
                tokio::task::spawn_blocking(move || password::burn_verify(&pw))
                    .await
                    .map_err(AppError::internal)?;
                false
            }
        };
        drop(permit);
        let user = match user {
            Some(u) if verified && u.active => u,
            other => {
                // A checked password that did not let the person in: a failure.
                reserved.keep();
                sql("INSERT INTO login_failures (at, username, ip) VALUES ($1, $2, $3)")
                    .bind(now)
                    .bind(&username)
                    .bind(ip)
                    .execute(&st.db)
                    .await?;
                let reason = match &other {
                    Some(u) if verified && !u.active => "disabled",
                    Some(_) => "bad_password",
                    None => "unknown_user",
                };
                audit::record(
                    &st.db,
                    Actor::Anonymous(&username),
                    AuditEntry::new("auth.login_failed", "user", &username)
                        .after(&serde_json::json!({ "ip": ip, "reason": reason })),
                    request_id,
                )
                .await?;
                let key = if reason == "disabled" {
                    "error.account_disabled"
                } else {
                    "error.bad_credentials"
                };
                return Err(AppError::Unauthenticated(lang.t(key).into()));
            }
        };
        let role: Role = user.role.parse().map_err(AppError::internal)?;
        reserved.succeeded().await?;
        let token = session::create(&st.db, user.id, ip, user_agent, &st.sessions).await?;
        sql("DELETE FROM login_failures WHERE username = $1")
            .bind(&username)
            .execute(&st.db)
            .await?;
        let principal = Principal {
            user_id: Some(user.id),
            api_key_id: None,
            name: user.username,
            display_name: user.display_name,
            role,
            store_id: user.store_id,
        };
        audit::record(
            &st.db,
            Actor::Principal(&principal),
            AuditEntry::new("auth.login", "user", user.id)
                .store(user.store_id)
                .after(&serde_json::json!({ "ip": ip })),
            request_id,
        )
        .await?;
        Ok((token, principal))
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_next(Some("/inventory?x=1")), "/inventory?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        // What a browser would turn into another site, or into a broken header.
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/inventory\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some("/a//evil.example")), "/");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
        assert_eq!(
            safe_next(Some("/inventory/vehicles?q=LGX//1")),
            "/inventory/vehicles?q=LGX//1"
        );
    }
}
