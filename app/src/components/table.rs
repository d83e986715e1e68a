//! A data table with its headings and what to say when it is empty.

use leptos::prelude::*;
use std::borrow::Cow;

/// One column heading.
#[derive(Clone, Debug)]
pub struct Column {
    pub label: Cow<'static, str>,
    /// Numbers align right.
    pub num: bool,
}

impl Column {
    pub fn text(label: impl Into<Cow<'static, str>>) -> Self {
        Column {
            label: label.into(),
            num: false,
        }
    }

    pub fn num(label: impl Into<Cow<'static, str>>) -> Self {
        Column {
            label: label.into(),
            num: true,
        }
    }
}

/// A table that scrolls sideways inside its card on a narrow screen; with no rows it
/// says `empty` instead.
#[component]
pub fn DataTable<R>(
    columns: Vec<Column>,
    rows: Vec<R>,
    /// Shown instead of the table when there are no rows.
    empty: &'static str,
    #[prop(optional)] testid: &'static str,
    /// Extra classes on the `<table>` (`matrix`…).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView
where
    R: IntoView + 'static,
{
    if rows.is_empty() {
        return view! { <p class="muted empty" data-testid=testid>{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class=format!("table {class}") data-testid=testid>
                <thead><tr>
                    {columns.into_iter().map(|c| view! { <th class:num=c.num>{c.label.into_owned()}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
