//! The analytics pages, one per file; what they share is here: the tabs between reports,
//! the store choice of group roles, the export link, and reading a report's query from
//! the address. Every page is drawn on the server and works without JavaScript; filters
//! are plain GET forms, so a report's address can be bookmarked or sent.

pub mod customers;
pub mod cycle;
pub mod dashboard;
pub mod outlook;
pub mod sales;
pub mod targets;
pub mod turnover;

use crate::{
    components::{Choice, Select},
    i18n::{use_lang, Lang},
    inventory::domain::vehicle::urlencode,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The reports, as the tabs list them: (path, label).
pub const REPORTS: [(&str, &str); 7] = [
    ("/analytics", "analytics.dashboard"),
    ("/analytics/sales", "analytics.sales"),
    ("/analytics/cycle", "analytics.cycle"),
    ("/analytics/customers", "analytics.customers"),
    ("/analytics/turnover", "analytics.turnover"),
    ("/analytics/outlook", "analytics.outlook"),
    ("/analytics/targets", "analytics.targets"),
];

/// The tabs between the reports, the current one marked.
#[component]
pub fn ReportTabs(current: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="tabs report-tabs" aria-label=lang.t("analytics.reports")>
            {REPORTS.iter().map(|(href, label)| {
                let here = *href == current;
                view! {
                    <a class="tab" class:active=here aria-current=here.then_some("page") href=*href>{lang.t(label)}</a>
                }
            }).collect_view()}
        </nav>
    }
}

/// A value from the page's address (empty when absent), at most 40 characters.
pub fn query_value(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let q = use_query_map();
    move || {
        q.with(|m| m.get(key))
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect()
    }
}

/// The store choice of a group role (nothing for the others: they see their own store).
pub fn store_select(stores: Vec<(i64, String)>, selected: String, lang: Lang) -> impl IntoView {
    (!stores.is_empty()).then(|| {
        let choices: Vec<Choice> = stores
            .into_iter()
            .map(|(id, name)| Choice::new(id, name))
            .collect();
        view! {
            <Select name="store_id" label=lang.t("analytics.by.store") choices
                selected=Some(selected) blank=lang.t("analytics.all_stores") />
        }
    })
}

/// A query string from pairs, empty values left out.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The link that downloads a report as .xlsx.
#[component]
pub fn ExportLink(href: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <a class="btn" href=href rel="external" download data-testid="report-export">{lang.t("common.export_xlsx")}</a>
    }
}

/// A change in per mille as the reports show it, coloured by direction (`up` good or bad
/// as `rising_is_good` says).
#[component]
pub fn Change(permille: Option<i64>, rising_is_good: bool) -> impl IntoView {
    let class = match permille {
        Some(p) if (p > 0 && rising_is_good) || (p < 0 && !rising_is_good) => "change change-good",
        Some(p) if p != 0 => "change change-bad",
        _ => "change",
    };
    view! { <span class=class>{crate::components::sheet::signed_percent(permille)}</span> }
}
