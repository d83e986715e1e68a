//! The home page: the caller's store (or the group) at a glance.

use crate::{
    components::{Page, Stat},
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeCounts {
    pub stores: i64,
    pub warehouses: i64,
    pub vehicles_in_stock: i64,
    pub vehicles_in_transit: i64,
    pub vehicles_reserved: i64,
    pub customers: i64,
    pub staff: i64,
    pub models: i64,
}

/// Live counts for the signed-in user's scope: their store, or every store for group roles.
#[server(prefix = "/sfn", endpoint = "home_summary")]
pub async fn home_summary() -> Result<HomeCounts, AppError> {
    service::summary(&crate::ctx::Ctx::current()?).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::HomeCounts;
    use crate::{auth::Action, ctx::Ctx, db::sql, error::AppError};

    /// Counts for the caller's store, or all stores for group roles.
    #[tracing::instrument(name = "home.summary", skip_all)]
    pub async fn summary(ctx: &Ctx) -> Result<HomeCounts, AppError> {
        let store = ctx.require(Action::ViewDashboard)?.store_scope();
        // `$1 IS NULL` keeps one statement for both scopes; CAST gives PostgreSQL a type.
        #[derive(sqlx::FromRow)]
        struct Row {
            stores: i64,
            warehouses: i64,
            in_stock: i64,
            in_transit: i64,
            reserved: i64,
            customers: i64,
            staff: i64,
            models: i64,
        }
        let r: Row = sql(
            "SELECT
               (SELECT COUNT(*) FROM stores s WHERE s.active = TRUE
                  AND (CAST($1 AS BIGINT) IS NULL OR s.id = $1)) AS stores,
               (SELECT COUNT(*) FROM warehouses w WHERE w.active = TRUE
                  AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)) AS warehouses,
               (SELECT COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                  WHERE v.status = 'in_stock' AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)) AS in_stock,
               (SELECT COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                  WHERE v.status = 'in_transit' AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)) AS in_transit,
               (SELECT COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                  WHERE v.status = 'reserved' AND (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)) AS reserved,
               (SELECT COUNT(*) FROM customers c
                  WHERE CAST($1 AS BIGINT) IS NULL OR c.store_id = $1) AS customers,
               (SELECT COUNT(*) FROM users u WHERE u.active = TRUE
                  AND (CAST($1 AS BIGINT) IS NULL OR u.store_id = $1)) AS staff,
               (SELECT COUNT(*) FROM models) AS models",
        )
        .bind(store)
        .fetch_one(ctx.db())
        .await?;
        Ok(HomeCounts {
            stores: r.stores,
            warehouses: r.warehouses,
            vehicles_in_stock: r.in_stock,
            vehicles_in_transit: r.in_transit,
            vehicles_reserved: r.reserved,
            customers: r.customers,
            staff: r.staff,
            models: r.models,
        })
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let summary = Resource::new(|| (), |_| home_summary());
    view! {
        <Page title="home.title">
            {move || Suspend::new(async move {
                summary.await.map(|s| view! {
                    <div class="stats" data-testid="home-stats">
                        <Stat label=lang.t("home.in_stock") value=s.vehicles_in_stock testid="stat-in-stock" />
                        <Stat label=lang.t("home.in_transit") value=s.vehicles_in_transit testid="stat-in-transit" />
                        <Stat label=lang.t("home.reserved") value=s.vehicles_reserved testid="stat-reserved" />
                        <Stat label=lang.t("home.customers") value=s.customers testid="stat-customers" />
                        <Stat label=lang.t("home.models") value=s.models testid="stat-models" />
                        <Stat label=lang.t("home.stores") value=s.stores testid="stat-stores" />
                        <Stat label=lang.t("home.warehouses") value=s.warehouses testid="stat-warehouses" />
                        <Stat label=lang.t("home.staff") value=s.staff testid="stat-staff" />
                    </div>
                })
            })}
        </Page>
    }
}
