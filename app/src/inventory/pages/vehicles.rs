//! 车辆列表: the vehicles behind a matrix cell, with their status moves.

use crate::{
    auth::Action,
    components::{action_error, use_current_user, Choice, Column, DataTable, Page, Select},
    error::AppError,
    i18n::use_lang,
    inventory::{
        api::{list_vehicles, load_catalog, ChangeVehicleStatus},
        domain::{
            alert::{aged_level, AGED_LEVELS},
            vehicle::{VehicleFilter, VehicleRow},
            VehicleStatus,
        },
        widgets::{model_choices, status_choices, warehouse_choices, StatusBadge},
    },
};
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn VehiclesPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let filter = move || {
        q.with(|m| {
            let pairs: Vec<(&str, String)> = [
                "q",
                "warehouse_id",
                "store_id",
                "model_id",
                "trim_id",
                "color_id",
                "status",
                "min_days",
                "offset",
            ]
            .into_iter()
            .filter_map(|k| m.get(k).map(|v| (k, v)))
            .collect();
            VehicleFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    };
    let change = ServerAction::<ChangeVehicleStatus>::new();
    let cat = Resource::new(|| (), |_| load_catalog());
    let user = use_current_user();
    let page = Resource::new(filter, list_vehicles);
    view! {
        <Page title="inventory.vehicles">
            {action_error(change.value())}
            {move || Suspend::new(async move {
                let cat = cat.await?;
                let page = page.await?;
                let may_move = user.may(Action::ChangeVehicleStatus).await;
                let may_transfer = user.may(Action::RequestTransfer).await;
                let f = filter();
                let offset = f.offset.unwrap_or(0);
                let size = f.page_size();
                let link = |f: VehicleFilter| format!("/inventory/vehicles?{}", f.to_query());
                let prev = (offset > 0).then(|| link(VehicleFilter { offset: Some((offset - size).max(0)), ..f.clone() }));
                let next = (offset + size < page.total).then(|| link(VehicleFilter { offset: Some(offset + size), ..f.clone() }));
                let export = format!("/inventory/vehicles.xlsx?{}", VehicleFilter { offset: None, ..f.clone() }.to_query());
                let mut columns = vec![
                    Column::text("VIN"),
                    Column::text(lang.t("vehicle.model_trim_color")),
                    Column::text(lang.t("vehicle.warehouse")),
                    Column::text(lang.t("vehicle.status")),
                    Column::num(lang.t("vehicle.days_in_stock")),
                    Column::num(lang.t("vehicle.list_price")),
                ];
                if may_move || may_transfer {
                    columns.push(Column::text(lang.t("common.actions")));
                }
                let (warehouses, models) = (warehouse_choices(&cat), model_choices(&cat));
                let rows: Vec<_> = page.rows.into_iter().map(|v| {
                    let label = format!("{} · {} · {}", cat.model_name(v.model_id), cat.trim_name(v.trim_id), cat.color_name(v.color_id));
                    let place = cat.warehouse_name(v.warehouse_id);
                    view! { <VehicleLine v label place may_move may_transfer change /> }
                }).collect();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/inventory/vehicles" attr:class="filters">
                        <div class="field">
                            <label for="filter-q">"VIN"</label>
                            <input id="filter-q" name="q" value=f.q.clone().unwrap_or_default() maxlength="17" autocapitalize="characters" />
                        </div>
                        <Select name="warehouse_id" label=lang.t("vehicle.warehouse") choices=warehouses
                            selected=f.warehouse_id.map(|v| v.to_string()) blank=lang.t("inventory.all_warehouses") />
                        <Select name="model_id" label=lang.t("vehicle.model") choices=models
                            selected=f.model_id.map(|v| v.to_string()) blank=lang.t("inventory.all_models") />
                        <Select name="status" label=lang.t("vehicle.status") choices=status_choices()
                            selected=f.status.map(|s| s.code().to_owned()) blank=lang.t("vehicle.status.any") />
                        <Select name="min_days" label=lang.t("vehicle.min_days")
                            choices=AGED_LEVELS.into_iter().map(|d| Choice::new(d, format!("≥ {d}"))).collect()
                            selected=f.min_days.map(|d| d.to_string()) blank="-" />
                        {f.store_id.map(|s| view! { <input type="hidden" name="store_id" value=s.to_string() /> })}
                        {f.trim_id.map(|t| view! { <input type="hidden" name="trim_id" value=t.to_string() /> })}
                        {f.color_id.map(|c| view! { <input type="hidden" name="color_id" value=c.to_string() /> })}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <a class="btn" href=export rel="external" download>{lang.t("common.export_xlsx")}</a>
                    </Form>
                    // Refreshed in place when stock moves.
                    <div id="vehicles-live" data-live-region>
                    <p class="muted" data-testid="vehicle-total">{lang.tf("inventory.n_vehicles", &[("n", &page.total.to_string())])}</p>
                    <DataTable columns rows empty=lang.t("inventory.no_vehicles") testid="vehicles-table" />
                    <nav class="pager">
                        {prev.map(|href| view! { <a class="btn" href=href>{lang.t("common.prev")}</a> })}
                        {next.map(|href| view! { <a class="btn" href=href>{lang.t("common.next")}</a> })}
                    </nav>
                    </div>
                })
            })}
        </Page>
    }
}

/// One vehicle's row, with the moves the caller may make.
#[component]
fn VehicleLine(
    v: VehicleRow,
    label: String,
    place: String,
    may_move: bool,
    may_transfer: bool,
    change: ServerAction<ChangeVehicleStatus>,
) -> impl IntoView {
    let lang = use_lang();
    let moves: &[VehicleStatus] = if v.in_transfer || !may_move {
        &[]
    } else {
        v.status.next()
    };
    let transfer = (may_transfer && !v.in_transfer && v.status == VehicleStatus::InStock)
        .then(|| format!("/inventory/transfers?vins={}", v.vin));
    let aged = v.days_in_stock.and_then(aged_level);
    let actions = (may_move || may_transfer).then(|| view! {
        <td class="actions">
            {transfer.map(|href| view! { <a class="btn btn-small" href=href>{lang.t("vehicle.transfer")}</a> })}
            {moves.iter().map(|to| view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="id" value=v.id.to_string() />
                    <input type="hidden" name="to" value=to.code() />
                    <input type="hidden" name="version" value=v.version.to_string() />
                    <button type="submit" class="btn btn-small">{lang.t(v.status.move_key(*to))}</button>
                </ActionForm>
            }).collect_view()}
        </td>
    });
    view! {
        <tr data-vin=v.vin.clone()>
            <td><code>{v.vin.clone()}</code></td>
            <td>{label}</td>
            <td>{place}</td>
            <td><StatusBadge status=v.status />
                {v.in_transfer.then(|| view! { " " <span class="badge badge-transfer">{lang.t("vehicle.in_transfer_badge")}</span> })}</td>
            <td class="num" class:aged=aged.is_some()>{v.days_in_stock.map(|d| d.to_string()).unwrap_or_else(|| "-".into())}</td>
            <td class="num">{v.list_price_fen.to_string()}</td>
            {actions}
        </tr>
    }
}
