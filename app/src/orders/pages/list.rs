//! 订单: the orders the caller may see, newest first, filtered by status, salesperson, the
//! day entered, model and a search (order number, customer name or mobile, VIN) — a plain
//! GET form — a page at a time; the whole list as filtered exports to Excel (导出 Excel),
//! and 批量导入 is a click away for those who enter orders.

use super::{money, status_choices, OrderStatusBadge};
use crate::{
    auth::Action,
    clock::local_time,
    components::{use_current_user, Choice, Column, DataTable, ErrorNote, Page, Select},
    crm::api::lead_owners,
    domain::Role,
    i18n::use_lang,
    inventory::{api::load_catalog, domain::vehicle::urlencode, widgets::model_choices},
    orders::{
        api::list_orders,
        domain::{order::MAX_SEARCH, OrderFilter, OrderStatus},
    },
};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

/// The filter a list address asks for; values that do not read are left out.
pub fn filter_of(get: impl Fn(&str) -> Option<String>) -> OrderFilter {
    let text = |k: &str| {
        get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let id = |k: &str| {
        text(k)
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v > 0)
    };
    let day = |k: &str| text(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    OrderFilter {
        status: text("status").and_then(|s| OrderStatus::parse(&s)),
        salesperson_id: id("salesperson_id"),
        store_id: id("store_id"),
        model_id: id("model_id"),
        sold: text("sold")
            .map(|v| matches!(v.as_str(), "1" | "true" | "on"))
            .filter(|s| *s),
        from: day("from"),
        to: day("to"),
        q: text("q").map(|q| q.chars().take(MAX_SEARCH).collect()),
        offset: text("offset")
            .and_then(|v| v.parse().ok())
            .filter(|o: &i64| *o >= 0),
        ..Default::default()
    }
}

/// The list's address for a filter (and its page).
fn address(f: &OrderFilter) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{k}={}", urlencode(&v)));
        }
    };
    add("status", f.status.map(|s| s.code().to_owned()));
    add("salesperson_id", f.salesperson_id.map(|v| v.to_string()));
    add("store_id", f.store_id.map(|v| v.to_string()));
    add("model_id", f.model_id.map(|v| v.to_string()));
    add("sold", f.sold.filter(|s| *s).map(|_| "1".to_owned()));
    add("from", f.from.map(|d| d.to_string()));
    add("to", f.to.map(|d| d.to_string()));
    add("q", f.q.clone());
    add("offset", f.offset.filter(|o| *o > 0).map(|o| o.to_string()));
    format!("/orders?{}", parts.join("&"))
}

/// The Excel export of the list as filtered (every page of it).
fn export_address(f: &OrderFilter) -> String {
    let all = OrderFilter {
        offset: None,
        ..f.clone()
    };
    address(&all).replacen("/orders?", "/orders.xlsx?", 1)
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let filter = move || q.with(|m| filter_of(|k| m.get(k)));
    let page = Resource::new(filter, list_orders);
    let cat = Resource::new(|| (), |_| load_catalog());
    let owners = Resource::new(|| (), |_| lead_owners());
    let user = use_current_user();
    view! {
        <Page title="order.list">
            {move || Suspend::new(async move {
                let result = page.await;
                let cat = cat.await.unwrap_or_default();
                let me = user.0.await.ok().flatten();
                let may_edit = user.may(Action::EditOrders).await;
                let may_approve = user.may(Action::ApproveOrders).await;
                let sales = me.as_ref().is_some_and(|u| u.role == Role::Sales);
                let owners: Vec<Choice> = if sales {
                    Vec::new()
                } else {
                    owners.await.unwrap_or_default().into_iter().map(|(id, name)| Choice::new(id, name)).collect()
                };
                let f = filter();
                let sold_only = f.sold == Some(true);
                let report_filter = sold_only || f.store_id.is_some();
                let size = f.page_size();
                let offset = f.offset.unwrap_or(0);
                let columns = vec![
                    Column::text(lang.t("order.number")),
                    Column::text(lang.t("order.customer")),
                    Column::text(lang.t("order.car_vin")),
                    Column::num(lang.t("order.amount")),
                    Column::text(lang.t("order.status")),
                    Column::text(lang.t("order.salesperson")),
                    Column::text(lang.t("order.created_at")),
                ];
                let (rows, total, more, error) = match result {
                    Ok(p) => (p.rows, p.total, p.more, None),
                    Err(e) => (Vec::new(), 0, false, Some(e)),
                };
                let prev = (offset > 0).then(|| address(&OrderFilter { offset: Some((offset - size).max(0)), ..f.clone() }));
                let next = (more || offset + size < total).then(|| address(&OrderFilter { offset: Some(offset + size), ..f.clone() }));
                let rows: Vec<_> = rows.into_iter().map(|o| {
                    let href = format!("/orders/{}", o.id);
                    view! {
                        <tr data-testid="order-row" data-number=o.number.clone()>
                            <td><a href=href>{o.number.clone()}</a></td>
                            <td><a href=format!("/crm/customers/{}", o.customer_id)>{o.customer_name.clone()}</a></td>
                            <td class="subject">{o.model_name.clone()}
                                {o.vin.clone().map(|v| view! { <span class="muted">{v}</span> })}</td>
                            <td class="num nowrap" data-testid="order-row-total">{money(o.total.fen())}</td>
                            <td><OrderStatusBadge status=o.status /></td>
                            <td>{o.salesperson_name.clone().unwrap_or_default()}</td>
                            <td class="nowrap">{local_time(o.created_at)}</td>
                        </tr>
                    }
                }).collect();
                view! {
                    <Form method="GET" action="/orders" attr:class="filters" attr:role="search" attr:data-testid="order-filters">
                        <div class="field">
                            <label for="order-q">{lang.t("order.search")}</label>
                            <input id="order-q" name="q" type="search" value=f.q.clone().unwrap_or_default()
                                maxlength=MAX_SEARCH.to_string() placeholder=lang.t("order.search_hint") autocomplete="off" />
                        </div>
                        <Select name="status" label=lang.t("order.status") choices=status_choices(lang)
                            selected=f.status.map(|s| s.code().to_owned()) blank=lang.t("common.all") />
                        {(!sales).then(|| view! {
                            <Select name="salesperson_id" label=lang.t("order.salesperson") choices=owners
                                selected=f.salesperson_id.map(|v| v.to_string()) blank=lang.t("common.all") />
                        })}
                        <Select name="model_id" label=lang.t("vehicle.model") choices=model_choices(&cat)
                            selected=f.model_id.map(|v| v.to_string()) blank=lang.t("common.all") />
                        <div class="field">
                            <label for="order-from">{lang.t("order.from")}</label>
                            <input id="order-from" name="from" type="date" value=f.from.map(|d| d.to_string()).unwrap_or_default() />
                        </div>
                        <div class="field">
                            <label for="order-to">{lang.t("order.to")}</label>
                            <input id="order-to" name="to" type="date" value=f.to.map(|d| d.to_string()).unwrap_or_default() />
                        </div>
                        // Filters that arrive from a report's figure stay until cleared.
                        {f.store_id.map(|s| view! { <input type="hidden" name="store_id" value=s.to_string() /> })}
                        {f.sold.filter(|s| *s).map(|_| view! { <input type="hidden" name="sold" value="1" /> })}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        {report_filter.then(|| view! {
                            <a class="btn" href="/orders" data-testid="order-filter-clear">{lang.t("order.clear_report_filter")}</a>
                        })}
                        {may_edit.then(|| view! { <a class="btn" href="/orders/new" data-testid="new-order">{lang.t("order.new")}</a> })}
                        {may_edit.then(|| view! { <a class="btn" href="/orders/import" data-testid="order-import">{lang.t("order.import")}</a> })}
                        <a class="btn" href=export_address(&f) rel="external" download data-testid="order-export">{lang.t("common.export_xlsx")}</a>
                        {may_approve.then(|| view! { <a class="btn" href="/orders/approvals">{lang.t("order.approvals")}</a> })}
                    </Form>
                    {error.map(|e| view! { <ErrorNote error=e /> })}
                    {sold_only.then(|| view! { <p class="muted" data-testid="order-sold-note">{lang.t("order.sold_only")}</p> })}
                    <p class="muted" data-testid="order-total-count">{lang.tf("order.n_orders", &[("n", &format!("{total}{}", if more { "+" } else { "" }))])}</p>
                    <DataTable columns rows empty=lang.t("order.none") testid="orders-table" />
                    <nav class="pager">
                        {prev.map(|href| view! { <a class="btn" href=href>{lang.t("common.prev")}</a> })}
                        {next.map(|href| view! { <a class="btn" href=href>{lang.t("common.next")}</a> })}
                    </nav>
                }
            })}
        </Page>
    }
}
