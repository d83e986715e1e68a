//! The audit log, newest first: who changed what, when, before and after.

use crate::{
    clock::local_time,
    components::{Column, DataTable, Page},
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The newest entries (at most 200), optionally only those whose action starts with `action`.
#[server(prefix = "/sfn", endpoint = "audit/list")]
pub async fn list_audit(action: String) -> Result<Vec<AuditRow>, AppError> {
    service::list(&crate::ctx::Ctx::current()?, &action).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::AuditRow;
    use crate::{auth::Action, ctx::Ctx, db::sql, error::AppError};

    #[tracing::instrument(name = "admin.audit", skip_all)]
    pub async fn list(ctx: &Ctx, action: &str) -> Result<Vec<AuditRow>, AppError> {
        let scope = ctx.require(Action::ViewAuditLog)?.store_scope();
        let action: String = action.trim().chars().take(64).collect();
        let prefix = format!("{}%", action.replace(['%', '_'], ""));
        Ok(sql("SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log
                WHERE action LIKE $1 AND (CAST($2 AS BIGINT) IS NULL OR store_id = $2 OR store_id IS NULL)
                ORDER BY id DESC LIMIT 200")
            .bind(prefix)
            .bind(scope)
            .fetch_all(ctx.db())
            .await?)
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = crate::i18n::use_lang();
    let rows = Resource::new(|| (), |_| list_audit(String::new()));
    view! {
        <Page title="admin.audit">
            {move || Suspend::new(async move {
                rows.await.map(|rows| {
                    let columns = vec![
                        Column::text(lang.t("audit.at")),
                        Column::text(lang.t("audit.actor")),
                        Column::text(lang.t("audit.action")),
                        Column::text(lang.t("audit.entity")),
                        Column::text(lang.t("audit.change")),
                    ];
                    let rows: Vec<_> = rows.into_iter().map(|r| view! {
                        <tr>
                            <td class="nowrap">{local_time(r.at)}</td>
                            <td>{r.actor}</td>
                            <td><code>{r.action}</code></td>
                            <td>{format!("{} {}", r.entity, r.entity_id)}</td>
                            <td class="json">{r.after_json.or(r.before_json).unwrap_or_default()}</td>
                        </tr>
                    }).collect();
                    view! { <DataTable columns rows empty=lang.t("audit.none") testid="audit-table" /> }
                })
            })}
        </Page>
    }
}
