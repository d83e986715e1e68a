//! 客户: search by name, pinyin initials, the last 4 digits or the whole mobile; a plain
//! GET form, so it works without JavaScript.

use crate::{
    auth::Action,
    clock::local_time,
    components::{use_current_user, Column, DataTable, Page},
    crm::{
        api::list_customers,
        domain::{customer::CustomerFilter, LeadStage},
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let filter = move || {
        q.with(|m| CustomerFilter {
            q: m.get("q")
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.chars().take(50).collect()),
            consent_only: m.get("consent").map(|v| v == "1"),
            owner_id: None,
            offset: m
                .get("offset")
                .and_then(|o| o.parse().ok())
                .filter(|o: &i64| *o >= 0),
            limit: None,
        })
    };
    let page = Resource::new(filter, list_customers);
    let user = use_current_user();
    view! {
        <Page title="crm.customers">
            {move || Suspend::new(async move {
                let page = page.await?;
                let may_edit = user.may(Action::EditCustomers).await;
                let f = filter();
                let offset = f.offset.unwrap_or(0);
                let size = f.page_size();
                let query = f.q.clone().unwrap_or_default();
                let consent = f.consent_only == Some(true);
                let link = |offset: i64| {
                    format!(
                        "/crm/customers?q={}&consent={}&offset={offset}",
                        crate::inventory::domain::vehicle::urlencode(&query),
                        if consent { "1" } else { "" }
                    )
                };
                let prev = (offset > 0).then(|| link((offset - size).max(0)));
                let next = (offset + size < page.total).then(|| link(offset + size));
                let columns = vec![
                    Column::text(lang.t("customer.name")),
                    Column::text(lang.t("customer.mobile")),
                    Column::text(lang.t("customer.owner")),
                    Column::text(lang.t("lead.stage")),
                    Column::text(lang.t("follow_up.next")),
                ];
                let rows: Vec<_> = page.rows.into_iter().map(|c| {
                    let stage = c.stage.as_deref().and_then(LeadStage::parse);
                    view! {
                        <tr>
                            <td><a href=format!("/crm/customers/{}", c.id)>{c.name.clone()}</a>
                                {c.consent.then(|| view! { " " <span class="badge" title=lang.t("customer.consent")>"✓"</span> })}</td>
                            <td>{c.mobile.clone()}</td>
                            <td>{c.owner_name.clone().unwrap_or_else(|| lang.t("customer.unassigned").into())}" · "{c.store_name.clone()}</td>
                            <td>{stage.map(|s| view! { <span class=format!("badge lead-{}", s.code())>{lang.t(s.label_key())}</span> })}</td>
                            <td>{c.next_due_at.map(local_time)}</td>
                        </tr>
                    }
                }).collect();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/crm/customers" attr:class="filters" attr:role="search">
                        <div class="field">
                            <label for="customer-q">{lang.t("crm.search")}</label>
                            <input id="customer-q" name="q" type="search" value=query.clone() maxlength="50"
                                placeholder=lang.t("crm.search_hint") autocomplete="off" />
                        </div>
                        <label class="check">
                            <input type="checkbox" name="consent" value="1" checked=consent />
                            {lang.t("customer.consent_only")}
                        </label>
                        <button type="submit" class="btn btn-primary">{lang.t("crm.search_go")}</button>
                        {may_edit.then(|| view! { <a class="btn" href="/crm/customers/new">{lang.t("crm.new_customer")}</a> })}
                    </Form>
                    <p class="muted" data-testid="customer-total">{lang.tf("crm.n_customers", &[("n", &page.total.to_string())])}</p>
                    <DataTable columns rows empty=lang.t("crm.no_customers") testid="customers-table" />
                    <nav class="pager">
                        {prev.map(|href| view! { <a class="btn" href=href>{lang.t("common.prev")}</a> })}
                        {next.map(|href| view! { <a class="btn" href=href>{lang.t("common.next")}</a> })}
                    </nav>
                })
            })}
        </Page>
    }
}
