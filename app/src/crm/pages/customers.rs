//! 客户: search by name, pinyin initials, the last 4 digits or the whole mobile; a plain
//! GET form, so it works without JavaScript, whose results follow the typing with it.

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
                    // Results follow the typing (debounced) with JavaScript; a plain search without.
                    <Form method="GET" action="/crm/customers" attr:class="filters" attr:role="search"
                        attr:data-search-live="">
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
                        <a class="btn" href="/crm/leads">{lang.t("crm.board")}</a>
                        <a class="btn" href=format!("/crm/customers.xlsx?q={}&consent={}",
                            crate::inventory::domain::vehicle::urlencode(&query), if consent { "1" } else { "" })
                            rel="external" download>{lang.t("common.export_xlsx")}</a>
                    </Form>
                    <div id="customer-results" data-live-region>
                    <p class="muted" data-testid="customer-total">{lang.tf("crm.n_customers", &[("n", &page.total.to_string())])}</p>
                    <DataTable columns rows empty=lang.t("crm.no_customers") testid="customers-table" />
                    <nav class="pager">
                        {prev.map(|href| view! { <a class="btn" href=href>{lang.t("common.prev")}</a> })}
                        {next.map(|href| view! { <a class="btn" href=href>{lang.t("common.next")}</a> })}
                    </nav>
                    </div>
                    {may_edit.then(|| view! { <ImportCard /> })}
                })
            })}
        </Page>
    }
}

/// The batch import: a plain multipart form (works without JavaScript); the answer comes
/// back as a note on this page.
#[component]
fn ImportCard() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let note = move |k: &str| q.with(|m| m.get(k)).filter(|v| !v.is_empty());
    let user = use_current_user();
    // Group roles say which store the customers join; everyone else adds to their own.
    let stores = Resource::new(
        || (),
        |_| async move {
            match crate::admin::stores::list_stores().await {
                Ok((stores, _)) => stores
                    .into_iter()
                    .map(|s| crate::components::Choice::new(s.id, s.name))
                    .collect(),
                Err(_) => Vec::new(),
            }
        },
    );
    view! {
        <details class="card" open=note("import_error").is_some() data-testid="customer-import">
            <summary>{lang.t("crm.import")}</summary>
            <p class="muted">{lang.t("crm.import_hint")}</p>
            <p><a class="btn" href="/crm/customer-template.xlsx" rel="external" download>{lang.t("crm.import_template")}</a></p>
            <form method="post" action="/crm/import" enctype="multipart/form-data" class="form inline-form">
                <input type="file" name="file" required aria-label=lang.t("crm.import_file")
                    accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let group = user.0.await.ok().flatten().is_some_and(|u| u.role.is_group_wide());
                        let stores: Vec<crate::components::Choice> = stores.await;
                        group.then(|| view! {
                            <crate::components::Select name="store_id" label=lang.t("customer.store") choices=stores />
                        })
                    })}
                </Suspense>
                <label class="check"><input type="checkbox" name="dry_run" value="1" />{lang.t("crm.import_dry_run")}</label>
                <button type="submit" class="btn btn-primary">{lang.t("crm.import_go")}</button>
            </form>
            {note("imported").map(|n| view! { <p class="ok-note" role="status">{lang.tf("crm.imported", &[("n", &n)])}</p> })}
            {note("checked").map(|n| view! { <p class="ok-note" role="status">{lang.tf("crm.checked", &[("n", &n)])}</p> })}
            {note("import_error").map(|e| view! { <div class="error-note" role="alert"><p>{e}</p></div> })}
        </details>
    }
}
