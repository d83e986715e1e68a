//! 线索列表: every lead the caller may see, filtered by stage, owner, source, days since
//! the last contact and the next follow-up (a plain GET form), and exported to .xlsx with
//! the same filter.

use crate::{
    clock::local_time,
    components::{Choice, Column, DataTable, Page, Select},
    crm::{
        api::{lead_list, lead_owners},
        domain::{
            lead::{LeadFilter, NextFollowUp},
            LeadStage, Source,
        },
        pages::coded_choices,
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

/// The "not contacted for" choices, in days.
const QUIET_DAYS: [i64; 5] = [3, 7, 14, 30, 90];

#[component]
pub fn LeadListPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let filter = move || q.with(|m| LeadFilter::from_query(|k| m.get(k)));
    let leads = Resource::new(filter, lead_list);
    let owners = Resource::new(|| (), |_| lead_owners());
    view! {
        <Page title="crm.lead_list">
            {move || Suspend::new(async move {
                let leads = leads.await?;
                let owners = owners.await.unwrap_or_default();
                let f = filter();
                let stages = coded_choices(LeadStage::ALL, LeadStage::code, LeadStage::label_key, lang);
                let sources = coded_choices(Source::ALL, Source::code, Source::label_key, lang);
                let nexts = coded_choices(NextFollowUp::ALL, NextFollowUp::code, NextFollowUp::label_key, lang);
                let quiet: Vec<Choice> = QUIET_DAYS
                    .iter()
                    .map(|d| Choice::new(d, lang.tf("lead.quiet_n", &[("n", &d.to_string())])))
                    .collect();
                let owners: Vec<Choice> = owners.into_iter().map(|(id, name)| Choice::new(id, name)).collect();
                let columns = vec![
                    Column::text(lang.t("customer.name")),
                    Column::text(lang.t("lead.stage")),
                    Column::text(lang.t("customer.owner")),
                    Column::text(lang.t("customer.source")),
                    Column::text(lang.t("lead.last_contact")),
                    Column::text(lang.t("follow_up.next")),
                ];
                let n = leads.len();
                let rows: Vec<_> = leads.into_iter().map(|item| {
                    let l = item.lead;
                    view! {
                        <tr data-testid="lead-row">
                            <td><a href=format!("/crm/customers/{}", l.customer_id)>{l.customer_name}</a></td>
                            <td><span class=format!("badge lead-{}", l.stage.code())>{lang.t(l.stage.label_key())}</span></td>
                            <td>{l.owner_name.unwrap_or_else(|| lang.t("customer.unassigned").into())}</td>
                            <td>{lang.t(item.source.label_key())}</td>
                            <td>{l.last_contact_at.map(local_time).unwrap_or_else(|| lang.t("lead.never").into())}</td>
                            <td>{item.next_due_at.map(local_time)}</td>
                        </tr>
                    }
                }).collect();
                let query = f.query();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/crm/leads/list" attr:class="filters" attr:role="search">
                        <Select name="stage" label=lang.t("lead.stage") choices=stages
                            selected=f.stage.map(|s| s.code().to_owned()) blank=lang.t("common.all") />
                        <Select name="owner_id" label=lang.t("customer.owner") choices=owners
                            selected=f.owner_id.map(|v| v.to_string()) blank=lang.t("common.all") />
                        <Select name="source" label=lang.t("customer.source") choices=sources
                            selected=f.source.map(|s| s.code().to_owned()) blank=lang.t("common.all") />
                        <Select name="quiet_days" label=lang.t("lead.last_contact") choices=quiet
                            selected=f.quiet_days.map(|v| v.to_string()) blank=lang.t("common.all") />
                        <Select name="next" label=lang.t("follow_up.next") choices=nexts
                            selected=f.next.map(|s| s.code().to_owned()) blank=lang.t("common.all") />
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <a class="btn" href="/crm/leads">{lang.t("crm.board")}</a>
                        <a class="btn" href=format!("/crm/leads.xlsx?{query}") rel="external" download
                            data-testid="leads-export">{lang.t("common.export_xlsx")}</a>
                    </Form>
                    <p class="muted" data-testid="lead-total">{lang.tf("crm.n_leads", &[("n", &n.to_string())])}</p>
                    <DataTable columns rows empty=lang.t("crm.no_leads") testid="leads-table" />
                })
            })}
        </Page>
    }
}
