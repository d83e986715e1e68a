//! 投诉详情: one complaint — what, how serious, its deadline (overdue marked), its links,
//! owner and resolution — the steps the caller may take now (each a plain form) and the
//! timeline of every step.

use super::complaint_badges;
use crate::{
    aftersales::{
        api::{complaint_owners, get_complaint, ComplaintStep},
        domain::complaint::{due_label, ComplaintEvent, ComplaintRow, ComplaintStatus, Step},
    },
    auth::Action,
    clock::local_time,
    components::{use_current_user, Choice, FormErrors, FormState, Page, SelectField, TextArea},
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let step = ServerAction::<ComplaintStep>::new();
    let detail = Resource::new(
        move || (id(), step.version().get()),
        |(id, _)| get_complaint(id),
    );
    let owners = Resource::new(|| (), |_| complaint_owners());
    let user = use_current_user();
    view! {
        <Page title="complaint.detail">
            {move || Suspend::new(async move {
                let d = detail.await?;
                let may_handle = user.may(Action::HandleComplaints).await;
                let manager = user.may(Action::ManageComplaintRules).await;
                let owners: Vec<Choice> = owners.await.unwrap_or_default().into_iter().map(|(id, n)| Choice::new(id, n)).collect();
                let c = d.complaint.clone();
                let head = view! { <HeadCard c=c.clone() overdue=d.overdue now=d.now /> }.into_any();
                let steps = may_handle.then(|| view! { <StepsCard c=c.clone() manager owners step /> }.into_any());
                let timeline = view! { <TimelineCard events=d.events.clone() /> }.into_any();
                Ok::<_, AppError>(view! {
                    {head}
                    {steps}
                    {timeline}
                    <p><a class="btn" href="/complaints">{lang.t("complaint.back")}</a></p>
                })
            })}
        </Page>
    }
}

#[component]
fn HeadCard(c: ComplaintRow, overdue: bool, now: i64) -> impl IntoView {
    let lang = use_lang();
    let detail = |key: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{lang.t(key)}</dt><dd>{value}</dd> })
    };
    view! {
        <div class="card" data-testid="complaint-head" class:overdue=overdue>
            <h2>
                <span data-testid="complaint-reference">{c.reference.clone()}</span>" "
                {complaint_badges(lang, c.severity, c.status, overdue, c.escalated_at.is_some())}
                " "<span class="badge" data-testid="complaint-status" data-status=c.status.code()>{lang.t(c.status.label_key())}</span>
            </h2>
            <p class="notes">{c.description.clone()}</p>
            <dl class="details">
                {detail("complaint.category", lang.t(c.category.label_key()).to_owned())}
                {detail("complaint.source", lang.t(c.source.label_key()).to_owned())}
                {detail("complaint.store", c.store_name.clone())}
                {detail("complaint.customer", c.customer_name.clone())}
                {detail("complaint.mobile", c.mobile.clone())}
                {c.order_id.map(|o| view! {
                    <dt>{lang.t("complaint.order_number")}</dt>
                    <dd><a href=format!("/orders/{o}")>{c.order_number.clone().unwrap_or_default()}</a></dd>
                })}
                {detail("complaint.vin", c.vin.clone().unwrap_or_default())}
                {detail("complaint.appointment_code", c.appointment_code.clone().unwrap_or_default())}
                {detail("complaint.owner", c.owner_name.clone().unwrap_or_default())}
                <dt>{lang.t("complaint.due")}</dt>
                <dd data-testid="complaint-due">{due_label(c.due_at, now, lang)}</dd>
                {detail("complaint.escalated_at", c.escalated_at.map(local_time).unwrap_or_default())}
                {detail("complaint.created_at", format!("{} · {}", local_time(c.created_at), c.created_by))}
                {detail("complaint.resolution", c.resolution.clone())}
            </dl>
        </div>
    }
}

/// The steps the caller may take now: each a button, with a note where it needs one.
#[component]
fn StepsCard(
    c: ComplaintRow,
    manager: bool,
    owners: Vec<Choice>,
    step: ServerAction<ComplaintStep>,
) -> impl IntoView {
    let lang = use_lang();
    let form = FormState::new("step", step.value());
    let available: Vec<Step> = Step::available(c.status)
        .into_iter()
        .filter(|s| manager || !matches!(s, Step::Confirm | Step::Dismiss))
        .collect();
    let moves = available
        .iter()
        .filter(|s| !matches!(s, Step::Assign | Step::Comment))
        .map(|s| {
            let class = if matches!(s, Step::Resolve | Step::Start | Step::Confirm) {
                "btn btn-primary"
            } else {
                "btn"
            };
            view! {
                <button type="submit" name="step" value=s.code() class=class data-testid=format!("step-{}", s.code())>
                    {lang.t(s.label_key())}
                </button>
            }
        })
        .collect_view();
    let settled = !c.status.is_live() && c.status != ComplaintStatus::Resolved;
    view! {
        <div class="card" data-testid="complaint-steps">
            <h2>{lang.t("complaint.next_steps")}</h2>
            <ActionForm action=step node_ref=form.node() attr:class="form form-grid" attr:novalidate=true>
                <input type="hidden" name="id" value=c.id.to_string() />
                <input type="hidden" name="version" value=c.version.to_string() />
                <TextArea form name="note" label=lang.t("complaint.note") rows=3 wide=true />
                {(!settled).then(|| view! {
                    <SelectField form name="owner_id" label=lang.t("complaint.owner") choices=owners
                        selected=c.owner_id.map(|o| o.to_string()) blank="-" />
                })}
                <div class="actions wide">
                    {moves}
                    <button type="submit" name="step" value="assign" class="btn" data-testid="step-assign">{lang.t("complaint.step.assign")}</button>
                    <button type="submit" name="step" value="comment" class="btn" data-testid="step-comment">{lang.t("complaint.step.comment")}</button>
                </div>
            </ActionForm>
            <FormErrors form />
            <p class="muted">{lang.t("complaint.note_hint")}</p>
        </div>
    }
}

#[component]
fn TimelineCard(events: Vec<ComplaintEvent>) -> impl IntoView {
    let lang = use_lang();
    let items = events
        .into_iter()
        .map(|e| {
            let title = match Step::parse(&e.kind) {
                Some(s) => lang.t(s.label_key()),
                None => lang.t(match e.kind.as_str() {
                    "created" => "complaint.event.created",
                    "escalated" => "complaint.event.escalated",
                    _ => "complaint.event.other",
                }),
            };
            let moved = match (e.from_status.as_deref(), e.to_status.as_deref()) {
                (Some(a), Some(b)) => format!(
                    "{} → {}",
                    ComplaintStatus::parse(a)
                        .map(|s| lang.t(s.label_key()))
                        .unwrap_or(a),
                    ComplaintStatus::parse(b)
                        .map(|s| lang.t(s.label_key()))
                        .unwrap_or(b),
                ),
                _ => String::new(),
            };
            view! {
                <li class="timeline-item" data-testid="complaint-event" data-kind=e.kind.clone()>
                    <p><strong>{title}</strong>" · "{e.actor.clone()}
                        <span class="muted">" · "{local_time(e.at)}</span></p>
                    {(!moved.is_empty()).then(|| view! { <p class="muted">{moved}</p> })}
                    {(!e.note.is_empty()).then(|| view! { <p class="notes">{e.note.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="card" data-testid="complaint-timeline">
            <h2>{lang.t("complaint.timeline")}</h2>
            <ol class="timeline">{items}</ol>
        </div>
    }
}
