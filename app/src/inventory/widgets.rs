//! Pickers and badges for vehicles, which other modules' pages reuse (an order picks a
//! model, trim and colour, or a warehouse, the same way).

use super::domain::{catalog::Catalog, vehicle::StatusFilter, VehicleStatus};
use crate::{components::Choice, domain::Money, i18n::use_lang};
use leptos::prelude::*;

/// The caller's warehouses: `SH01-S 展厅 · 上海浦东旗舰店`.
pub fn warehouse_choices(cat: &Catalog) -> Vec<Choice> {
    cat.warehouses
        .iter()
        .map(|w| Choice::new(w.id, format!("{} {} · {}", w.code, w.name, w.store_name)))
        .collect()
}

/// Models with their brand.
pub fn model_choices(cat: &Catalog) -> Vec<Choice> {
    cat.models
        .iter()
        .map(|m| Choice::new(m.id, format!("{} {}", m.brand, m.name)))
        .collect()
}

/// Trims grouped by model, each with its guide price.
pub fn trim_choices(cat: &Catalog) -> Vec<Choice> {
    cat.models
        .iter()
        .flat_map(|m| {
            cat.trims
                .iter()
                .filter(move |t| t.model_id == m.id)
                .map(move |t| {
                    Choice::new(
                        t.id,
                        format!("{} · {} ({})", m.name, t.name, Money::from_fen(t.msrp_fen)),
                    )
                    .in_group(m.name.clone())
                })
        })
        .collect()
}

/// Colours grouped by model.
pub fn color_choices(cat: &Catalog) -> Vec<Choice> {
    cat.models
        .iter()
        .flat_map(|m| {
            cat.colors
                .iter()
                .filter(move |c| c.model_id == m.id)
                .map(move |c| {
                    Choice::new(c.id, format!("{} · {}", m.name, c.name)).in_group(m.name.clone())
                })
        })
        .collect()
}

/// Every status filter (在手 first, then each status).
pub fn status_choices() -> Vec<Choice> {
    let lang = use_lang();
    StatusFilter::ALL
        .into_iter()
        .map(|s| Choice::new(s.code(), lang.t(s.label_key())))
        .collect()
}

/// A vehicle's status as a coloured badge.
#[component]
pub fn StatusBadge(status: VehicleStatus) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge status-{}", status.code())>{lang.t(status.label_key())}</span> }
}
