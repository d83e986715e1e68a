//! API keys for integrations: created here (shown once), revoked here.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub role: String,
    pub store_name: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A key just created: the only time its secret is seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: i64,
    pub key: String,
}

#[server(prefix = "/sfn", endpoint = "admin/list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyRow>, AppError> {
    service::list(&crate::ctx::Ctx::current()?).await
}

#[server(prefix = "/sfn", endpoint = "admin/create_api_key")]
pub async fn create_api_key(
    name: String,
    role: String,
    store_id: String,
    #[server(default)] allow_admin: Option<String>,
) -> Result<NewApiKey, AppError> {
    let ctx = crate::ctx::Ctx::current()?;
    let echo = |e: AppError| {
        e.with_input([
            ("name", name.as_str()),
            ("role", &role),
            ("store_id", &store_id),
        ])
    };
    let store = super::parse_opt_id("store_id", &store_id, ctx.lang()).map_err(echo)?;
    service::create(&ctx, &name, &role, store, allow_admin.is_some())
        .await
        .map_err(echo)
}

#[server(prefix = "/sfn", endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    service::revoke(&crate::ctx::Ctx::current()?, id).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::{ApiKeyRow, NewApiKey};
    use crate::{
        audit::AuditEntry,
        auth::{api_key, Action},
        ctx::Ctx,
        db::sql,
        error::AppError,
    };

    #[tracing::instrument(name = "admin.api_keys", skip_all)]
    pub async fn list(ctx: &Ctx) -> Result<Vec<ApiKeyRow>, AppError> {
        ctx.require(Action::ManageApiKeys)?;
        Ok(sql(
            "SELECT k.id, k.name, k.prefix, k.role, s.name AS store_name, k.created_at, k.last_used_at, k.revoked_at
             FROM api_keys k LEFT JOIN stores s ON s.id = k.store_id ORDER BY k.revoked_at IS NOT NULL, k.id DESC",
        )
        .fetch_all(ctx.db())
        .await?)
    }

    /// A new key for an integration, acting as `role` (in `store_id` for store-bound
    /// roles); its secret is returned once.
    #[tracing::instrument(name = "admin.create_api_key", skip_all)]
    pub async fn create(
        ctx: &Ctx,
        name: &str,
        role: &str,
        store_id: Option<i64>,
        allow_admin: bool,
    ) -> Result<NewApiKey, AppError> {
        let actor = ctx.require(Action::ManageApiKeys)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", ctx.t("error.name_required")));
        }
        let role =
            crate::admin::users::service::check_role_store(ctx.db(), ctx.lang(), role, store_id)
                .await?;
        if role == crate::domain::Role::Admin && !allow_admin {
            return Err(AppError::invalid(
                "allow_admin",
                ctx.t("admin.admin_key_needs_consent"),
            ));
        }
        let store_id = if role.is_group_wide() { None } else { store_id };
        let mut tx = ctx.db().begin().await?;
        let (id, key) = api_key::create(&mut tx, name, role, store_id, actor.user_id).await?;
        if allow_admin && role == crate::domain::Role::Admin {
            api_key::allow_admin(&mut tx, id).await?;
        }
        ctx.audit(
            &mut tx,
            AuditEntry::new("api_key.create", "api_key", id)
                .store(store_id)
                .after(&serde_json::json!({ "name": name, "role": role, "store_id": store_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(NewApiKey { id, key })
    }

    #[tracing::instrument(name = "admin.revoke_api_key", skip_all)]
    pub async fn revoke(ctx: &Ctx, id: i64) -> Result<(), AppError> {
        ctx.require(Action::ManageApiKeys)?;
        let mut tx = ctx.db().begin().await?;
        let n = sql("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(ctx.now_ms())
            .bind(id)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            return Err(AppError::NotFound(ctx.t("error.no_such_key").into()));
        }
        ctx.audit(&mut tx, AuditEntry::new("api_key.revoke", "api_key", id))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
