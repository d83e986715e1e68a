//! Stores (门店) and their warehouses (仓库 / 展厅 / 库区).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StoreRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WarehouseRow {
    pub id: i64,
    pub store_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// The warehouse kinds, with their i18n keys.
pub const WAREHOUSE_KINDS: [(&str, &str); 3] = [
    ("showroom", "warehouse.showroom"),
    ("warehouse", "warehouse.warehouse"),
    ("yard", "warehouse.yard"),
];

/// Stores and warehouses the caller may see: all for group roles, their own otherwise.
#[server(prefix = "/sfn", endpoint = "stores/list")]
pub async fn list_stores() -> Result<(Vec<StoreRow>, Vec<WarehouseRow>), AppError> {
    use crate::{auth::Action, db::sql, server};
    let p = server::principal()?;
    p.require(Action::ViewReferenceData, server::lang())?;
    let st = server::state()?;
    let scope = p.store_scope();
    let stores = sql("SELECT id, code, name, city, address, phone FROM stores
                      WHERE active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR id = $1) ORDER BY code")
        .bind(scope)
        .fetch_all(&st.db)
        .await?;
    let warehouses = sql("SELECT id, store_id, code, name, kind FROM warehouses
                          WHERE active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR store_id = $1) ORDER BY code")
        .bind(scope)
        .fetch_all(&st.db)
        .await?;
    Ok((stores, warehouses))
}

#[server(prefix = "/sfn", endpoint = "admin/create_store")]
pub async fn create_store(
    code: String,
    name: String,
    city: String,
    address: String,
    phone: String,
) -> Result<i64, AppError> {
    use crate::server;
    let lang = server::lang();
    let p = server::principal()?;
    p.require(crate::auth::Action::ManageStores, lang)?;
    ssr::create_store(
        &server::state()?,
        &p,
        lang,
        &code,
        &name,
        &city,
        &address,
        &phone,
    )
    .await
}

#[server(prefix = "/sfn", endpoint = "admin/create_warehouse")]
pub async fn create_warehouse(
    store_id: i64,
    code: String,
    name: String,
    kind: String,
) -> Result<i64, AppError> {
    use crate::server;
    let lang = server::lang();
    let p = server::principal()?;
    p.require(crate::auth::Action::ManageStores, lang)?;
    ssr::create_warehouse(&server::state()?, &p, lang, store_id, &code, &name, &kind).await
}

/// A store or warehouse code: 2–16 capital letters, digits or '-'.
pub fn valid_code(code: &str) -> bool {
    (2..=16).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::valid_code;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::Principal,
        db::{is_unique_violation, now_ms, sql},
        domain::Phone,
        error::AppError,
        i18n::Lang,
        server::{self, AppState},
    };

    #[allow(clippy::too_many_arguments)]
    pub async fn create_store(
        st: &AppState,
        actor: &Principal,
        lang: Lang,
        code: &str,
        name: &str,
        city: &str,
        address: &str,
        phone: &str,
    ) -> Result<i64, AppError> {
        let code = code.trim().to_uppercase();
        let (name, city, address) = (name.trim(), city.trim(), address.trim());
        if !valid_code(&code) {
            return Err(AppError::invalid("code", lang.t("error.code_format")));
        }
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", lang.t("error.name_required")));
        }
        let phone = if phone.trim().is_empty() {
            String::new()
        } else {
            Phone::parse(phone)
                .map_err(|_| AppError::invalid("phone", lang.t("error.phone_format")))?
                .to_string()
        };
        let mut tx = st.db.begin().await?;
        let group: i64 = sql("SELECT id FROM dealer_groups ORDER BY id LIMIT 1")
            .scalar_optional(&mut tx)
            .await?
            .ok_or_else(|| AppError::Conflict(lang.t("error.no_group").into()))?;
        let id: i64 = match sql(
            "INSERT INTO stores (group_id, code, name, city, address, phone, created_at)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(group)
        .bind(&code)
        .bind(name)
        .bind(city)
        .bind(address)
        .bind(&phone)
        .bind(now_ms())
        .scalar(&mut tx)
        .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::invalid("code", lang.t("error.code_taken")))
            }
            Err(e) => return Err(e.into()),
        };
        audit::record(&mut tx, Actor::Principal(actor),
            AuditEntry::new("store.create", "store", id).store(Some(id))
                .after(&serde_json::json!({ "code": code, "name": name, "city": city, "address": address, "phone": phone })),
            Some(&server::request_info().request_id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_warehouse(
        st: &AppState,
        actor: &Principal,
        lang: Lang,
        store_id: i64,
        code: &str,
        name: &str,
        kind: &str,
    ) -> Result<i64, AppError> {
        let code = code.trim().to_uppercase();
        let name = name.trim();
        if !valid_code(&code) {
            return Err(AppError::invalid("code", lang.t("error.code_format")));
        }
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", lang.t("error.name_required")));
        }
        if !super::WAREHOUSE_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(AppError::invalid("kind", lang.t("error.warehouse_kind")));
        }
        let mut tx = st.db.begin().await?;
        let exists: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
            .bind(store_id)
            .scalar_optional(&mut tx)
            .await?;
        if exists.is_none() {
            return Err(AppError::invalid("store_id", lang.t("error.no_such_store")));
        }
        let id: i64 = match sql("INSERT INTO warehouses (store_id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(store_id).bind(&code).bind(name).bind(kind).bind(now_ms())
            .scalar(&mut tx)
            .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Err(AppError::invalid("code", lang.t("error.code_taken"))),
            Err(e) => return Err(e.into()),
        };
        audit::record(
            &mut tx,
            Actor::Principal(actor),
            AuditEntry::new("warehouse.create", "warehouse", id)
                .store(Some(store_id))
                .after(&serde_json::json!({ "code": code, "name": name, "kind": kind })),
            Some(&server::request_info().request_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
