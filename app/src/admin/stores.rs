//! Stores (门店) and their warehouses (仓库 / 展厅 / 库区).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
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

/// A store as entered on the admin page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStore {
    pub code: String,
    pub name: String,
    pub city: String,
    pub address: String,
    pub phone: String,
}

/// A warehouse as entered on the admin page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWarehouse {
    pub store_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// Stores and warehouses the caller may see: all for group roles, their own otherwise.
#[server(prefix = "/sfn", endpoint = "stores/list")]
pub async fn list_stores() -> Result<(Vec<StoreRow>, Vec<WarehouseRow>), AppError> {
    service::list(&crate::ctx::Ctx::current()?).await
}

#[server(prefix = "/sfn", endpoint = "admin/create_store")]
pub async fn create_store(
    code: String,
    name: String,
    city: String,
    address: String,
    phone: String,
) -> Result<i64, AppError> {
    let new = NewStore {
        code,
        name,
        city,
        address,
        phone,
    };
    service::create_store(&crate::ctx::Ctx::current()?, &new)
        .await
        .map_err(|e| {
            e.with_input([
                ("code", new.code.as_str()),
                ("name", &new.name),
                ("city", &new.city),
                ("address", &new.address),
                ("phone", &new.phone),
            ])
        })
}

#[server(prefix = "/sfn", endpoint = "admin/create_warehouse")]
pub async fn create_warehouse(
    store_id: i64,
    code: String,
    name: String,
    kind: String,
) -> Result<i64, AppError> {
    let new = NewWarehouse {
        store_id,
        code,
        name,
        kind,
    };
    let store = store_id.to_string();
    service::create_warehouse(&crate::ctx::Ctx::current()?, &new)
        .await
        .map_err(|e| {
            e.with_input([
                ("store_id", store.as_str()),
                ("code", &new.code),
                ("name", &new.name),
                ("kind", &new.kind),
            ])
        })
}

/// A store or warehouse code: 2–16 capital letters, digits or '-'.
pub fn valid_code(code: &str) -> bool {
    (2..=16).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::{valid_code, NewStore, NewWarehouse, StoreRow, WarehouseRow};
    use crate::{
        audit::AuditEntry,
        auth::Action,
        ctx::Ctx,
        db::sql,
        domain::Phone,
        error::{AppError, OrTaken},
    };

    const STORE_COLUMNS: &str = "SELECT id, code, name, city, address, phone FROM stores";

    /// Stores and warehouses the caller may see.
    #[tracing::instrument(name = "admin.stores", skip_all)]
    pub async fn list(ctx: &Ctx) -> Result<(Vec<StoreRow>, Vec<WarehouseRow>), AppError> {
        let scope = ctx.require(Action::ViewReferenceData)?.store_scope();
        let stores = sql(format!(
            "{STORE_COLUMNS} WHERE active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR id = $1) ORDER BY code"
        ))
        .bind(scope)
        .fetch_all(ctx.db())
        .await?;
        let warehouses = sql("SELECT id, store_id, code, name, kind FROM warehouses
                              WHERE active = TRUE AND (CAST($1 AS BIGINT) IS NULL OR store_id = $1) ORDER BY code")
            .bind(scope)
            .fetch_all(ctx.db())
            .await?;
        Ok((stores, warehouses))
    }

    /// One store; another store's record is refused to store-bound roles.
    #[tracing::instrument(name = "admin.store", skip_all)]
    pub async fn get(ctx: &Ctx, id: i64) -> Result<StoreRow, AppError> {
        ctx.require(Action::ViewReferenceData)?;
        let store: Option<StoreRow> = sql(format!("{STORE_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(ctx.db())
            .await?;
        let store = store.ok_or_else(|| AppError::NotFound(ctx.t("error.no_such_store").into()))?;
        ctx.require_store(store.id, "error.no_such_store")?;
        Ok(store)
    }

    /// A code and a name as stores and warehouses both need them: the code in capitals.
    fn code_and_name<'a>(
        ctx: &Ctx,
        code: &str,
        name: &'a str,
    ) -> Result<(String, &'a str), AppError> {
        let code = code.trim().to_uppercase();
        let name = name.trim();
        if !valid_code(&code) {
            return Err(AppError::invalid("code", ctx.t("error.code_format")));
        }
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::invalid("name", ctx.t("error.name_required")));
        }
        Ok((code, name))
    }

    #[tracing::instrument(name = "admin.create_store", skip_all)]
    pub async fn create_store(ctx: &Ctx, new: &NewStore) -> Result<i64, AppError> {
        ctx.require(Action::ManageStores)?;
        let (code, name) = code_and_name(ctx, &new.code, &new.name)?;
        let (city, address) = (new.city.trim(), new.address.trim());
        if city.chars().count() > 60 {
            return Err(AppError::invalid(
                "city",
                ctx.tf("error.too_long", &[("max", "60")]),
            ));
        }
        if address.chars().count() > 200 {
            return Err(AppError::invalid(
                "address",
                ctx.tf("error.too_long", &[("max", "200")]),
            ));
        }
        let phone = if new.phone.trim().is_empty() {
            String::new()
        } else {
            Phone::parse(&new.phone)
                .map_err(|_| AppError::invalid("phone", ctx.t("error.phone_format")))?
                .to_string()
        };
        let mut tx = ctx.db().begin().await?;
        let group: i64 = sql("SELECT id FROM dealer_groups ORDER BY id LIMIT 1")
            .scalar_optional(&mut tx)
            .await?
            .ok_or_else(|| AppError::Conflict(ctx.t("error.no_group").into()))?;
        let id: i64 = sql(
            "INSERT INTO stores (group_id, code, name, city, address, phone, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(group)
        .bind(&code)
        .bind(name)
        .bind(city)
        .bind(address)
        .bind(&phone)
        .bind(ctx.now_ms())
        .scalar(&mut tx)
        .await
        .map_err(|e| e.or_taken(|| AppError::invalid("code", ctx.t("error.code_taken"))))?;
        ctx.audit(
            &mut tx,
            AuditEntry::new("store.create", "store", id)
                .store(Some(id))
                .after(&serde_json::json!({
                    "code": code, "name": name, "city": city, "address": address, "phone": phone
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(name = "admin.create_warehouse", skip_all)]
    pub async fn create_warehouse(ctx: &Ctx, new: &NewWarehouse) -> Result<i64, AppError> {
        ctx.require(Action::ManageStores)?;
        let (code, name) = code_and_name(ctx, &new.code, &new.name)?;
        let kind = new.kind.as_str();
        if !super::WAREHOUSE_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(AppError::invalid("kind", ctx.t("error.warehouse_kind")));
        }
        let mut tx = ctx.db().begin().await?;
        let exists: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
            .bind(new.store_id)
            .scalar_optional(&mut tx)
            .await?;
        if exists.is_none() {
            return Err(AppError::invalid("store_id", ctx.t("error.no_such_store")));
        }
        let id: i64 = sql(
            "INSERT INTO warehouses (store_id, code, name, kind, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.store_id)
        .bind(&code)
        .bind(name)
        .bind(kind)
        .bind(ctx.now_ms())
        .scalar(&mut tx)
        .await
        .map_err(|e| e.or_taken(|| AppError::invalid("code", ctx.t("error.code_taken"))))?;
        ctx.audit(
            &mut tx,
            AuditEntry::new("warehouse.create", "warehouse", id)
                .store(Some(new.store_id))
                .after(&serde_json::json!({ "code": code, "name": name, "kind": kind })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
