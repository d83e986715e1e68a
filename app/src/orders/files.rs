//! Orders' routes that are neither pages nor server functions: the import template, the
//! batch import (批量导入) and the order list as .xlsx. Like the REST handlers, each reads
//! the request and calls a service, which checks the caller.

use super::{
    domain::import::ImportReport,
    excel,
    pages::{import::ImportOutcome, list::filter_of},
    service,
};
use crate::{ctx::Ctx, error::AppError, import::UPLOAD_BODY_LIMIT, server::AppState};
use axum::{
    body::Body,
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Query, Request, State},
    http::{header, request::Parts, HeaderMap, Method},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use std::collections::HashMap;

/// Where the import form posts, and where its page is.
pub const IMPORT_PATH: &str = "/orders/import";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders.xlsx", get(orders_xlsx))
        .route("/orders/import-template.xlsx", get(template_xlsx))
        // Axum's extractors stop at 2 MB by default; the server bounds this body (and
        // every other) before it is read.
        .route(
            IMPORT_PATH,
            post(import).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
}

/// The order list as filtered on its page (the same query), up to
/// [`OrderFilter::MAX_EXPORT`](super::domain::OrderFilter::MAX_EXPORT) orders.
async fn orders_xlsx(
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, crate::rest::ApiError> {
    let f = filter_of(|k| q.get(k).cloned());
    let rows =
        service::orders::export_rows(&ctx, &f, super::domain::OrderFilter::MAX_EXPORT).await?;
    let bytes = excel::orders(&rows, ctx.lang())?;
    Ok(crate::inventory::files::xlsx(
        bytes,
        &format!("{}-{}", ctx.t("order.list"), ctx.today().format("%Y%m%d")),
    ))
}

async fn template_xlsx(ctx: Ctx) -> Result<Response, crate::rest::ApiError> {
    let bytes = service::import::template(&ctx).await?;
    Ok(crate::inventory::files::xlsx(bytes, "订单导入模板"))
}

/// What an upload form carried: the file, and whether to only check it.
pub(crate) struct Upload {
    pub bytes: Vec<u8>,
    pub dry_run: bool,
}

/// A form's yes or no: `true`, `1`, `on`, `yes` or `false`, `0`, `off`, `no`, empty.
pub(crate) fn flag(ctx: &Ctx, field: &str, text: &str) -> Result<bool, AppError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Ok(true),
        "false" | "0" | "off" | "no" | "" => Ok(false),
        _ => Err(AppError::invalid(field, ctx.t("order.import_bad_flag"))),
    }
}

/// Reads the upload form (`file`, `dry_run`); any other field is ignored.
pub(crate) async fn read_upload(ctx: &Ctx, mut form: Multipart) -> Result<Upload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid("file", format!("{}: {e}", ctx.t("import.unreadable")))
    };
    let mut upload = Upload {
        bytes: Vec::new(),
        dry_run: false,
    };
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") => upload.bytes = field.bytes().await.map_err(unreadable)?.to_vec(),
            Some("dry_run") => {
                let text = field.text().await.map_err(unreadable)?;
                upload.dry_run |= flag(ctx, "dry_run", &text)?;
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// A filled-in template (`file`; `dry_run` to only check): all rows or none. JSON (the
/// report, or the problem naming every bad row's column) for scripts and the page's own
/// JavaScript; for a plain form (no JavaScript) the import page itself, drawn with the
/// outcome — every refused row in its table — or, once orders were written, a redirect
/// to it (so a reload does not send the file again).
async fn import(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(ctx) = Ctx::from_request_parts(&mut parts, &state).await;
    let wants_json = wants_json(&parts.headers);
    let result: Result<ImportReport, AppError> = async {
        let form = Multipart::from_request(Request::from_parts(parts.clone(), body), &state)
            .await
            .map_err(|e| {
                AppError::invalid("file", format!("{}: {e}", ctx.t("import.unreadable")))
            })?;
        let upload = read_upload(&ctx, form).await?;
        service::import::import_file(&ctx, upload.bytes, upload.dry_run).await
    }
    .await;
    match (result, wants_json) {
        (Ok(r), true) => Json(r).into_response(),
        (Err(e), true) => crate::rest::problem(&e),
        (Ok(r), false) if !r.dry_run => {
            Redirect::to(&format!("{IMPORT_PATH}?imported={}", r.rows)).into_response()
        }
        (outcome, false) => page(state, parts, ImportOutcome(outcome)).await,
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

/// The import page as its address draws it, with `outcome` in its context: the answer to a
/// form sent without JavaScript.
async fn page(state: AppState, mut parts: Parts, outcome: ImportOutcome) -> Response {
    parts.method = Method::GET;
    parts.uri = http::Uri::from_static(IMPORT_PATH);
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_in_order_with_context(
        move || {
            crate::ctx::provide(&state);
            leptos::prelude::provide_context(outcome.clone());
        },
        move || crate::shell(options.clone()),
    );
    render(Request::from_parts(parts, Body::empty()))
        .await
        .into_response()
}
