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
    let (st, _, _) = crate::server::require(crate::auth::Action::ManageApiKeys)?;
    Ok(crate::db::sql(
        "SELECT k.id, k.name, k.prefix, k.role, s.name AS store_name, k.created_at, k.last_used_at, k.revoked_at
         FROM api_keys k LEFT JOIN stores s ON s.id = k.store_id ORDER BY k.revoked_at IS NOT NULL, k.id DESC",
    )
    .fetch_all(&st.db)
    .await?)
}

#[server(prefix = "/sfn", endpoint = "admin/create_api_key")]
pub async fn create_api_key(
    name: String,
    role: String,
    store_id: String,
) -> Result<NewApiKey, AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ManageApiKeys)?;
    let store_id = super::parse_opt_id("store_id", &store_id, lang)?;
    ssr::create(&st, &p, lang, &name, &role, store_id).await
}

#[server(prefix = "/sfn", endpoint = "admin/revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ManageApiKeys)?;
    ssr::revoke(&st, &p, lang, id).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::NewApiKey;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::{api_key, Principal},
        db::{now_ms, sql},
        error::AppError,
        i18n::Lang,
        server::{self, AppState},
    };

    pub async fn create(
        st: &AppState,
        actor: &Principal,
        lang: Lang,
        name: &str,
        role: &str,
        store_id: Option<i64>,
    ) -> Result<NewApiKey, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", lang.t("error.name_required")));
        }
        let role = crate::admin::users::ssr::check_role_store(&st.db, lang, role, store_id).await?;
        let store_id = if role.is_group_wide() { None } else { store_id };
        let mut tx = st.db.begin().await?;
        let (id, key) = api_key::create(&mut tx, name, role, store_id, actor.user_id).await?;
        audit::record(
            &mut tx,
            Actor::Principal(actor),
            AuditEntry::new("api_key.create", "api_key", id)
                .store(store_id)
                .after(&serde_json::json!({ "name": name, "role": role, "store_id": store_id })),
            Some(&server::request_info().request_id),
        )
        .await?;
        tx.commit().await?;
        Ok(NewApiKey { id, key })
    }

    pub async fn revoke(
        st: &AppState,
        actor: &Principal,
        lang: Lang,
        id: i64,
    ) -> Result<(), AppError> {
        let mut tx = st.db.begin().await?;
        let n = sql("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&mut tx)
            .await?;
        if n == 0 {
            return Err(AppError::NotFound(lang.t("error.no_such_key").into()));
        }
        audit::record(
            &mut tx,
            Actor::Principal(actor),
            AuditEntry::new("api_key.revoke", "api_key", id),
            Some(&server::request_info().request_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
