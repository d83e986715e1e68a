//! 批量导入: orders from the import template. Download the template, choose the filled-in
//! file, then 试运行 (check every row, write nothing) or 导入 (all rows or none). Every
//! refused row is listed in a table — 行, 列, 原因 — with the column as the template names
//! it. The form is an island: without JavaScript it is a plain multipart form whose answer
//! is this page drawn with the outcome (`ImportOutcome` in its context); with JavaScript it
//! is sent with `fetch` and the outcome shows in place.

use crate::{
    auth::Action,
    components::{use_current_user, Column, DataTable, ErrorNote, Page},
    error::AppError,
    i18n::{use_lang, Lang},
    orders::domain::import::{column_label, row_and_column, ImportReport, MAX_ROWS},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What a form sent without JavaScript came to, for the page drawn as its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportOutcome(pub Result<ImportReport, AppError>);

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = use_lang();
    let given = use_context::<ImportOutcome>().map(|o| o.0);
    #[cfg(feature = "ssr")]
    if let (Some(Err(e)), Some(res)) = (&given, use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(status) = http::StatusCode::from_u16(e.status_code()) {
            res.set_status(status);
        }
    }
    let q = use_query_map();
    let imported = q.with_untracked(|m| m.get("imported"));
    let user = use_current_user();
    view! {
        <Page title="order.import">
            {move || {
                let (given, imported) = (given.clone(), imported.clone());
                Suspend::new(async move {
                    if !user.may(Action::EditOrders).await {
                        return view! { <p class="error-note" role="alert">{lang.t("order.import_forbidden")}</p> }.into_any();
                    }
                    view! {
                        <div class="card">
                            <p class="muted">{lang.tf("order.import_hint", &[("max", &MAX_ROWS.to_string())])}</p>
                            <p>
                                <a class="btn" href="/orders/import-template.xlsx" rel="external" download
                                    data-testid="order-import-template">{lang.t("order.import_template")}</a>
                                " "
                                <a class="btn" href="/orders">{lang.t("order.back_to_list")}</a>
                            </p>
                            <ImportForm given imported />
                        </div>
                    }
                    .into_any()
                })
            }}
        </Page>
    }
}

/// The upload form and what it came to: the outcome the server drew the page with (a
/// form sent without JavaScript), or the answer to the last upload sent with `fetch`.
#[island]
fn ImportForm(
    given: Option<Result<ImportReport, AppError>>,
    imported: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let dry_run = RwSignal::new(false);
    let result: RwSignal<Option<Result<ImportReport, AppError>>> = RwSignal::new(given);
    let imported = RwSignal::new(imported);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            ev.prevent_default();
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            busy.set(true);
            imported.set(None);
            let dry = dry_run.get_untracked();
            leptos::task::spawn_local(async move {
                result.set(Some(upload(form, dry).await));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, busy, result, dry_run);
    };
    view! {
        <form method="post" action="/orders/import" enctype="multipart/form-data" class="form inline-form"
            on:submit=on_submit data-testid="order-import-form">
            <input type="file" name="file" required aria-label=lang.t("order.import_file")
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" />
            <button type="submit" name="dry_run" value="1" class="btn" disabled=move || busy.get()
                on:click=move |_| dry_run.set(true) data-testid="order-import-dry-run">{lang.t("order.import_dry_run")}</button>
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()
                on:click=move |_| dry_run.set(false) data-testid="order-import-go">{lang.t("order.import_go")}</button>
        </form>
        {move || busy.get().then(|| view! { <p class="muted" role="status">{lang.t("order.import_busy")}</p> })}
        {move || imported.get().map(|n| view! {
            <p class="ok-note" role="status" data-testid="order-import-done">{lang.tf("order.imported", &[("n", &n)])}</p>
        })}
        {move || result.get().map(|r| match r {
            Ok(report) => view! { <Report report lang /> }.into_any(),
            Err(error) => view! { <Problems error lang /> }.into_any(),
        })}
    }
}

/// What an import did, or a dry run found it would do.
#[component]
fn Report(report: ImportReport, lang: Lang) -> impl IntoView {
    let n = |v: usize| v.to_string();
    let key = if report.dry_run {
        "order.import_checked"
    } else {
        "order.import_done"
    };
    let summary = lang.tf(
        key,
        &[
            ("n", &n(report.rows)),
            ("drafts", &n(report.drafts)),
            ("pending", &n(report.pending_approval)),
            ("approved", &n(report.approved)),
            ("customers", &n(report.new_customers)),
            ("vehicles", &n(report.vehicles_held)),
        ],
    );
    view! {
        <p class="ok-note" role="status" data-testid="order-import-report" data-dry-run=report.dry_run.to_string()
            data-rows=report.rows>{summary}</p>
    }
}

/// A refused file: the message, and every problem of a row in a table (行, 列, 原因); a
/// problem of the file itself (too large, unreadable, a column missing) as a note.
#[component]
fn Problems(error: AppError, lang: Lang) -> impl IntoView {
    let rows: Vec<(usize, String, String)> = error
        .fields()
        .iter()
        .filter_map(|f| {
            row_and_column(&f.field)
                .map(|(row, column)| (row, column_label(column, lang), f.message.clone()))
        })
        .collect();
    if rows.is_empty() {
        return view! { <div data-testid="order-import-error"><ErrorNote error /></div> }
            .into_any();
    }
    let columns = vec![
        Column::num(lang.t("order.import_row")),
        Column::text(lang.t("order.import_column")),
        Column::text(lang.t("order.import_reason")),
    ];
    let lines: Vec<_> = rows
        .into_iter()
        .map(|(row, column, reason)| {
            let named = column.clone();
            view! {
                <tr data-testid="order-import-problem" data-row=row data-column=named>
                    <td class="num">{row}</td>
                    <td>{column}</td>
                    <td>{reason}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <div class="error-note" role="alert" data-testid="order-import-error">
            <p>{error.to_string()}</p>
        </div>
        <DataTable columns rows=lines empty="" testid="order-import-problems" />
    }
    .into_any()
}

/// Sends the form with `fetch`, asking for JSON (`dry_run` when 试运行 was pressed); the
/// answer is the report or a problem.
#[cfg(feature = "hydrate")]
async fn upload(form: web_sys::HtmlFormElement, dry_run: bool) -> Result<ImportReport, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: wasm_bindgen::JsValue| AppError::Transport(format!("{e:?}"));
    let data = web_sys::FormData::new_with_form(&form).map_err(failed)?;
    if dry_run {
        data.append_with_str("dry_run", "1").map_err(failed)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&data);
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("accept", "application/json").map_err(failed)?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| AppError::Transport("no window".into()))?;
    let res: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init("/orders/import", &init))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
    let text = JsFuture::from(res.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    if res.ok() {
        serde_json::from_str::<ImportReport>(&text).map_err(|e| AppError::Transport(e.to_string()))
    } else {
        Err(AppError::from_problem(res.status(), &text))
    }
}
