//! The inventory pages: 库存查询 (live matrix), 车辆列表, 车辆入库, 库存预警, 库存调拨.

use super::{
    alerts::{
        aged_lines, aged_summary, list_alerts, list_thresholds, AlertRow, DeleteThreshold,
        SaveThreshold, AGED_LEVELS,
    },
    catalog::{load_catalog, Catalog},
    live::use_stock_pulse,
    matrix::{blocks, get_stock_matrix, MatrixFilter, Pivot},
    transfers::{
        list_transfers, AdvanceTransfer, RequestTransfer, TransferStep, TransferStep as Step,
    },
    vehicles::{list_vehicles, ChangeVehicleStatus, IntakeVehicle, VehicleFilter},
    VehicleStatus,
};
use crate::{
    admin::audit::local_time,
    auth::{allowed, login::current_user, Action},
    components::{action_error, ErrorNote},
    domain::{Money, Role},
    error::AppError,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

fn query(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let q = use_query_map();
    move || q.with(|q| q.get(name)).filter(|v| !v.trim().is_empty())
}

fn loading(lang: Lang) -> impl IntoView {
    view! { <p class="muted">{lang.t("common.loading")}</p> }
}

/// The caller's role, for showing the buttons they may press.
fn use_role() -> Resource<Option<Role>> {
    Resource::new(
        || (),
        |_| async { current_user().await.ok().flatten().map(|u| u.role) },
    )
}

#[component]
fn WarehouseSelect(
    cat: Catalog,
    #[prop(into)] name: String,
    selected: Option<i64>,
    #[prop(optional)] all_label: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name=name>
            {all_label.map(|l| view! { <option value="">{lang.t(l)}</option> })}
            {cat.warehouses.into_iter().map(|w| view! {
                <option value=w.id.to_string() selected=selected == Some(w.id)>
                    {format!("{} {} · {}", w.code, w.name, w.store_name)}
                </option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn ModelSelect(cat: Catalog, selected: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name="model_id">
            <option value="">{lang.t("inventory.all_models")}</option>
            {cat.models.into_iter().map(|m| view! {
                <option value=m.id.to_string() selected=selected == Some(m.id)>{format!("{} {}", m.brand, m.name)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn StatusSelect(selected: Option<String>, #[prop(optional)] any: bool) -> impl IntoView {
    let lang = use_lang();
    let sel = selected.unwrap_or_else(|| {
        if any {
            String::new()
        } else {
            "in_stock".into()
        }
    });
    view! {
        <select name="status">
            {any.then(|| view! { <option value="" selected=sel.is_empty()>{lang.t("vehicle.status.any")}</option> })}
            <option value="on_hand" selected=sel == "on_hand">{lang.t("vehicle.status.on_hand")}</option>
            {VehicleStatus::ALL.into_iter().map(|s| view! {
                <option value=s.code() selected=sel == s.code()>{lang.t(s.label_key())}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn StatusBadge(status: String) -> impl IntoView {
    let lang = use_lang();
    let label = status
        .parse::<VehicleStatus>()
        .map(|s| lang.t(s.label_key()))
        .unwrap_or("");
    view! { <span class=format!("badge status-{status}")>{label}</span> }
}

/// 库存查询: counts per model, trims × colours, updated live.
#[component]
pub fn StockPage() -> impl IntoView {
    let lang = use_lang();
    let pulse = use_stock_pulse();
    let (wh, model, status, pivot) = (
        query("warehouse_id"),
        query("model_id"),
        query("status"),
        query("pivot"),
    );
    let filter = move || MatrixFilter {
        warehouse_id: wh().and_then(|v| v.parse().ok()),
        model_id: model().and_then(|v| v.parse().ok()),
        status: status(),
    };
    let cat = Resource::new(|| (), |_| load_catalog());
    let matrix = Resource::new(
        move || (filter(), pulse.get()),
        |(f, _)| get_stock_matrix(f),
    );
    view! {
        <section class="page">
            <div class="page-head">
                <h1 class="page-title">{lang.t("inventory.matrix")}</h1>
                <span class="live-dot" title=lang.t("inventory.live_hint")>{lang.t("inventory.live")}</span>
            </div>
            <Transition fallback=move || loading(lang)>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let cat = cat.await?;
                    let m = matrix.await?;
                    let f = filter();
                    let pv = Pivot::parse(&pivot().unwrap_or_default());
                    let status_q = f.status.clone().unwrap_or_else(|| "in_stock".into());
                    let base = VehicleFilter {
                        warehouse_id: f.warehouse_id,
                        status: Some(status_q.clone()),
                        ..Default::default()
                    };
                    let export = format!(
                        "/inventory/matrix.xlsx?{}",
                        [
                            f.warehouse_id.map(|v| format!("warehouse_id={v}")),
                            f.model_id.map(|v| format!("model_id={v}")),
                            Some(format!("status={status_q}")),
                            Some(format!("pivot={}", pv.code())),
                        ].into_iter().flatten().collect::<Vec<_>>().join("&")
                    );
                    let model_blocks = blocks(&m, &cat, pv, f.model_id);
                    let empty = model_blocks.is_empty();
                    let cat2 = cat.clone();
                    Ok::<_, AppError>(view! {
                        <Form method="GET" action="/inventory" attr:class="filters" attr:data-testid="matrix-filters">
                            <label class="field"><span>{lang.t("vehicle.warehouse")}</span>
                                <WarehouseSelect cat=cat.clone() name="warehouse_id" selected=f.warehouse_id all_label="inventory.all_warehouses" /></label>
                            <label class="field"><span>{lang.t("vehicle.model")}</span><ModelSelect cat=cat.clone() selected=f.model_id /></label>
                            <label class="field"><span>{lang.t("vehicle.status")}</span><StatusSelect selected=f.status.clone() /></label>
                            <label class="field"><span>{lang.t("inventory.rows")}</span>
                                <select name="pivot">
                                    <option value="trim" selected=pv == Pivot::TrimRows>{lang.t("inventory.rows_trim")}</option>
                                    <option value="color" selected=pv == Pivot::ColorRows>{lang.t("inventory.rows_color")}</option>
                                </select></label>
                            <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                            <a class="btn" href=export rel="external" download>{lang.t("common.export_xlsx")}</a>
                        </Form>
                        <p class="matrix-total">{lang.t("inventory.grand_total")}": "<strong data-testid="matrix-total">{m.total}</strong></p>
                        {empty.then(|| view! { <p class="muted">{lang.t("inventory.no_stock")}</p> })}
                        <div class="matrix-grid">
                        {model_blocks.into_iter().map(|b| {
                            let md = cat2.model(b.model_id).cloned();
                            let title = md.map(|m| format!("{} {}", m.brand, m.name)).unwrap_or_default();
                            let link = |trim: Option<i64>, color: Option<i64>| {
                                let q = VehicleFilter { model_id: Some(b.model_id), trim_id: trim, color_id: color, ..base.clone() };
                                format!("/inventory/vehicles?{}", q.to_query())
                            };
                            let model_link = link(None, None);
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
                                        <tbody>
                                        {b.rows.iter().enumerate().map(|(r, (_, label))| view! {
                                            <tr>
                                                <th scope="row">{label.clone()}</th>
                                                {b.counts[r].iter().enumerate().map(|(c, n)| {
                                                    let (t, co) = b.ids(r, c, pv);
                                                    let n = *n;
                                                    view! {
                                                        <td class:zero=n == 0 data-trim=t.to_string() data-color=co.to_string()>
                                                            <a href=link(Some(t), Some(co)) data-testid="matrix-cell">{n}</a>
                                                        </td>
                                                    }
                                                }).collect_view()}
                                                <td class="total">{b.row_totals[r]}</td>
                                            </tr>
                                        }).collect_view()}
                                        </tbody>
                                        <tfoot><tr>
                                            <th scope="row">{lang.t("inventory.total")}</th>
                                            {b.col_totals.iter().map(|n| view! { <td class="total">{*n}</td> }).collect_view()}
                                            <td class="total">{b.total}</td>
                                        </tr></tfoot>
                                    </table>
                                    </div>
                                </article>
                            }
                        }).collect_view()}
                        </div>
                    })
                })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// 车辆列表: the vehicles behind a matrix cell, with their status moves.
#[component]
pub fn VehiclesPage() -> impl IntoView {
    let lang = use_lang();
    let pulse = use_stock_pulse();
    let q = use_query_map();
    let filter = move || {
        q.with(|m| {
            let pairs: Vec<(String, String)> = [
                "q",
                "warehouse_id",
                "model_id",
                "trim_id",
                "color_id",
                "status",
                "min_days",
                "offset",
            ]
            .iter()
            .filter_map(|k| m.get(k).map(|v| (k.to_string(), v)))
            .collect();
            VehicleFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        })
    };
    let change = ServerAction::<ChangeVehicleStatus>::new();
    let cat = Resource::new(|| (), |_| load_catalog());
    let role = use_role();
    let page = Resource::new(
        move || (filter(), pulse.get(), change.version().get()),
        |(f, _, _)| list_vehicles(f),
    );
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("inventory.vehicles")}</h1>
            {action_error(change.value())}
            <Transition fallback=move || loading(lang)>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let cat = cat.await?;
                    let role = role.await;
                    let page = page.await?;
                    let f = filter();
                    let may_move = role.is_some_and(|r| allowed(r, Action::ChangeVehicleStatus));
                    let may_transfer = role.is_some_and(|r| allowed(r, Action::RequestTransfer));
                    let may_act = may_move || may_transfer;
                    let offset = f.offset.unwrap_or(0);
                    let size = f.page_size();
                    let prev = (offset > 0).then(|| VehicleFilter { offset: Some((offset - size).max(0)), ..f.clone() }.to_query());
                    let next = (offset + size < page.total).then(|| VehicleFilter { offset: Some(offset + size), ..f.clone() }.to_query());
                    let export = format!("/inventory/vehicles.xlsx?{}", VehicleFilter { offset: None, ..f.clone() }.to_query());
                    let rows_cat = cat.clone();
                    Ok::<_, AppError>(view! {
                        <Form method="GET" action="/inventory/vehicles" attr:class="filters">
                            <label class="field"><span>"VIN"</span><input name="q" value=f.q.clone().unwrap_or_default() autocapitalize="characters" /></label>
                            <label class="field"><span>{lang.t("vehicle.warehouse")}</span>
                                <WarehouseSelect cat=cat.clone() name="warehouse_id" selected=f.warehouse_id all_label="inventory.all_warehouses" /></label>
                            <label class="field"><span>{lang.t("vehicle.model")}</span><ModelSelect cat=cat.clone() selected=f.model_id /></label>
                            <label class="field"><span>{lang.t("vehicle.status")}</span><StatusSelect selected=f.status.clone() any=true /></label>
                            <label class="field"><span>{lang.t("vehicle.min_days")}</span>
                                <select name="min_days">
                                    <option value="">"-"</option>
                                    {[30, 60, 90].into_iter().map(|d| view! { <option value=d.to_string() selected=f.min_days == Some(d)>{format!("≥ {d}")}</option> }).collect_view()}
                                </select></label>
                            {f.trim_id.map(|t| view! { <input type="hidden" name="trim_id" value=t.to_string() /> })}
                            {f.color_id.map(|c| view! { <input type="hidden" name="color_id" value=c.to_string() /> })}
                            <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                            <a class="btn" href=export rel="external" download>{lang.t("common.export_xlsx")}</a>
                        </Form>
                        <p class="muted" data-testid="vehicle-total">{lang.tf("inventory.n_vehicles", &[("n", &page.total.to_string())])}</p>
                        <div class="table-wrap">
                        <table class="table" data-testid="vehicles-table">
                            <thead><tr>
                                <th>"VIN"</th>
                                <th>{lang.t("vehicle.model_trim_color")}</th>
                                <th>{lang.t("vehicle.warehouse")}</th>
                                <th>{lang.t("vehicle.status")}</th>
                                <th class="num">{lang.t("vehicle.days_in_stock")}</th>
                                <th class="num">{lang.t("vehicle.list_price")}</th>
                                {may_act.then(|| view! { <th>{lang.t("common.actions")}</th> })}
                            </tr></thead>
                            <tbody>
                            {page.rows.into_iter().map(|v| {
                                let status = v.status();
                                let moves: Vec<VehicleStatus> = if v.in_transfer || !may_move { vec![] } else { status.map(|s| s.next().to_vec()).unwrap_or_default() };
                                let transfer = (may_transfer && !v.in_transfer && status == Some(VehicleStatus::InStock))
                                    .then(|| format!("/inventory/transfers?vins={}", v.vin));
                                let aged = v.days_in_stock.and_then(super::alerts::aged_level);
                                view! {
                                    <tr data-vin=v.vin.clone()>
                                        <td><code>{v.vin.clone()}</code></td>
                                        <td>{format!("{} · {} · {}", rows_cat.model_name(v.model_id), rows_cat.trim_name(v.trim_id), rows_cat.color_name(v.color_id))}</td>
                                        <td>{rows_cat.warehouse_name(v.warehouse_id)}</td>
                                        <td><StatusBadge status=v.status.clone() />
                                            {v.in_transfer.then(|| view! { " " <span class="badge badge-transfer">{lang.t("vehicle.in_transfer_badge")}</span> })}</td>
                                        <td class="num" class:aged=aged.is_some()>{v.days_in_stock.map(|d| d.to_string()).unwrap_or_else(|| "-".into())}</td>
                                        <td class="num">{Money::from_fen(v.list_price_fen).to_string()}</td>
                                        {may_act.then(|| view! {
                                            <td class="actions">
                                            {transfer.map(|href| view! { <a class="btn btn-small" href=href>{lang.t("vehicle.transfer")}</a> })}
                                            {moves.into_iter().map(|to| view! {
                                                <ActionForm action=change attr:class="inline-form">
                                                    <input type="hidden" name="id" value=v.id.to_string() />
                                                    <input type="hidden" name="to" value=to.code() />
                                                    <input type="hidden" name="version" value=v.version.to_string() />
                                                    <button type="submit" class="btn btn-small">{lang.t(status.map(|s| s.move_key(to)).unwrap_or("vehicle.move.other"))}</button>
                                                </ActionForm>
                                            }).collect_view()}
                                            </td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <nav class="pager">
                            {prev.map(|q| view! { <a class="btn" href=format!("/inventory/vehicles?{q}")>{lang.t("common.prev")}</a> })}
                            {next.map(|q| view! { <a class="btn" href=format!("/inventory/vehicles?{q}")>{lang.t("common.next")}</a> })}
                        </nav>
                    })
                })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// 车辆入库: one vehicle by form, or a batch from the template.
#[component]
pub fn IntakePage() -> impl IntoView {
    let lang = use_lang();
    let intake = ServerAction::<IntakeVehicle>::new();
    let cat = Resource::new(|| (), |_| load_catalog());
    let imported = query("imported");
    let import_error = query("import_error");
    let batch_result: RwSignal<Option<Result<i64, AppError>>> = RwSignal::new(None);
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("inventory.intake")}</h1>
            <Transition fallback=move || loading(lang)>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let cat = cat.await?;
                    let trims_cat = cat.clone();
                    let colors_cat = cat.clone();
                    Ok::<_, AppError>(view! {
                        <div class="card">
                            <h2>{lang.t("inventory.intake_one")}</h2>
                            <ActionForm action=intake attr:class="form form-grid" attr:data-testid="intake-form">
                                <label class="field"><span>"VIN"</span>
                                    <input name="vin" required minlength="17" maxlength="17" autocapitalize="characters" autocomplete="off" spellcheck="false" /></label>
                                <label class="field"><span>{lang.t("vehicle.model_trim")}</span>
                                    <select name="trim_id" required>
                                    {cat.models.iter().map(|m| {
                                        let trims: Vec<_> = trims_cat.trims.iter().filter(|t| t.model_id == m.id).cloned().collect();
                                        view! {
                                            <optgroup label=m.name.clone()>
                                            {trims.into_iter().map(|t| view! { <option value=t.id.to_string()>{format!("{} · {} ({})", m.name, t.name, Money::from_fen(t.msrp_fen))}</option> }).collect_view()}
                                            </optgroup>
                                        }
                                    }).collect_view()}
                                    </select></label>
                                <label class="field"><span>{lang.t("vehicle.color")}</span>
                                    <select name="color_id" required>
                                    {cat.models.iter().map(|m| {
                                        let colors: Vec<_> = colors_cat.colors.iter().filter(|c| c.model_id == m.id).cloned().collect();
                                        view! {
                                            <optgroup label=m.name.clone()>
                                            {colors.into_iter().map(|c| view! { <option value=c.id.to_string()>{format!("{} · {}", m.name, c.name)}</option> }).collect_view()}
                                            </optgroup>
                                        }
                                    }).collect_view()}
                                    </select></label>
                                <label class="field"><span>{lang.t("vehicle.warehouse")}</span>
                                    <WarehouseSelect cat=cat.clone() name="warehouse_id" selected=None /></label>
                                <label class="field"><span>{lang.t("vehicle.status")}</span>
                                    <select name="status">
                                        <option value="in_stock">{lang.t("vehicle.status.in_stock")}</option>
                                        <option value="in_transit">{lang.t("vehicle.status.in_transit")}</option>
                                    </select></label>
                                <label class="field"><span>{lang.t("vehicle.cost")}</span><input name="cost" required inputmode="decimal" placeholder="72000" /></label>
                                <label class="field"><span>{lang.t("vehicle.list_price")}</span><input name="list_price" inputmode="decimal" placeholder=lang.t("vehicle.list_price_hint") /></label>
                                <label class="field"><span>{lang.t("vehicle.arrival_date")}</span><input name="arrival_date" type="date" /></label>
                                <button type="submit" class="btn btn-primary">{lang.t("inventory.intake_submit")}</button>
                            </ActionForm>
                            {action_error(intake.value())}
                            {move || intake.value().get().and_then(Result::ok).map(|_| view! {
                                <p class="ok-note" role="status" data-testid="intake-ok">{lang.t("inventory.intake_done")}</p>
                            })}
                        </div>
                        <div class="card">
                            <h2>{lang.t("inventory.intake_batch")}</h2>
                            <p class="muted">{lang.t("inventory.batch_hint")}</p>
                            <p><a class="btn" href="/inventory/intake-template.xlsx" rel="external" download>{lang.t("inventory.template")}</a></p>
                            <BatchForm result=batch_result />
                            {move || imported().map(|n| view! { <p class="ok-note" role="status">{lang.tf("inventory.batch_done", &[("n", &n)])}</p> })}
                            {move || import_error().map(|e| view! { <div class="error-note" role="alert"><p>{e}</p></div> })}
                            {move || batch_result.get().map(|r| match r {
                                Ok(n) => view! { <p class="ok-note" role="status" data-testid="batch-ok">{lang.tf("inventory.batch_done", &[("n", &n.to_string())])}</p> }.into_any(),
                                Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                            })}
                        </div>
                    })
                })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The batch upload: a plain multipart form (works without JavaScript), sent with
/// `fetch` when JavaScript runs so the result shows in place.
#[component]
fn BatchForm(result: RwSignal<Option<Result<i64, AppError>>>) -> impl IntoView {
    let lang = use_lang();
    let busy = RwSignal::new(false);
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
            leptos::task::spawn_local(async move {
                result.set(Some(upload(form).await));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, busy, result);
    };
    view! {
        <form method="post" action="/inventory/import" enctype="multipart/form-data" class="form inline-form"
            on:submit=on_submit data-testid="batch-form">
            <input type="file" name="file" required accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" />
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{lang.t("inventory.upload")}</button>
        </form>
    }
}

#[cfg(feature = "hydrate")]
async fn upload(form: web_sys::HtmlFormElement) -> Result<i64, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: wasm_bindgen::JsValue| AppError::Transport(format!("{e:?}"));
    let data = web_sys::FormData::new_with_form(&form).map_err(failed)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&data);
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("accept", "application/json").map_err(failed)?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| AppError::Transport("no window".into()))?;
    let res: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init("/inventory/import", &init))
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
        #[derive(serde::Deserialize)]
        struct Done {
            imported: i64,
        }
        serde_json::from_str::<Done>(&text)
            .map(|d| d.imported)
            .map_err(|e| AppError::Transport(e.to_string()))
    } else {
        Err(serde_json::from_str::<AppError>(&text).unwrap_or(AppError::Transport(text)))
    }
}

fn alert_kind_key(kind: &str) -> &'static str {
    match kind {
        "low" => "alert.kind.low",
        "high" => "alert.kind.high",
        _ => "alert.kind.aged",
    }
}

/// 库存预警: open alerts, recent closed ones, and the thresholds.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let lang = use_lang();
    let pulse = use_stock_pulse();
    let save = ServerAction::<SaveThreshold>::new();
    let delete = ServerAction::<DeleteThreshold>::new();
    let show_closed = query("closed");
    let cat = Resource::new(|| (), |_| load_catalog());
    let role = use_role();
    let alerts = Resource::new(
        move || {
            (
                pulse.get(),
                save.version().get(),
                delete.version().get(),
                show_closed().is_some(),
            )
        },
        // Open: threshold alerts listed, aged stock summed up below (a dealer may have
        // hundreds of aged vehicles). All: the whole history, one line per alert.
        |(_, _, _, closed)| list_alerts(!closed, (!closed).then(|| "low,high".to_owned())),
    );
    let aged = Resource::new(
        move || (pulse.get(), show_closed().is_some()),
        |(_, closed)| async move {
            if closed {
                Ok(Vec::new())
            } else {
                aged_summary().await
            }
        },
    );
    let thresholds = Resource::new(
        move || (pulse.get(), save.version().get(), delete.version().get()),
        |_| list_thresholds(),
    );
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("inventory.alerts")}</h1>
            <Transition fallback=move || loading(lang)>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let cat = cat.await?;
                    let role = role.await;
                    let alerts = alerts.await?;
                    let thresholds = thresholds.await?;
                    let aged = aged_lines(&aged.await?);
                    let may_edit = role.is_some_and(|r| allowed(r, Action::ManageThresholds));
                    let closed = show_closed().is_some();
                    let acat = cat.clone();
                    let tcat = cat.clone();
                    Ok::<_, AppError>(view! {
                        <div class="tabs">
                            <a class="btn" class:btn-primary=!closed href="/inventory/alerts">{lang.t("alert.open")}</a>
                            <a class="btn" class:btn-primary=closed href="/inventory/alerts?closed=1">{lang.t("alert.all")}</a>
                        </div>
                        {(!closed).then(|| view! { <h2>{lang.t("alert.stock_title")}</h2> })}
                        {alerts.is_empty().then(|| view! { <p class="muted">{lang.t("alert.none")}</p> })}
                        <ul class="alert-list" data-testid="alert-list">
                        {alerts.into_iter().map(|a: AlertRow| {
                            let what = match a.kind.as_str() {
                                "aged" => format!("{} · {}", a.vin.clone().unwrap_or_default(), acat.model_name(a.model_id)),
                                _ => format!("{}{}", acat.model_name(a.model_id), a.color_id.map(|c| format!(" · {}", acat.color_name(c))).unwrap_or_default()),
                            };
                            let detail = match a.kind.as_str() {
                                "low" => lang.tf("alert.low_detail", &[("qty", &a.quantity.to_string()), ("level", &a.level.to_string())]),
                                "high" => lang.tf("alert.high_detail", &[("qty", &a.quantity.to_string()), ("level", &a.level.to_string())]),
                                _ => lang.tf("alert.aged_detail", &[("level", &a.level.to_string())]),
                            };
                            let filter = match (a.kind.as_str(), a.vin.clone()) {
                                ("aged", Some(vin)) => VehicleFilter { q: Some(vin), ..Default::default() },
                                _ => VehicleFilter { warehouse_id: Some(a.warehouse_id), model_id: Some(a.model_id), color_id: a.color_id,
                                    status: Some("in_stock".into()), ..Default::default() },
                            };
                            let link = format!("/inventory/vehicles?{}", filter.to_query());
                            view! {
                                <li class=format!("alert alert-{}", a.kind) class:closed=a.closed_at.is_some() data-kind=a.kind.clone()>
                                    <span class="badge">{lang.t(alert_kind_key(&a.kind))}</span>
                                    <a href=link class="alert-what">{what}</a>
                                    <span class="alert-detail">{detail}</span>
                                    <span class="muted">{acat.warehouse_name(a.warehouse_id)}</span>
                                    <span class="muted nowrap">{local_time(a.opened_at)}
                                        {a.closed_at.map(|c| format!(" → {}", local_time(c)))}</span>
                                </li>
                            }
                        }).collect_view()}
                        </ul>
                        {(!closed).then(|| view! { <AgedSummary lines=aged cat=cat.clone() /> })}
                        <h2>{lang.t("threshold.title")}</h2>
                        <div class="table-wrap section-gap">
                        <table class="table" data-testid="thresholds-table">
                            <thead><tr>
                                <th>{lang.t("alert.model_place")}</th>
                                <th class="num">{lang.t("threshold.low")}</th>
                                <th class="num">{lang.t("threshold.high")}</th>
                                <th class="num">{lang.t("threshold.in_stock")}</th>
                                {may_edit.then(|| view! { <th></th> })}
                            </tr></thead>
                            <tbody>
                            {thresholds.into_iter().map(|t| view! {
                                <tr>
                                    <td class="subject"><strong>{tcat.model_name(t.model_id)}</strong>
                                        {format!(" · {}", t.color_id.map(|c| tcat.color_name(c)).unwrap_or_else(|| lang.t("threshold.all_colors").into()))}
                                        <span class="muted">{tcat.warehouse_name(t.warehouse_id)}</span></td>
                                    <td class="num">{t.low_qty.map(|v| v.to_string()).unwrap_or_else(|| "-".into())}</td>
                                    <td class="num">{t.high_qty.map(|v| v.to_string()).unwrap_or_else(|| "-".into())}</td>
                                    <td class="num">{t.in_stock}</td>
                                    {may_edit.then(|| view! {
                                        <td><ActionForm action=delete attr:class="inline-form">
                                            <input type="hidden" name="id" value=t.id.to_string() />
                                            <button type="submit" class="btn btn-small">{lang.t("common.delete")}</button>
                                        </ActionForm></td>
                                    })}
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        {may_edit.then(|| {
                            let colors = cat.clone();
                            view! {
                                <details class="card" open=true>
                                    <summary>{lang.t("threshold.set")}</summary>
                                    <ActionForm action=save attr:class="form form-grid" attr:data-testid="threshold-form">
                                        <label class="field"><span>{lang.t("vehicle.warehouse")}</span>
                                            <WarehouseSelect cat=cat.clone() name="warehouse_id" selected=None /></label>
                                        <label class="field"><span>{lang.t("vehicle.model")}</span>
                                            <select name="model_id" required>
                                            {cat.models.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.clone()}</option> }).collect_view()}
                                            </select></label>
                                        <label class="field"><span>{lang.t("vehicle.color")}</span>
                                            <select name="color_id">
                                                <option value="">{lang.t("threshold.all_colors")}</option>
                                                {colors.colors.iter().map(|c| view! { <option value=c.id.to_string()>{format!("{} · {}", colors.model_name(c.model_id), c.name)}</option> }).collect_view()}
                                            </select></label>
                                        <label class="field"><span>{lang.t("threshold.low")}</span><input name="low_qty" inputmode="numeric" /></label>
                                        <label class="field"><span>{lang.t("threshold.high")}</span><input name="high_qty" inputmode="numeric" /></label>
                                        <button type="submit" class="btn btn-primary">{lang.t("common.save")}</button>
                                    </ActionForm>
                                    {action_error(save.value())}
                                    {action_error(delete.value())}
                                </details>
                            }
                        })}
                    })
                })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// 库龄预警 summed up: per warehouse and model, the vehicles in stock at least 30, 60 and
/// 90 days, each count a link to exactly those vehicles.
#[component]
fn AgedSummary(lines: Vec<super::alerts::AgedLine>, cat: Catalog) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{lang.t("alert.aged_title")}</h2>
        <p class="muted">{lang.t("alert.aged_hint")}</p>
        {lines.is_empty().then(|| view! { <p class="muted">{lang.t("alert.none")}</p> })}
        {(!lines.is_empty()).then(|| view! {
            <div class="table-wrap section-gap">
            <table class="table" data-testid="aged-summary">
                <thead><tr>
                    <th>{lang.t("alert.model_place")}</th>
                    {AGED_LEVELS.into_iter().map(|d| view! {
                        <th class="num">{lang.tf("alert.at_least_days", &[("days", &d.to_string())])}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr>
                        <td class="subject"><strong>{cat.model_name(l.model_id)}</strong>
                            <span class="muted">{cat.warehouse_name(l.warehouse_id)}</span></td>
                        {AGED_LEVELS.into_iter().zip(l.at_least).map(|(days, n)| view! {
                            <td class="num" data-days=days>{(n > 0).then(|| view! {
                                <a class="count-link" href=format!("/inventory/vehicles?{}", VehicleFilter {
                                    warehouse_id: Some(l.warehouse_id), model_id: Some(l.model_id), status: Some("in_stock".into()),
                                    min_days: Some(days), ..Default::default() }.to_query())>{n}</a>
                            })}{(n == 0).then_some("-")}</td>
                        }).collect_view()}
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
    }
}

/// 库存调拨: requests and their steps.
#[component]
pub fn TransfersPage() -> impl IntoView {
    let lang = use_lang();
    let pulse = use_stock_pulse();
    let request = ServerAction::<RequestTransfer>::new();
    let step = ServerAction::<AdvanceTransfer>::new();
    let cat = Resource::new(|| (), |_| load_catalog());
    let role = use_role();
    let prefill = query("vins");
    let list = Resource::new(
        move || (pulse.get(), request.version().get(), step.version().get()),
        |_| list_transfers(false),
    );
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("inventory.transfers")}</h1>
            {action_error(step.value())}
            <Transition fallback=move || loading(lang)>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let cat = cat.await?;
                    let role = role.await;
                    let rows = list.await?;
                    let may = |a: Action| role.is_some_and(|r| allowed(r, a));
                    let may_request = may(Action::RequestTransfer);
                    let lcat = cat.clone();
                    Ok::<_, AppError>(view! {
                        {may_request.then(|| view! {
                            <details class="card" open=true>
                                <summary>{lang.t("transfer.new")}</summary>
                                <ActionForm action=request attr:class="form form-grid" attr:data-testid="transfer-form">
                                    <label class="field"><span>{lang.t("transfer.from")}</span>
                                        <WarehouseSelect cat=cat.clone() name="from_warehouse_id" selected=None /></label>
                                    <label class="field"><span>{lang.t("transfer.to")}</span>
                                        <WarehouseSelect cat=cat.clone() name="to_warehouse_id" selected=cat.warehouses.get(1).map(|w| w.id) /></label>
                                    <label class="field field-wide"><span>{lang.t("transfer.vins")}</span>
                                        <textarea name="vins" rows="3" required autocapitalize="characters" spellcheck="false">{prefill()}</textarea></label>
                                    <label class="field field-wide"><span>{lang.t("transfer.reason")}</span><input name="reason" required maxlength="500" /></label>
                                    <button type="submit" class="btn btn-primary">{lang.t("transfer.submit")}</button>
                                </ActionForm>
                                {action_error(request.value())}
                            </details>
                        })}
                        {rows.is_empty().then(|| view! { <p class="muted">{lang.t("transfer.none")}</p> })}
                        <div class="cards" data-testid="transfer-list">
                        {rows.into_iter().map(|t| {
                            let status = t.status();
                            let steps: Vec<TransferStep> = status.map(|s| s.steps()).unwrap_or_default()
                                .into_iter().filter(|s| may(s.action())).collect();
                            view! {
                                <article class="card transfer" data-testid="transfer" data-status=t.status.clone()>
                                    <h2>{format!("#{} ", t.id)}{lcat.warehouse_name(t.from_warehouse_id)}" → "{lcat.warehouse_name(t.to_warehouse_id)}</h2>
                                    <p><span class=format!("badge transfer-{}", t.status)>{status.map(|s| lang.t(s.label_key())).unwrap_or("")}</span>
                                       " "{t.reason.clone()}</p>
                                    <p class="muted">{lang.tf("transfer.by", &[("who", &t.requested_by)])}" · "{local_time(t.created_at)}
                                        {t.approved_by.clone().map(|a| format!(" · {}", lang.tf("transfer.approved_by", &[("who", &a)])))}</p>
                                    <ul class="vin-list">{t.vins.iter().map(|v| view! { <li><code>{v.clone()}</code></li> }).collect_view()}</ul>
                                    <div class="actions">
                                    {steps.into_iter().map(|s| view! {
                                        <ActionForm action=step attr:class="inline-form">
                                            <input type="hidden" name="id" value=t.id.to_string() />
                                            <input type="hidden" name="step" value=s.code() />
                                            <input type="hidden" name="version" value=t.version.to_string() />
                                            <button type="submit" class="btn" class:btn-primary=!matches!(s, Step::Reject | Step::Cancel)>{lang.t(s.label_key())}</button>
                                        </ActionForm>
                                    }).collect_view()}
                                    </div>
                                </article>
                            }
                        }).collect_view()}
                        </div>
                    })
                })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
