//! 库存查询: counts per model, trims × colours, updated live.

use super::query;
use crate::{
    components::{Choice, Page, Select},
    error::AppError,
    i18n::use_lang,
    inventory::{
        api::{get_stock_matrix, load_catalog},
        domain::{
            matrix::{blocks, MatrixFilter, ModelBlock, Pivot},
            vehicle::{StatusFilter, VehicleFilter},
        },
        widgets::{model_choices, status_choices, warehouse_choices},
    },
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn StockPage() -> impl IntoView {
    let lang = use_lang();
    let (wh, model, status, pivot) = (
        query("warehouse_id"),
        query("model_id"),
        query("status"),
        query("pivot"),
    );
    let filter = move || MatrixFilter {
        warehouse_id: wh().and_then(|v| v.parse().ok()),
        model_id: model().and_then(|v| v.parse().ok()),
        status: status().and_then(|s| StatusFilter::parse(&s)),
    };
    let cat = Resource::new(|| (), |_| load_catalog());
    let matrix = Resource::new(filter, get_stock_matrix);
    let live = move || {
        view! { <span class="live-dot" title=lang.t("inventory.live_hint")>{lang.t("inventory.live")}</span> }
    };
    view! {
        <Page title="inventory.matrix" aside=live>
            {move || Suspend::new(async move {
                let cat = cat.await?;
                let m = matrix.await?;
                let f = filter();
                let pv = Pivot::parse(&pivot().unwrap_or_default());
                let status = f.status();
                let export = format!(
                    "/inventory/matrix.xlsx?{}",
                    [
                        f.warehouse_id.map(|v| format!("warehouse_id={v}")),
                        f.model_id.map(|v| format!("model_id={v}")),
                        Some(format!("status={}", status.code())),
                        Some(format!("pivot={}", pv.code())),
                    ].into_iter().flatten().collect::<Vec<_>>().join("&")
                );
                let base = VehicleFilter {
                    warehouse_id: f.warehouse_id,
                    status: Some(status),
                    ..Default::default()
                };
                let model_blocks = blocks(&m, &cat, pv, f.model_id);
                let (warehouses, models) = (warehouse_choices(&cat), model_choices(&cat));
                let empty = model_blocks.is_empty();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/inventory" attr:class="filters" attr:data-testid="matrix-filters">
                        <Select name="warehouse_id" label=lang.t("vehicle.warehouse") choices=warehouses
                            selected=f.warehouse_id.map(|v| v.to_string()) blank=lang.t("inventory.all_warehouses") />
                        <Select name="model_id" label=lang.t("vehicle.model") choices=models
                            selected=f.model_id.map(|v| v.to_string()) blank=lang.t("inventory.all_models") />
                        <Select name="status" label=lang.t("vehicle.status") choices=status_choices()
                            selected=status.code().to_owned() />
                        <Select name="pivot" label=lang.t("inventory.rows")
                            choices=vec![Choice::new("trim", lang.t("inventory.rows_trim")), Choice::new("color", lang.t("inventory.rows_color"))]
                            selected=pv.code().to_owned() />
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <a class="btn" href=export rel="external" download>{lang.t("common.export_xlsx")}</a>
                    </Form>
                    // Refreshed in place when stock moves.
                    <div id="stock-live" data-live-region>
                    <p class="matrix-total">{lang.t("inventory.grand_total")}": "<strong data-testid="matrix-total">{m.total}</strong></p>
                    {empty.then(|| view! { <p class="muted">{lang.t("inventory.no_stock")}</p> })}
                    <div class="matrix-grid">
                        {model_blocks.into_iter().map(|b| {
                            let title = cat.model(b.model_id).map(|m| format!("{} {}", m.brand, m.name)).unwrap_or_default();
                            view! { <MatrixCard block=b title base=base.clone() pivot=pv /> }
                        }).collect_view()}
                    </div>
                    </div>
                })
            })}
        </Page>
    }
}

/// One model's counts, every count a link to the vehicles behind it.
#[component]
fn MatrixCard(
    block: ModelBlock,
    title: String,
    base: VehicleFilter,
    pivot: Pivot,
) -> impl IntoView {
    let lang = use_lang();
    let b = block;
    let link = move |trim: Option<i64>, color: Option<i64>| {
        let q = VehicleFilter {
            model_id: Some(b.model_id),
            trim_id: trim,
            color_id: color,
            ..base.clone()
        };
        format!("/inventory/vehicles?{}", q.to_query())
    };
    let model_link = link(None, None);
    let rows = b
        .rows
        .iter()
        .enumerate()
        .map(|(r, (_, label))| {
            view! {
                <tr>
                    <th scope="row">{label.clone()}</th>
                    {b.counts[r].iter().enumerate().map(|(c, n)| {
                        let (t, co) = b.ids(r, c, pivot);
                        let n = *n;
                        view! {
                            <td class:zero=n == 0 data-trim=t.to_string() data-color=co.to_string()>
                                <a href=link(Some(t), Some(co)) data-testid="matrix-cell">{n}</a>
                            </td>
                        }
                    }).collect_view()}
                    <td class="total">{b.row_totals[r]}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="card matrix-card" data-testid="matrix-block" data-model=b.model_id.to_string()>
            <h2><a href=model_link>{title}</a>" "<span class="count-pill" data-testid="model-total">{b.total}</span></h2>
            <div class="table-wrap">
                <table class="table matrix">
                    <thead><tr>
                        <th></th>
                        {b.cols.iter().map(|(_, l)| view! { <th>{l.clone()}</th> }).collect_view()}
                        <th>{lang.t("inventory.total")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                    <tfoot><tr>
                        <th scope="row">{lang.t("inventory.total")}</th>
                        {b.col_totals.iter().map(|n| view! { <td class="total">{*n}</td> }).collect_view()}
                        <td class="total">{b.total}</td>
                    </tr></tfoot>
                </table>
            </div>
        </article>
    }
}
