//! 投诉: the complaints the caller may see — unanswered ones first by deadline, overdue
//! ones marked — filtered by status, overdue or escalated (a plain GET form); 新建投诉, the
//! staff's form; and, for managers, the store's response hours by severity.

use super::complaint_badges;
use crate::{
    admin::stores::list_stores,
    aftersales::{
        api::{
            complaint_owners, complaint_rules, list_complaints, CreateComplaint, SaveComplaintRules,
        },
        domain::complaint::{due_label, Category, ComplaintFilter, ComplaintStatus, Severity},
    },
    auth::Action,
    components::{
        use_current_user, Choice, Column, DataTable, ErrorNote, Field, FormErrors, FormState, Page,
        Select, SelectField, TextArea,
    },
    crm::pages::coded_choices,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

pub(crate) fn category_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(Category::ALL, Category::code, Category::label_key, lang)
}

pub(crate) fn severity_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(Severity::ALL, Severity::code, Severity::label_key, lang)
}

fn status_choices(lang: Lang) -> Vec<Choice> {
    let mut c = vec![Choice::new("live", lang.t("complaint.live"))];
    c.extend(coded_choices(
        ComplaintStatus::ALL,
        ComplaintStatus::code,
        ComplaintStatus::label_key,
        lang,
    ));
    c
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let filter = move || {
        q.with(|m| {
            let flag = |k: &str| m.get(k).is_some_and(|v| v == "1" || v == "true");
            ComplaintFilter {
                status: m
                    .get("status")
                    .unwrap_or_default()
                    .chars()
                    .take(20)
                    .collect(),
                escalated: flag("escalated"),
                overdue: flag("overdue"),
                // One store's, when a report's figure led here (group roles).
                store_id: m
                    .get("store_id")
                    .and_then(|s| s.parse::<i64>().ok())
                    .filter(|s| *s > 0),
            }
        })
    };
    let rows = Resource::new(filter, list_complaints);
    let user = use_current_user();
    view! {
        <Page title="complaint.list">
            {move || Suspend::new(async move {
                let result = rows.await;
                let may_handle = user.may(Action::HandleComplaints).await;
                let may_rules = user.may(Action::ManageComplaintRules).await;
                let f = filter();
                let columns = vec![
                    Column::text(lang.t("complaint.reference")),
                    Column::text(lang.t("complaint.category")),
                    Column::text(lang.t("complaint.severity")),
                    Column::text(lang.t("complaint.status")),
                    Column::text(lang.t("complaint.customer")),
                    Column::text(lang.t("complaint.owner")),
                    Column::text(lang.t("complaint.due")),
                ];
                let (rows, error) = match result {
                    Ok(r) => (r, None),
                    Err(e) => (Vec::new(), Some(e)),
                };
                // The moment the list is drawn, for overdue marks (the server's clock).
                let now = page_now();
                let rows: Vec<_> = rows
                    .into_iter()
                    .map(|c| {
                        let overdue = c.overdue(now);
                        view! {
                            <tr data-testid="complaint-row" data-reference=c.reference.clone() class:overdue=overdue>
                                <td><a href=format!("/complaints/{}", c.id)>{c.reference.clone()}</a></td>
                                <td>{lang.t(c.category.label_key())}</td>
                                <td>{complaint_badges(lang, c.severity, c.status, overdue, c.escalated_at.is_some())}</td>
                                <td>{lang.t(c.status.label_key())}</td>
                                <td>{c.customer_name.clone()}</td>
                                <td>{c.owner_name.clone().unwrap_or_default()}</td>
                                <td class="nowrap">{due_label(c.due_at, now, lang)}</td>
                            </tr>
                        }
                    })
                    .collect();
                view! {
                    <Form method="GET" action="/complaints" attr:class="filters" attr:role="search" attr:data-testid="complaint-filters">
                        <Select name="status" label=lang.t("complaint.status") choices=status_choices(lang)
                            selected=Some(f.status.clone()) blank=lang.t("common.all") />
                        <label class="check">
                            <input type="checkbox" name="overdue" value="1" checked=f.overdue />
                            {lang.t("complaint.overdue_only")}
                        </label>
                        <label class="check">
                            <input type="checkbox" name="escalated" value="1" checked=f.escalated />
                            {lang.t("complaint.escalated_only")}
                        </label>
                        {f.store_id.map(|s| view! { <input type="hidden" name="store_id" value=s.to_string() /> })}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        {may_handle.then(|| view! { <a class="btn" href="/complaints/new" data-testid="new-complaint">{lang.t("complaint.new")}</a> })}
                        <a class="btn" href="/ratings">{lang.t("nav.ratings")}</a>
                    </Form>
                    {error.map(|e| view! { <ErrorNote error=e /> })}
                    <DataTable columns rows empty=lang.t("complaint.none") testid="complaints-table" />
                    {may_rules.then(|| view! { <RulesCard /> })}
                }
            })}
        </Page>
    }
}

/// Now, as the page draws it: the server's clock (a fixed one in tests) while
/// rendering, the browser's after.
pub(crate) fn page_now() -> i64 {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ctx::Ctx>()
            .map(|c| c.now_ms())
            .unwrap_or_else(crate::db::now_ms)
    }
    #[cfg(all(not(feature = "ssr"), feature = "hydrate"))]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        0
    }
}

/// The store's response hours, for its managers.
#[component]
fn RulesCard() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveComplaintRules>::new();
    let form = FormState::new("rules", save.value());
    let rules = Resource::new(move || save.version().get(), |_| complaint_rules());
    view! {
        <details class="card step" data-testid="complaint-rules">
            <summary>{lang.t("complaint.rules.title")}</summary>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    rules.await.ok().map(|(store, h)| view! {
                        <ActionForm action=save node_ref=form.node() attr:class="form form-grid" attr:novalidate=true>
                            <input type="hidden" name="store_id" value=store.to_string() />
                            <Field form name="urgent_hours" label=lang.t("complaint.rules.urgent") inputmode="numeric"
                                value=h.urgent_hours.to_string() maxlength=3 />
                            <Field form name="serious_hours" label=lang.t("complaint.rules.serious") inputmode="numeric"
                                value=h.serious_hours.to_string() maxlength=3 />
                            <Field form name="normal_hours" label=lang.t("complaint.rules.normal") inputmode="numeric"
                                value=h.normal_hours.to_string() maxlength=3 />
                            <button type="submit" class="btn">{lang.t("common.save")}</button>
                        </ActionForm>
                        <FormErrors form />
                    })
                })}
            </Suspense>
        </details>
    }
}

/// 新建投诉: the staff's form.
#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateComplaint>::new();
    let form = FormState::new("complaint", create.value());
    let owners = Resource::new(|| (), |_| complaint_owners());
    let stores = Resource::new(
        || (),
        |_| async move {
            match list_stores().await {
                Ok((stores, _)) => stores
                    .into_iter()
                    .map(|s| Choice::new(s.id, s.name))
                    .collect(),
                Err(_) => Vec::<Choice>::new(),
            }
        },
    );
    let user = use_current_user();
    let form_view = view! {
        <ActionForm action=create node_ref=form.node() attr:class="form form-grid" attr:data-testid="complaint-form" attr:novalidate=true>
            {move || Suspend::new(async move {
                let group = user.0.await.ok().flatten().is_some_and(|u| u.role.is_group_wide());
                let stores: Vec<Choice> = stores.await;
                group.then(|| view! {
                    <SelectField form name="store_id" label=lang.t("complaint.store") choices=stores />
                })
            })}
            <SelectField form name="category" label=lang.t("complaint.category") choices=category_choices(lang) blank="-" required=true />
            <SelectField form name="severity" label=lang.t("complaint.severity") choices=severity_choices(lang)
                selected=Some("normal".to_owned()) required=true />
            <TextArea form name="description" label=lang.t("complaint.description") rows=4 required=true wide=true />
            <Field form name="customer_name" label=lang.t("complaint.customer") maxlength=50 autocomplete="off" />
            <Field form name="mobile" label=lang.t("complaint.mobile") kind="tel" inputmode="tel" autocomplete="off" />
            <Field form name="order_number" label=lang.t("complaint.order_number") maxlength=40 autocapitalize="characters"
                placeholder="SH01-20261127-0007" />
            <Field form name="vin" label=lang.t("complaint.vin") maxlength=17 autocapitalize="characters" />
            <Field form name="appointment_code" label=lang.t("complaint.appointment_code") maxlength=12 autocapitalize="characters" />
            {move || Suspend::new(async move {
                let owners: Vec<Choice> = owners.await.unwrap_or_default().into_iter().map(|(id, n)| Choice::new(id, n)).collect();
                view! { <SelectField form name="owner_id" label=lang.t("complaint.owner") choices=owners blank="-" /> }
            })}
            <button type="submit" class="btn btn-primary">{lang.t("complaint.create")}</button>
        </ActionForm>
        <FormErrors form />
    }
    .into_any();
    view! {
        <Page title="complaint.new">
            <div class="card">{form_view}</div>
        </Page>
    }
}
