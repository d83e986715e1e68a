//! 客户档案: the profile, its lead and stage moves, follow-ups planned and done, and its
//! purchases (orders) and service visits.

use crate::{
    auth::Action,
    clock::local_time,
    components::{
        action_error, use_current_user, Choice, Field, FormErrors, FormState, Page, Select,
        SelectField,
    },
    crm::{
        api::{
            customer_follow_ups, customer_leads, get_customer, salespeople, CompleteFollowUp,
            MergeCustomers, MoveLead, PlanFollowUp, PlanTemplate, ReassignCustomer,
        },
        domain::{
            follow_up::{Channel, FollowUpRow},
            lead::{LeadRow, LostReason},
            LeadStage,
        },
        pages::coded_choices,
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let customer = Resource::new(id, get_customer);
    let leads = Resource::new(id, customer_leads);
    let follow_ups = Resource::new(id, customer_follow_ups);
    let user = use_current_user();
    let move_lead = ServerAction::<MoveLead>::new();
    let plan = ServerAction::<PlanFollowUp>::new();
    let complete = ServerAction::<CompleteFollowUp>::new();
    let merge = ServerAction::<MergeCustomers>::new();
    let reassign = ServerAction::<ReassignCustomer>::new();
    view! {
        <Page title="crm.profile">
            {action_error(complete.value())}
            {action_error(reassign.value())}
            {move || Suspend::new(async move {
                let c = customer.await?;
                let leads = leads.await?;
                let follow_ups = follow_ups.await?;
                let may_edit = user.may(Action::EditCustomers).await;
                let may_manage = user.may(Action::MergeCustomers).await;
                let may_order = user.may(Action::EditOrders).await;
                let team = if may_manage {
                    salespeople(c.store_id).await.unwrap_or_default()
                } else {
                    Vec::new()
                };
                let tags: Vec<String> = c.tags.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect();
                let detail = |key: &'static str, value: String| (!value.is_empty()).then(|| view! {
                    <dt>{lang.t(key)}</dt><dd>{value}</dd>
                });
                Ok::<_, AppError>(view! {
                    <div class="card" data-testid="customer-profile">
                        <h2>{c.name.clone()}" "<span class="muted">{lang.t(c.kind.label_key())}" · #"{c.id}</span></h2>
                        <dl class="details">
                            {detail("customer.mobile", c.mobile.clone())}
                            {detail("customer.phone2", c.phone2.clone())}
                            {detail("customer.wechat", c.wechat.clone())}
                            <dt>{lang.t("customer.source")}</dt><dd>{lang.t(c.source.label_key())}</dd>
                            <dt>{lang.t("customer.owner")}</dt>
                            <dd>{c.owner_name.clone().unwrap_or_else(|| lang.t("customer.unassigned").into())}" · "{c.store_name.clone()}</dd>
                            {detail("customer.budget", c.budget.clone())}
                            {detail("customer.preferred_models", c.preferred_models.clone())}
                            {detail("customer.preferred_colors", c.preferred_colors.clone())}
                            {detail("customer.address", c.address.clone())}
                            <dt>{lang.t("customer.consent")}</dt>
                            <dd>{match c.consent_at {
                                Some(at) if c.consent => format!("{} · {}", lang.t("common.yes"), local_time(at)),
                                _ => lang.t("common.no").into(),
                            }}</dd>
                        </dl>
                        {(!tags.is_empty()).then(|| view! {
                            <p>{tags.into_iter().map(|t| view! { <span class="badge">{t}</span>" " }).collect_view()}</p>
                        })}
                        {(!c.notes.is_empty()).then(|| view! { <p class="notes">{c.notes.clone()}</p> })}
                        {may_order.then(|| view! {
                            <p><a class="btn btn-primary" href=format!("/orders/new?customer_id={}", c.id)
                                data-testid="customer-new-order">{lang.t("order.new")}</a></p>
                        })}
                    </div>
                    <div class="card" data-testid="customer-leads">
                        <h2>{lang.t("crm.leads")}</h2>
                        {leads.into_iter().map(|l| view! { <LeadCard l may_edit move_lead /> }).collect_view()}
                    </div>
                    <div class="card" data-testid="customer-follow-ups">
                        <h2>{lang.t("crm.follow_ups")}</h2>
                        {may_edit.then(|| view! { <PlanForm customer_id=c.id plan /> })}
                        <ul class="follow-ups">
                            {follow_ups.into_iter().map(|f| view! { <FollowUpItem f may_edit complete /> }).collect_view()}
                        </ul>
                    </div>
                    {may_manage.then(|| view! { <ManageCard id=c.id owner=c.owner_id team merge reassign /> })}
                    <HistoryCard id=c.id />
                })
            })}
        </Page>
    }
}

/// 购车与服务记录: the customer's orders and service visits, newest first.
#[component]
fn HistoryCard(id: i64) -> impl IntoView {
    let lang = use_lang();
    let orders = Resource::new(
        move || id,
        |id| {
            crate::orders::api::list_orders(crate::orders::domain::OrderFilter {
                customer_id: Some(id),
                ..Default::default()
            })
        },
    );
    let visits = Resource::new(move || id, crate::aftersales::api::service_history);
    view! {
        <div class="card" data-testid="customer-history">
            <h2>{lang.t("crm.history")}</h2>
            {move || Suspend::new(async move {
                // Each part shows when the caller may see it (orders: the sales side).
                let orders = orders.await.map(|p| p.rows).unwrap_or_default();
                let visits = visits.await.unwrap_or_default();
                let empty = orders.is_empty() && visits.is_empty();
                view! {
                    {empty.then(|| view! { <p class="muted">{lang.t("crm.history_none")}</p> })}
                    <ul class="history">
                        {orders.into_iter().map(|o| view! {
                            <li data-testid="history-order">
                                <a href=format!("/orders/{}", o.id)>{o.number.clone()}</a>" · "{o.model_name.clone()}
                                " · "{lang.t(o.status.label_key())}" · "{local_time(o.created_at)}
                            </li>
                        }).collect_view()}
                        {visits.into_iter().map(|a| view! {
                            <li data-testid="history-visit">
                                {lang.t(a.service_type.label_key())}" · "{format!("{} {}", a.day, crate::aftersales::domain::hhmm(a.start_min))}
                                " · "{lang.t(a.status.label_key())}{(!a.plate.is_empty()).then(|| format!(" · {}", a.plate))}
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </div>
    }
}

/// For managers: give the customer to someone else, or merge a duplicate into it.
#[component]
fn ManageCard(
    id: i64,
    owner: Option<i64>,
    team: Vec<(i64, String)>,
    merge: ServerAction<MergeCustomers>,
    reassign: ServerAction<ReassignCustomer>,
) -> impl IntoView {
    let lang = use_lang();
    let form = FormState::new("merge", merge.value());
    let choices: Vec<Choice> = team
        .into_iter()
        .map(|(id, name)| Choice::new(id, name))
        .collect();
    view! {
        <div class="card" data-testid="customer-manage">
            <ActionForm action=reassign attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <Select name="owner_id" label=lang.t("customer.reassign") choices
                    selected=owner.map(|o| o.to_string()) blank=lang.t("customer.unassigned") />
                <button type="submit" class="btn">{lang.t("customer.reassign_go")}</button>
            </ActionForm>
            <details>
                <summary>{lang.t("customer.merge")}</summary>
                <p class="muted">{lang.t("customer.merge_hint")}</p>
                <ActionForm action=merge node_ref=form.node() attr:class="form form-grid">
                    <input type="hidden" name="id" value=id.to_string() />
                    <Field form name="other_id" label=lang.t("customer.merge_other") inputmode="numeric" required=true />
                    <button type="submit" class="btn">{lang.t("customer.merge_go")}</button>
                </ActionForm>
                <FormErrors form />
            </details>
        </div>
    }
}

/// A lead's stage and the moves the graph allows from it; a loss asks for its reason.
#[component]
fn LeadCard(l: LeadRow, may_edit: bool, move_lead: ServerAction<MoveLead>) -> impl IntoView {
    let lang = use_lang();
    let form = FormState::new("lost", move_lead.value());
    let moves: Vec<LeadStage> = if may_edit {
        l.stage.moves().to_vec()
    } else {
        Vec::new()
    };
    let reasons = coded_choices(
        LostReason::ALL,
        LostReason::code,
        LostReason::label_key,
        lang,
    );
    let lost = moves.contains(&LeadStage::Lost);
    let (id, version) = (l.id, l.version);
    let buttons = moves
        .iter()
        .copied()
        .filter(|s| *s != LeadStage::Lost)
        .map(|to| {
            view! {
                <ActionForm action=move_lead attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="to" value=to.code() />
                    <input type="hidden" name="version" value=version.to_string() />
                    <button type="submit" class="btn btn-small btn-primary">{lang.tf("lead.move_to", &[("stage", lang.t(to.label_key()))])}</button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <div class="lead" data-testid="lead" data-stage=l.stage.code()>
            <p><span class=format!("badge lead-{}", l.stage.code())>{lang.t(l.stage.label_key())}</span>
                {(!l.lost_reason.is_empty()).then(|| {
                    let reason = LostReason::parse(&l.lost_reason).map(|r| lang.t(r.label_key())).unwrap_or_default();
                    format!(" {reason} · {}", l.lost_note)
                })}</p>
            <div class="actions">
                {buttons}
            </div>
            {lost.then(|| view! {
                <details class="lost">
                    <summary>{lang.t("lead.mark_lost")}</summary>
                    <ActionForm action=move_lead node_ref=form.node() attr:class="form form-grid">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="to" value="lost" />
                        <input type="hidden" name="version" value=version.to_string() />
                        <SelectField form name="lost_reason" label=lang.t("lead.lost_reason") choices=reasons blank="-" />
                        <Field form name="lost_note" label=lang.t("lead.lost_note") maxlength=500 />
                        <button type="submit" class="btn">{lang.t("lead.mark_lost")}</button>
                    </ActionForm>
                    <FormErrors form />
                </details>
            })}
        </div>
    }
}

/// Plans a follow-up with this customer, or a template's several at once.
#[component]
fn PlanForm(customer_id: i64, plan: ServerAction<PlanFollowUp>) -> impl IntoView {
    let lang = use_lang();
    let form = FormState::new("plan", plan.value());
    let channels = coded_choices(Channel::ALL, Channel::code, Channel::label_key, lang);
    let by_template = ServerAction::<PlanTemplate>::new();
    let templates = coded_choices(
        crate::crm::domain::follow_up::PlanTemplate::ALL,
        crate::crm::domain::follow_up::PlanTemplate::code,
        crate::crm::domain::follow_up::PlanTemplate::label_key,
        lang,
    );
    view! {
        <ActionForm action=by_template attr:class="inline-form" attr:data-testid="template-form">
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <Select name="template" label=lang.t("follow_up.template") choices=templates />
            <button type="submit" class="btn">{lang.t("follow_up.plan_template")}</button>
        </ActionForm>
        {action_error(by_template.value())}
        <ActionForm action=plan node_ref=form.node() attr:class="form form-grid" attr:data-testid="plan-form" attr:novalidate=true>
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <Field form name="due" label=lang.t("follow_up.due") kind="datetime-local" required=true />
            <SelectField form name="channel" label=lang.t("follow_up.channel") choices=channels />
            <Field form name="goal" label=lang.t("follow_up.goal") required=true maxlength=200 wide=true />
            <button type="submit" class="btn btn-primary">{lang.t("follow_up.plan")}</button>
        </ActionForm>
        <FormErrors form />
    }
}

/// A follow-up, open (with its completion form) or done (with its outcome).
#[component]
pub(crate) fn FollowUpItem(
    f: FollowUpRow,
    may_edit: bool,
    complete: ServerAction<CompleteFollowUp>,
) -> impl IntoView {
    let lang = use_lang();
    let done = f.done_at.is_some();
    view! {
        <li class="follow-up" class:done=done data-testid="follow-up">
            <p><strong>{local_time(f.due_at)}</strong>" · "{lang.t(f.channel.label_key())}" · "
               <a href=format!("/crm/customers/{}", f.customer_id)>{f.customer_name.clone()}</a>" · "{f.goal.clone()}
               <span class="muted">" · "{f.owner_name.clone()}</span></p>
            {done.then(|| view! { <p class="muted">{lang.t("follow_up.outcome")}": "{f.outcome.clone()}</p> })}
            {(!done && may_edit).then(|| view! {
                <ActionForm action=complete attr:class="inline-form">
                    <input type="hidden" name="id" value=f.id.to_string() />
                    <label class="visually-hidden" for=format!("outcome-{}", f.id)>{lang.t("follow_up.outcome")}</label>
                    <input id=format!("outcome-{}", f.id) name="outcome" required maxlength="500"
                        placeholder=lang.t("follow_up.outcome") />
                    <button type="submit" class="btn btn-small btn-primary">{lang.t("follow_up.done")}</button>
                </ActionForm>
            })}
        </li>
    }
}
