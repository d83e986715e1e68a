//! Staff accounts: create, change role or store, disable, reset password.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub active: bool,
}

#[server(prefix = "/sfn", endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<StaffRow>, AppError> {
    service::list(&crate::ctx::Ctx::current()?).await
}

#[server(prefix = "/sfn", endpoint = "admin/create_user")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
    store_id: String,
    password: String,
) -> Result<i64, AppError> {
    let ctx = crate::ctx::Ctx::current()?;
    // The password is never sent back.
    let echo = |e: AppError| {
        e.with_input([
            ("username", username.as_str()),
            ("display_name", &display_name),
            ("role", &role),
            ("store_id", &store_id),
        ])
    };
    let store = super::parse_opt_id("store_id", &store_id, ctx.lang()).map_err(echo)?;
    service::create(
        &ctx,
        service::NewUser {
            username: &username,
            display_name: &display_name,
            role: &role,
            store_id: store,
            password: &password,
        },
    )
    .await
    .map_err(echo)
}

#[server(prefix = "/sfn", endpoint = "admin/update_user")]
pub async fn update_user(
    id: i64,
    role: String,
    store_id: String,
    active: bool,
) -> Result<(), AppError> {
    let ctx = crate::ctx::Ctx::current()?;
    let store_id = super::parse_opt_id("store_id", &store_id, ctx.lang())?;
    service::update(&ctx, id, &role, store_id, active).await
}

#[server(prefix = "/sfn", endpoint = "admin/reset_password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    service::reset_password(&crate::ctx::Ctx::current()?, id, &password).await
}

/// Signs a user out on every device (a lost tablet, a shared login).
#[server(prefix = "/sfn", endpoint = "admin/end_sessions")]
pub async fn end_sessions(id: i64) -> Result<u64, AppError> {
    service::end_sessions(&crate::ctx::Ctx::current()?, id).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::StaffRow;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::{password, Action},
        ctx::Ctx,
        db::{sql, Db},
        domain::Role,
        error::AppError,
        i18n::Lang,
    };

    fn valid_username(u: &str) -> bool {
        (2..=32).contains(&u.len())
            && u.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    }

    #[tracing::instrument(name = "admin.users", skip_all)]
    pub async fn list(ctx: &Ctx) -> Result<Vec<StaffRow>, AppError> {
        ctx.require(Action::ManageUsers)?;
        Ok(sql(
            "SELECT u.id, u.username, u.display_name, u.role, u.store_id, s.name AS store_name, u.active
             FROM users u LEFT JOIN stores s ON s.id = u.store_id ORDER BY u.active DESC, u.username",
        )
        .fetch_all(ctx.db())
        .await?)
    }

    /// Checks role and store together: store-bound roles need an existing store.
    pub(crate) async fn check_role_store(
        db: &Db,
        lang: Lang,
        role: &str,
        store_id: Option<i64>,
    ) -> Result<Role, AppError> {
        let role: Role = role
            .parse()
            .map_err(|_| AppError::invalid("role", lang.t("error.unknown_role")))?;
        match store_id {
            None if !role.is_group_wide() => Err(AppError::invalid(
                "store_id",
                lang.t("error.store_required"),
            )),
            Some(id) => {
                let exists: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
                    .bind(id)
                    .scalar_optional(db)
                    .await?;
                if exists.is_none() {
                    return Err(AppError::invalid("store_id", lang.t("error.no_such_store")));
                }
                Ok(role)
            }
            None => Ok(role),
        }
    }

    /// A staff account as entered (on the admin page or the command line).
    pub struct NewUser<'a> {
        pub username: &'a str,
        pub display_name: &'a str,
        pub role: &'a str,
        pub store_id: Option<i64>,
        pub password: &'a str,
    }

    /// Creates a staff account for an administrator.
    #[tracing::instrument(name = "admin.create_user", skip_all)]
    pub async fn create(ctx: &Ctx, new: NewUser<'_>) -> Result<i64, AppError> {
        let actor = ctx.require(Action::ManageUsers)?;
        insert(
            ctx.db(),
            Actor::Principal(actor),
            ctx.lang(),
            new,
            Some(ctx.request_id()),
        )
        .await
    }

    /// Creates a staff account for whoever runs the server's command line (the
    /// machine's operator, trusted as such); `label` names them in the audit log.
    pub async fn create_by_operator(
        db: &Db,
        label: &str,
        new: NewUser<'_>,
    ) -> Result<i64, AppError> {
        insert(db, Actor::System(label), Lang::En, new, None).await
    }

    /// The one place a staff account's rules live.
    async fn insert(
        db: &Db,
        actor: Actor<'_>,
        lang: Lang,
        new: NewUser<'_>,
        request_id: Option<&str>,
    ) -> Result<i64, AppError> {
        let pw = new.password;
        let store_id = new.store_id;
        let username = new.username.trim().to_lowercase();
        let display_name = new.display_name.trim();
        let mut fields = Vec::new();
        if !valid_username(&username) {
            fields.push(("username", lang.t("error.username_format")));
        }
        if display_name.is_empty() || display_name.chars().count() > 50 {
            fields.push(("display_name", lang.t("error.display_name")));
        }
        if let Err(key) = password::check_password_rules(pw) {
            fields.push(("password", lang.t(key)));
        }
        if !fields.is_empty() {
            return Err(AppError::invalid_fields(
                fields
                    .into_iter()
                    .map(|(f, m)| crate::error::FieldError {
                        field: f.into(),
                        message: m.into(),
                    })
                    .collect(),
            ));
        }
        let role = check_role_store(db, lang, new.role, store_id).await?;
        let store_id = if role.is_group_wide() { None } else { store_id };
        let pw = pw.to_owned();
        let hash = tokio::task::spawn_blocking(move || password::hash_password(&pw))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        let now = crate::db::now_ms();
        let mut tx = db.begin().await?;
        let id: i64 = match sql(
            "INSERT INTO users (username, display_name, role, store_id, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(&username)
        .bind(display_name)
        .bind(role.code())
        .bind(store_id)
        .bind(hash)
        .bind(now)
        .scalar(&mut tx)
        .await
        {
            Ok(id) => id,
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::invalid("username", lang.t("error.username_taken")));
            }
            Err(e) => return Err(e.into()),
        };
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("user.create", "user", id).store(store_id).after(&serde_json::json!({
                "username": username, "display_name": display_name, "role": role, "store_id": store_id
            })),
            request_id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[derive(sqlx::FromRow, serde::Serialize)]
    struct Before {
        role: String,
        store_id: Option<i64>,
        active: bool,
    }
    /// Changes a user's role, store or whether they may sign in; any of these signs
    /// them out everywhere at once.
    #[tracing::instrument(name = "admin.update_user", skip_all, fields(user = id))]
    pub async fn update(
        ctx: &Ctx,
        id: i64,
        role: &str,
        store_id: Option<i64>,
        active: bool,
    ) -> Result<(), AppError> {
        let actor = ctx.require(Action::ManageUsers)?;
        let lang = ctx.lang();
        let role = check_role_store(ctx.db(), lang, role, store_id).await?;
        let store_id = if role.is_group_wide() { None } else { store_id };
        if actor.user_id == Some(id) && (!active || role != actor.role) {
            return Err(AppError::Conflict(lang.t("error.not_yourself").into()));
        }
        let mut tx = ctx.db().begin().await?;
        let before: Option<Before> = sql("SELECT role, store_id, active FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut tx)
            .await?;
        let Some(before) = before else {
            return Err(AppError::NotFound(lang.t("error.no_such_user").into()));
        };
        sql(
            "UPDATE users SET role = $1, store_id = $2, active = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(role.code())
        .bind(store_id)
        .bind(active)
        .bind(ctx.now_ms())
        .bind(id)
        .execute(&mut tx)
        .await?;
        // A changed role, store or a disabled account takes effect at once: sign out everywhere.
        if before.role != role.code() || before.store_id != store_id || (before.active && !active) {
            sql("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        ctx.audit(
            &mut tx,
            AuditEntry::new("user.update", "user", id)
                .store(store_id)
                .before(&before)
                .after(
                    &serde_json::json!({ "role": role, "store_id": store_id, "active": active }),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(name = "admin.reset_password", skip_all, fields(user = id))]
    pub async fn reset_password(ctx: &Ctx, id: i64, pw: &str) -> Result<(), AppError> {
        ctx.require(Action::ManageUsers)?;
        let lang = ctx.lang();
        password::check_password_rules(pw).map_err(|k| AppError::invalid("password", lang.t(k)))?;
        let pw = pw.to_owned();
        let hash = tokio::task::spawn_blocking(move || password::hash_password(&pw))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        let mut tx = ctx.db().begin().await?;
        let n = sql("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ctx.now_ms())
            .bind(id)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            return Err(AppError::NotFound(lang.t("error.no_such_user").into()));
        }
        sql("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        ctx.audit(&mut tx, AuditEntry::new("user.reset_password", "user", id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(name = "admin.end_sessions", skip_all, fields(user = id))]
    pub async fn end_sessions(ctx: &Ctx, id: i64) -> Result<u64, AppError> {
        ctx.require(Action::ManageUsers)?;
        let lang = ctx.lang();
        let mut tx = ctx.db().begin().await?;
        let exists: Option<i64> = sql("SELECT id FROM users WHERE id = $1")
            .bind(id)
            .scalar_optional(&mut tx)
            .await?;
        if exists.is_none() {
            return Err(AppError::NotFound(lang.t("error.no_such_user").into()));
        }
        let n = sql("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        ctx.audit(
            &mut tx,
            AuditEntry::new("user.end_sessions", "user", id)
                .after(&serde_json::json!({ "sessions": n })),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
