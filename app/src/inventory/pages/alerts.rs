//! 库存预警: open alerts, aged stock summed up, the thresholds; the whole history one
//! click away.

use super::query;
use crate::{
    auth::Action,
    clock::local_time,
    components::{
        action_error, use_current_user, Choice, Column, ConfirmButton, DataTable, Field,
        FormErrors, FormState, Page, SelectField,
    },
    error::AppError,
    i18n::use_lang,
    inventory::{
        api::{
            aged_summary, list_alerts, list_thresholds, load_catalog, DeleteThreshold,
            SaveThreshold,
        },
        domain::{
            alert::{aged_lines, AgedLine, AlertKind, AlertRow, ThresholdRow, AGED_LEVELS},
            catalog::Catalog,
            vehicle::{StatusFilter, VehicleFilter},
        },
        widgets::{color_choices, warehouse_choices},
    },
};
use leptos::prelude::*;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveThreshold>::new();
    let delete = ServerAction::<DeleteThreshold>::new();
    let form = FormState::new("threshold", save.value());
    let show_closed = query("closed");
    let cat = Resource::new(|| (), |_| load_catalog());
    let user = use_current_user();
    let alerts = Resource::new(
        move || show_closed().is_some(),
        // Open: threshold alerts listed, aged stock summed up below (a dealer may have
        // hundreds of aged vehicles). All: the whole history, one line per alert.
        |closed| list_alerts(!closed, (!closed).then(|| "low,high".to_owned())),
    );
    let aged = Resource::new(
        move || show_closed().is_some(),
        |closed| async move {
            if closed {
                Ok(Vec::new())
            } else {
                aged_summary().await
            }
        },
    );
    let thresholds = Resource::new(|| (), |_| list_thresholds());
    view! {
        <Page title="inventory.alerts">
            {move || Suspend::new(async move {
                let cat = cat.await?;
                let alerts = alerts.await?;
                let thresholds = thresholds.await?;
                let aged = aged_lines(&aged.await?);
                let may_edit = user.may(Action::ManageThresholds).await;
                let closed = show_closed().is_some();
                let no_alerts = alerts.is_empty();
                let list = alerts.into_iter().map(|a| view! { <AlertLine a cat=cat.clone() /> }).collect_view();
                let mut columns = vec![
                    Column::text(lang.t("alert.model_place")),
                    Column::num(lang.t("threshold.low")),
                    Column::num(lang.t("threshold.high")),
                    Column::num(lang.t("threshold.in_stock")),
                ];
                if may_edit {
                    columns.push(Column::text(""));
                }
                let threshold_rows: Vec<_> = thresholds.into_iter().map(|t| {
                    view! { <ThresholdLine t cat=cat.clone() may_edit delete /> }
                }).collect();
                Ok::<_, AppError>(view! {
                    <div class="tabs">
                        <a class="btn" class:btn-primary=!closed href="/inventory/alerts">{lang.t("alert.open")}</a>
                        <a class="btn" class:btn-primary=closed href="/inventory/alerts?closed=1">{lang.t("alert.all")}</a>
                    </div>
                    // Refreshed in place when stock moves.
                    <div id="alerts-live" data-live-region>
                    {(!closed).then(|| view! { <h2>{lang.t("alert.stock_title")}</h2> })}
                    {no_alerts.then(|| view! { <p class="muted">{lang.t("alert.none")}</p> })}
                    <ul class="alert-list" data-testid="alert-list">{list}</ul>
                    {(!closed).then(|| view! { <AgedSummary lines=aged cat=cat.clone() /> })}
                    <h2>{lang.t("threshold.title")}</h2>
                    <div class="section-gap">
                        <DataTable columns rows=threshold_rows empty=lang.t("threshold.none") testid="thresholds-table" />
                    </div>
                    </div>
                    {action_error(delete.value())}
                    {may_edit.then(|| {
                        let models = cat.models.iter().map(|m| Choice::new(m.id, m.name.clone())).collect();
                        view! {
                            <details class="card" open=true>
                                <summary>{lang.t("threshold.set")}</summary>
                                <ActionForm action=save node_ref=form.node() attr:class="form form-grid" attr:data-testid="threshold-form">
                                    <SelectField form name="warehouse_id" label=lang.t("vehicle.warehouse") choices=warehouse_choices(&cat) />
                                    <SelectField form name="model_id" label=lang.t("vehicle.model") choices=models required=true />
                                    <SelectField form name="color_id" label=lang.t("vehicle.color") choices=color_choices(&cat)
                                        blank=lang.t("threshold.all_colors") />
                                    <Field form name="low_qty" label=lang.t("threshold.low") inputmode="numeric" />
                                    <Field form name="high_qty" label=lang.t("threshold.high") inputmode="numeric" />
                                    <button type="submit" class="btn btn-primary">{lang.t("common.save")}</button>
                                </ActionForm>
                                <FormErrors form />
                            </details>
                        }
                    })}
                })
            })}
        </Page>
    }
}

/// One alert: what, how far off, where, since when.
#[component]
fn AlertLine(a: AlertRow, cat: Catalog) -> impl IntoView {
    let lang = use_lang();
    let what = match a.kind {
        AlertKind::Aged => format!(
            "{} · {}",
            a.vin.clone().unwrap_or_default(),
            cat.model_name(a.model_id)
        ),
        _ => format!(
            "{}{}",
            cat.model_name(a.model_id),
            a.color_id
                .map(|c| format!(" · {}", cat.color_name(c)))
                .unwrap_or_default()
        ),
    };
    let (qty, level) = (a.quantity.to_string(), a.level.to_string());
    let detail = match a.kind {
        AlertKind::Low => lang.tf("alert.low_detail", &[("qty", &qty), ("level", &level)]),
        AlertKind::High => lang.tf("alert.high_detail", &[("qty", &qty), ("level", &level)]),
        AlertKind::Aged => lang.tf("alert.aged_detail", &[("level", &level)]),
    };
    let filter = match (a.kind, a.vin.clone()) {
        (AlertKind::Aged, Some(vin)) => VehicleFilter {
            q: Some(vin),
            ..Default::default()
        },
        _ => VehicleFilter {
            warehouse_id: Some(a.warehouse_id),
            model_id: Some(a.model_id),
            color_id: a.color_id,
            status: Some(StatusFilter::InStock),
            ..Default::default()
        },
    };
    view! {
        <li class=format!("alert alert-{}", a.kind.code()) class:closed=a.closed_at.is_some() data-kind=a.kind.code()>
            <span class="badge">{lang.t(a.kind.label_key())}</span>
            <a href=format!("/inventory/vehicles?{}", filter.to_query()) class="alert-what">{what}</a>
            <span class="alert-detail">{detail}</span>
            <span class="muted">{cat.warehouse_name(a.warehouse_id)}</span>
            <span class="muted nowrap">{local_time(a.opened_at)}
                {a.closed_at.map(|c| format!(" → {}", local_time(c)))}</span>
        </li>
    }
}

/// One threshold, with its delete button for those who may.
#[component]
fn ThresholdLine(
    t: ThresholdRow,
    cat: Catalog,
    may_edit: bool,
    delete: ServerAction<DeleteThreshold>,
) -> impl IntoView {
    let lang = use_lang();
    let colour = t
        .color_id
        .map(|c| cat.color_name(c))
        .unwrap_or_else(|| lang.t("threshold.all_colors").into());
    let qty = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    view! {
        <tr>
            <td class="subject"><strong>{cat.model_name(t.model_id)}</strong>
                {format!(" · {colour}")}
                <span class="muted">{cat.warehouse_name(t.warehouse_id)}</span></td>
            <td class="num">{qty(t.low_qty)}</td>
            <td class="num">{qty(t.high_qty)}</td>
            <td class="num">{t.in_stock}</td>
            {may_edit.then(|| view! {
                <td><ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=t.id.to_string() />
                    <ConfirmButton label=lang.t("common.delete") question=lang.t("threshold.delete_confirm").to_owned() class="btn-small" />
                </ActionForm></td>
            })}
        </tr>
    }
}

/// 库龄预警 summed up: per warehouse and model, the vehicles in stock at least 30, 60 and
/// 90 days, each count a link to exactly those vehicles.
#[component]
fn AgedSummary(lines: Vec<AgedLine>, cat: Catalog) -> impl IntoView {
    let lang = use_lang();
    let columns = std::iter::once(Column::text(lang.t("alert.model_place")))
        .chain(
            AGED_LEVELS
                .into_iter()
                .map(|d| Column::num(lang.tf("alert.at_least_days", &[("days", &d.to_string())]))),
        )
        .collect();
    let rows: Vec<_> = lines.into_iter().map(|l| view! {
        <tr>
            <td class="subject"><strong>{cat.model_name(l.model_id)}</strong>
                <span class="muted">{cat.warehouse_name(l.warehouse_id)}</span></td>
            {AGED_LEVELS.into_iter().zip(l.at_least).map(|(days, n)| {
                let href = format!("/inventory/vehicles?{}", VehicleFilter {
                    warehouse_id: Some(l.warehouse_id), model_id: Some(l.model_id),
                    status: Some(StatusFilter::InStock), min_days: Some(days), ..Default::default()
                }.to_query());
                view! {
                    <td class="num" data-days=days>
                        {(n > 0).then(|| view! { <a class="count-link" href=href>{n}</a> })}
                        {(n == 0).then_some("-")}
                    </td>
                }
            }).collect_view()}
        </tr>
    }).collect();
    view! {
        <h2>{lang.t("alert.aged_title")}</h2>
        <p class="muted">{lang.t("alert.aged_hint")}</p>
        <div class="section-gap">
            <DataTable columns rows empty=lang.t("alert.none") testid="aged-summary" />
        </div>
    }
}
