//! 线索看板: one column per stage with its count; a tap on a card's button moves the lead
//! (plain forms, so it works without JavaScript). Won and lost leads are counted, not
//! shown as cards.

use crate::{
    auth::Action,
    clock::local_time,
    components::{action_error, use_current_user, Page},
    crm::{
        api::{list_leads, MoveLead},
        domain::{lead::LeadRow, LeadStage},
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let lang = use_lang();
    let leads = Resource::new(|| (), |_| list_leads());
    let move_lead = ServerAction::<MoveLead>::new();
    let user = use_current_user();
    view! {
        <Page title="crm.board">
            <p class="actions"><a class="btn" href="/crm/leads/list" data-testid="lead-list-link">{lang.t("crm.lead_list")}</a></p>
            {action_error(move_lead.value())}
            {move || Suspend::new(async move {
                let leads = leads.await?;
                let may_edit = user.may(Action::EditCustomers).await;
                let columns = LeadStage::ALL.iter().copied().map(|stage| {
                    let cards: Vec<LeadRow> = leads.iter().filter(|l| l.stage == stage).cloned().collect();
                    let n = cards.len();
                    let shown = stage.is_open().then(|| cards.into_iter().map(|l| {
                        view! { <LeadCard l may_edit move_lead /> }
                    }).collect_view());
                    view! {
                        <section class="board-column" data-testid="board-column" data-stage=stage.code()>
                            <h2>{lang.t(stage.label_key())}" "<span class="badge" data-testid="board-count">{n}</span></h2>
                            {shown}
                        </section>
                    }
                }).collect_view();
                Ok::<_, AppError>(view! { <div class="board">{columns}</div> })
            })}
        </Page>
    }
}

/// A lead on the board: who, since when, and a button per forward move (a loss is
/// recorded on the customer's page, where its reason is asked for).
#[component]
fn LeadCard(l: LeadRow, may_edit: bool, move_lead: ServerAction<MoveLead>) -> impl IntoView {
    let lang = use_lang();
    let moves: Vec<LeadStage> = if may_edit {
        l.stage
            .moves()
            .iter()
            .copied()
            .filter(|s| *s != LeadStage::Lost)
            .collect()
    } else {
        Vec::new()
    };
    let (id, version) = (l.id, l.version);
    view! {
        <article class="card lead-card" data-testid="lead-card">
            <a href=format!("/crm/customers/{}", l.customer_id)>{l.customer_name.clone()}</a>
            <p class="muted">{l.owner_name.clone().unwrap_or_else(|| lang.t("customer.unassigned").into())}
                " · "{local_time(l.updated_at)}</p>
            <div class="actions">
                {moves.into_iter().map(|to| view! {
                    <ActionForm action=move_lead attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="to" value=to.code() />
                        <input type="hidden" name="version" value=version.to_string() />
                        <button type="submit" class="btn btn-small">{lang.t(to.label_key())}</button>
                    </ActionForm>
                }).collect_view()}
            </div>
        </article>
    }
}
