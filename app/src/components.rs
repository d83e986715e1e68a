//! UI pieces shared by every module.

use crate::error::AppError;
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

/// An error message from a server function, with its field errors listed.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let fields = match &error {
        AppError::Invalid { fields, .. } if fields.len() > 1 => fields.clone(),
        _ => Vec::new(),
    };
    view! {
        <div class="error-note" role="alert">
            <p>{error.to_string()}</p>
            <ul>{fields.into_iter().map(|f| view! { <li>{f.field}": "{f.message}</li> }).collect_view()}</ul>
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

/// The last error of a server action, if any, shown as an `ErrorNote`.
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
