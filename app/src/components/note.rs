//! Messages: a server error with its field errors, a dashboard figure.

use crate::{error::AppError, i18n::use_lang};
use leptos::prelude::*;

/// A big number with its label, for dashboards.
#[component]
pub fn Stat(
    label: &'static str,
    value: i64,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="stat" data-testid=testid>
            <span class="stat-value">{value}</span>
            <span class="stat-label">{label}</span>
        </div>
    }
}

/// A field name as a person reads it: `rows.4.vin` is "第 4 行 · VIN".
fn field_label(field: &str) -> String {
    let lang = use_lang();
    let column = |name: &str| match name {
        "vin" => "VIN".to_owned(),
        "model" => lang.t("vehicle.model").to_owned(),
        "trim" => lang.t("vehicle.trim").to_owned(),
        "color" => lang.t("vehicle.color").to_owned(),
        "warehouse" => lang.t("vehicle.warehouse").to_owned(),
        "status" => lang.t("vehicle.status").to_owned(),
        "cost" => lang.t("vehicle.cost").to_owned(),
        "list_price" => lang.t("vehicle.list_price").to_owned(),
        "arrival_date" => lang.t("vehicle.arrival_date").to_owned(),
        other => other.to_owned(),
    };
    match field.split('.').collect::<Vec<_>>().as_slice() {
        ["rows", row, name] => format!(
            "{} · {}",
            lang.tf("import.row", &[("row", row)]),
            column(name)
        ),
        _ => column(field),
    }
}

/// An error from the server. Field errors not shown beside a field of their own (a batch
/// file's rows) are listed, each with its row and column.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let fields: Vec<(String, String)> = match &error {
        AppError::Invalid { fields, .. } if fields.len() > 1 => fields
            .iter()
            .map(|f| (field_label(&f.field), f.message.clone()))
            .collect(),
        _ => Vec::new(),
    };
    view! {
        <div class="error-note" role="alert">
            <p>{error.to_string()}</p>
            <ul>{fields.into_iter().map(|(f, m)| view! { <li><strong>{f}</strong>" "{m}</li> }).collect_view()}</ul>
        </div>
    }
}

/// The fallback of an `ErrorBoundary`: each error's message, announced.
pub fn error_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="error-note" role="alert">
            {move || errors.get().into_iter().map(|(_, e)| view! { <p>{e.to_string()}</p> }).collect_view()}
        </div>
    }
}

/// The last error of a server action that has no form of its own (a row's button), if
/// any, shown as an `ErrorNote`.
pub fn action_error<T, S>(value: S) -> impl IntoView
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorNote error=e /> })
    }
}
