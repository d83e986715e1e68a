//! The frame of every page.

use super::note::error_fallback;
use crate::i18n::use_lang;
use leptos::prelude::*;

/// A page: its title (and what stands beside it), then its content. The content may wait
/// for data — `{move || Suspend::new(async move { … })}` — and shows a loading line until
/// it arrives, the error if it fails, and keeps the old content while new data loads.
#[component]
pub fn Page<V>(
    /// The title's translation key.
    title: &'static str,
    /// Beside the title (a live indicator, a count).
    #[prop(optional, into)]
    aside: ViewFn,
    children: TypedChildren<V>,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let lang = use_lang();
    let children = children.into_inner();
    view! {
        <section class="page">
            <div class="page-head">
                <h1 class="page-title">{lang.t(title)}</h1>
                {aside.run()}
            </div>
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=error_fallback>{children()}</ErrorBoundary>
            </Transition>
        </section>
    }
}
