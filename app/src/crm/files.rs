//! CRM's downloads and upload: the customer and lead lists as .xlsx (same filters as the
//! pages), the import template, and the import itself (with a dry run that only reports).

use super::{
    domain::{customer::CustomerFilter, lead::LeadFilter},
    excel,
    service::{
        self,
        customers::{self, ImportReport},
    },
};
use crate::{
    ctx::Ctx, error::AppError, inventory::domain::vehicle::urlencode, rest::ApiError,
    server::AppState,
};
use axum::{
    extract::{Multipart, Query},
    http::{header, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crm/customers.xlsx", get(customers_xlsx))
        .route("/crm/customer-template.xlsx", get(template_xlsx))
        .route("/crm/leads.xlsx", get(leads_xlsx))
        .route(
            "/crm/import",
            post(import).layer(axum::extract::DefaultBodyLimit::max(
                crate::import::UPLOAD_BODY_LIMIT,
            )),
        )
}

fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    crate::inventory::files::xlsx(bytes, name)
}

async fn customers_xlsx(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let f = CustomerFilter {
        q: q.get("q")
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.chars().take(50).collect()),
        consent_only: q.get("consent").map(|v| v == "1"),
        ..Default::default()
    };
    let rows = customers::export_rows(&ctx, &f, 50_000).await?;
    let bytes = excel::customers(&rows, ctx.lang())?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}-{}",
            ctx.t("crm.customers"),
            ctx.today().format("%Y%m%d")
        ),
    ))
}

/// The lead list as filtered on its page (same query), up to 50,000 rows.
async fn leads_xlsx(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let f = LeadFilter::from_query(|k| q.get(k).cloned());
    let rows = service::leads::search(&ctx, &f, LeadFilter::MAX_EXPORT).await?;
    let bytes = excel::leads(&rows, ctx.lang())?;
    Ok(xlsx(
        bytes,
        &format!(
            "{}-{}",
            ctx.t("crm.lead_list"),
            ctx.today().format("%Y%m%d")
        ),
    ))
}

async fn template_xlsx(ctx: Ctx) -> Result<Response, ApiError> {
    ctx.require(crate::auth::Action::EditCustomers)?;
    Ok(xlsx(excel::template()?, "客户导入模板"))
}

/// A filled-in template (`file`; `dry_run` to only check; `store_id` for group roles):
/// all rows or none. JSON (`{"rows": n, "dry_run": …}` or the problem with every bad
/// row's fields) for scripts; a redirect back to the customer list for a browser
/// without JavaScript.
async fn import(ctx: Ctx, headers: HeaderMap, mut form: Multipart) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid("file", format!("{}: {e}", ctx.t("import.unreadable")))
    };
    let result: Result<ImportReport, AppError> = async {
        let (mut bytes, mut dry_run, mut store) = (Vec::new(), false, None);
        while let Some(field) = form.next_field().await.map_err(unreadable)? {
            match field.name() {
                Some("file") => bytes = field.bytes().await.map_err(unreadable)?.to_vec(),
                Some("dry_run") => dry_run = true,
                Some("store_id") => {
                    let text = field.text().await.map_err(unreadable)?;
                    store = text.trim().parse::<i64>().ok();
                }
                _ => {}
            }
        }
        customers::import_file(&ctx, bytes, store, dry_run).await
    }
    .await;
    match (result, wants_json) {
        (Ok(r), true) => Json(r).into_response(),
        (Ok(r), false) => {
            let key = if r.dry_run { "checked" } else { "imported" };
            Redirect::to(&format!("/crm/customers?{key}={}", r.rows)).into_response()
        }
        (Err(e), true) => crate::rest::problem(&e),
        (Err(e), false) => {
            let mut text = e.to_string();
            for f in e.fields().iter().take(8) {
                text.push_str(&format!("; {}: {}", f.field, f.message));
            }
            Redirect::to(&format!("/crm/customers?import_error={}", urlencode(&text)))
                .into_response()
        }
    }
}
