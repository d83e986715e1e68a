//! The audit log, newest first: who changed what, when, before and after.

use crate::error::AppError;
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
    use crate::{auth::Action, db::sql, server};
    let p = server::principal()?;
    p.require(Action::ViewAuditLog, server::lang())?;
    let st = server::state()?;
    let prefix = format!("{}%", action.trim().replace(['%', '_'], ""));
    Ok(sql("SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log
            WHERE action LIKE $1 AND (CAST($2 AS BIGINT) IS NULL OR store_id = $2 OR store_id IS NULL)
            ORDER BY id DESC LIMIT 200")
        .bind(prefix)
        .bind(p.store_scope())
        .fetch_all(&st.db)
        .await?)
}

/// UTC milliseconds as local time (China Standard Time, UTC+8) for display.
pub fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset")))
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = crate::i18n::use_lang();
    let rows = Resource::new(|| (), |_| list_audit(String::new()));
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("admin.audit")}</h1>
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    rows.await.map(|rows| view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="audit-table">
                                <thead><tr>
                                    <th>{lang.t("audit.at")}</th>
                                    <th>{lang.t("audit.actor")}</th>
                                    <th>{lang.t("audit.action")}</th>
                                    <th>{lang.t("audit.entity")}</th>
                                    <th>{lang.t("audit.change")}</th>
                                </tr></thead>
                                <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td class="nowrap">{local_time(r.at)}</td>
                                        <td>{r.actor}</td>
                                        <td><code>{r.action}</code></td>
                                        <td>{format!("{} {}", r.entity, r.entity_id)}</td>
                                        <td class="json">{r.after_json.or(r.before_json).unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })
                })}
            </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_show_in_china_standard_time() {
        // 2026-11-26 00:30 UTC is 08:30 in Shanghai.
        assert_eq!(super::local_time(1_795_653_000_000), "2026-11-26 08:30:00");
    }
}
