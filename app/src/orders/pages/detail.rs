//! 订单详情: the order — who, the car, every price line and total, payments, the approval
//! levels and decisions, and its timeline — with the steps the caller may take next, each a
//! plain form. The page is a live region: a decision or a payment made elsewhere shows
//! without a reload.

use super::{method_choices, money, OrderStatusBadge};
use crate::{
    aftersales::{api::order_rating_link, pages::ratings::RatingLinkCard},
    auth::{allowed, Action, UserInfo},
    clock::local_time,
    components::{
        action_error, use_current_user, Choice, Column, ConfirmButton, DataTable, Field,
        FormErrors, FormState, Page, SelectField, TextArea,
    },
    error::AppError,
    i18n::use_lang,
    orders::{
        api::{
            get_order, in_stock_vehicles, order_timeline, AddPayment, AllocateVehicle,
            ApproveOrder, CancelOrder, CompleteOrder, RejectOrder, ShipOrder, SubmitOrder,
        },
        domain::{
            approval::{may_decide, Level},
            order::{ApprovalRow, OrderRow, PaymentRow},
            suggest::VehiclePick,
            timeline::TimelineEntry,
            totals::format_bp,
            OrderDetail, OrderStatus,
        },
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

/// The server actions of the page's forms.
#[derive(Clone, Copy)]
struct Steps {
    submit: ServerAction<SubmitOrder>,
    approve: ServerAction<ApproveOrder>,
    reject: ServerAction<RejectOrder>,
    allocate: ServerAction<AllocateVehicle>,
    ship: ServerAction<ShipOrder>,
    complete: ServerAction<CompleteOrder>,
    cancel: ServerAction<CancelOrder>,
    pay: ServerAction<AddPayment>,
}

/// What the caller may do to this order now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Allowed {
    submit: bool,
    decide: Option<Level>,
    allocate: bool,
    ship: bool,
    complete: bool,
    cancel: bool,
    pay: bool,
}

impl Allowed {
    fn of(d: &OrderDetail, me: Option<&UserInfo>) -> Allowed {
        use OrderStatus::*;
        let Some(me) = me else {
            return Allowed::default();
        };
        let o = &d.order;
        let edit = allowed(me.role, Action::EditOrders);
        let decide = d.next_level.filter(|level| {
            o.status == PendingApproval
                && allowed(me.role, Action::ApproveOrders)
                && may_decide(
                    me.role,
                    me.id,
                    level.role,
                    o.created_by.unwrap_or(0),
                    o.salesperson_id,
                )
                .is_ok()
        });
        Allowed {
            submit: edit && matches!(o.status, Draft | Rejected),
            decide,
            allocate: edit
                && o.vehicle_id.is_none()
                && matches!(o.status, Draft | PendingApproval | Approved),
            ship: edit && o.status == Approved && o.vehicle_id.is_some(),
            complete: edit && o.status == Shipped,
            cancel: edit && o.status.can_move_to(Cancelled),
            pay: edit && o.status != Completed,
        }
    }

    fn any(&self) -> bool {
        self.submit
            || self.decide.is_some()
            || self.allocate
            || self.ship
            || self.complete
            || self.cancel
            || self.pay
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let detail = Resource::new(id, get_order);
    let timeline = Resource::new(id, order_timeline);
    let user = use_current_user();
    let steps = Steps {
        submit: ServerAction::new(),
        approve: ServerAction::new(),
        reject: ServerAction::new(),
        allocate: ServerAction::new(),
        ship: ServerAction::new(),
        complete: ServerAction::new(),
        cancel: ServerAction::new(),
        pay: ServerAction::new(),
    };
    view! {
        <Page title="order.detail">
            {move || Suspend::new(async move {
                let d = detail.await?;
                let timeline = timeline.await?;
                let me = user.0.await.ok().flatten();
                let may = Allowed::of(&d, me.as_ref());
                let picks = if may.allocate {
                    in_stock_vehicles(Some(d.order.trim_id), Some(d.order.color_id)).await.unwrap_or_default()
                } else {
                    Vec::new()
                };
                let o = d.order.clone();
                // The customer's satisfaction link (满意度), once the car is handed over.
                let rating = if o.status == OrderStatus::Completed {
                    order_rating_link(o.id).await.ok().flatten()
                } else {
                    None
                };
                let rating = rating.map(|(url, answered, expires_at)| view! {
                    <RatingLinkCard url answered expires_at />
                }.into_any());
                let head = view! { <HeadCard o=o.clone() /> }.into_any();
                let actions = may.any().then(|| view! {
                    <ActionsCard o=o.clone() may picks steps />
                }.into_any());
                let car = view! { <CarCard o=o.clone() /> }.into_any();
                let prices = view! { <PriceCard d=d.clone() /> }.into_any();
                let payments = view! { <PaymentsCard payments=d.payments.clone() /> }.into_any();
                let approvals = view! { <ApprovalsCard d=d.clone() /> }.into_any();
                let history = view! { <TimelineCard entries=timeline /> }.into_any();
                Ok::<_, AppError>(view! {
                    // A live region: a decision, payment or move made elsewhere shows here.
                    <div id="order-live" data-live-region data-testid="order-live" data-version=o.version.to_string()>
                        {action_error(steps.submit.value())}
                        {action_error(steps.ship.value())}
                        {action_error(steps.complete.value())}
                        {head}
                        {rating}
                        {actions}
                        <div class="order-grid">
                            {car}
                            {prices}
                        </div>
                        {payments}
                        {approvals}
                        {history}
                    </div>
                    <p><a class="btn" href="/orders">{lang.t("order.back_to_list")}</a></p>
                })
            })}
        </Page>
    }
}

/// Who the order is for, who sells it, where it stands.
#[component]
fn HeadCard(o: OrderRow) -> impl IntoView {
    let lang = use_lang();
    let detail = |key: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <dt>{lang.t(key)}</dt><dd>{value}</dd> })
    };
    view! {
        <div class="card order-head" data-testid="order-head">
            <h2><span data-testid="order-number">{o.number.clone()}</span>" "<OrderStatusBadge status=o.status /></h2>
            <dl class="details">
                <dt>{lang.t("order.customer")}</dt>
                <dd><a href=format!("/crm/customers/{}", o.customer_id)>{o.customer_name.clone()}</a></dd>
                {detail("order.store", o.store_name.clone())}
                {detail("order.salesperson", o.salesperson_name.clone().unwrap_or_default())}
                {detail("order.payment_type", lang.t(o.payment_type.label_key()).to_owned())}
                {detail("order.expected_delivery", o.expected_delivery.clone().unwrap_or_default())}
                {detail("order.created_at", local_time(o.created_at))}
                <dt>{lang.t("order.updated")}</dt>
                <dd>{local_time(o.updated_at)}" · "{o.updated_by.clone()}</dd>
                {detail("order.cancel_reason", o.cancel_reason.clone())}
            </dl>
            {(!o.notes.is_empty()).then(|| view! { <p class="notes">{o.notes.clone()}</p> })}
            <p class="actions">
                <a class="btn" href=format!("/orders/{}/print", o.id) data-testid="print-link">{lang.t("order.print")}</a>
            </p>
        </div>
    }
}

/// The steps the caller may take now, each a plain form.
#[component]
fn ActionsCard(o: OrderRow, may: Allowed, picks: Vec<VehiclePick>, steps: Steps) -> impl IntoView {
    let lang = use_lang();
    let id = o.id;
    let version = o.version;
    let (approve, reject) = (steps.approve, steps.reject);
    let decide_form = FormState::new(
        "decide",
        Signal::derive(move || {
            approve
                .value()
                .get()
                .map(|r| r.map(drop))
                .or_else(|| reject.value().get())
        }),
    );
    let allocate_form = FormState::new("allocate", steps.allocate.value());
    let cancel_form = FormState::new("cancel", steps.cancel.value());
    let pay_form = FormState::new("payment", steps.pay.value());
    let picks: Vec<Choice> = picks
        .iter()
        .map(|v| Choice::new(v.id, v.label(lang)))
        .collect();
    let no_picks = picks.is_empty();
    let hidden = |id: i64| view! { <input type="hidden" name="id" value=id.to_string() /> };
    view! {
        <div class="card order-actions" data-testid="order-actions">
            <h2>{lang.t("order.next_steps")}</h2>
            <div class="actions">
                {may.submit.then(|| view! {
                    <ActionForm action=steps.submit attr:class="inline-form">
                        {hidden(id)}
                        <button type="submit" class="btn btn-primary">{lang.t("order.submit")}</button>
                    </ActionForm>
                })}
                {may.ship.then(|| view! {
                    <ActionForm action=steps.ship attr:class="inline-form">
                        {hidden(id)}
                        <ConfirmButton label=lang.t("order.ship") question=lang.t("order.ship_confirm").to_owned() class="btn-primary" />
                    </ActionForm>
                })}
                {may.complete.then(|| view! {
                    <ActionForm action=steps.complete attr:class="inline-form">
                        {hidden(id)}
                        <ConfirmButton label=lang.t("order.complete") question=lang.t("order.complete_confirm").to_owned() class="btn-primary" />
                    </ActionForm>
                })}
            </div>
            {may.decide.map(|level| view! {
                <section class="step" data-testid="decide">
                    <h3>{lang.tf("order.decide_level", &[("level", &level.level.to_string()), ("role", lang.t(level.role.label_key()))])}</h3>
                    <ActionForm action=steps.approve node_ref=decide_form.node() attr:class="form" attr:novalidate=true>
                        {hidden(id)}
                        <input type="hidden" name="version" value=version.to_string() />
                        <TextArea form=decide_form name="comment" label=lang.t("order.comment") rows=2 />
                        <div class="actions">
                            <button type="submit" class="btn btn-primary">{lang.t("order.approve")}</button>
                            <button type="submit" class="btn btn-danger" formaction=RejectOrder::PATH>{lang.t("order.reject")}</button>
                        </div>
                    </ActionForm>
                    <FormErrors form=decide_form />
                </section>
            })}
            {may.allocate.then(|| view! {
                <section class="step" data-testid="allocate">
                    <h3>{lang.t("order.allocate")}</h3>
                    {no_picks.then(|| view! { <p class="muted">{lang.t("order.no_free_vehicle")}</p> })}
                    <ActionForm action=steps.allocate node_ref=allocate_form.node() attr:class="form form-grid" attr:novalidate=true>
                        {hidden(id)}
                        <SelectField form=allocate_form name="vehicle_id" label=lang.t("order.vehicle_in_stock") choices=picks blank="-" wide=true />
                        <button type="submit" class="btn">{lang.t("order.allocate")}</button>
                    </ActionForm>
                    <FormErrors form=allocate_form />
                </section>
            })}
            {may.pay.then(|| view! {
                <details class="step" data-testid="payment" open=pay_form.error_for("amount").is_some() || pay_form.error_for("method").is_some()>
                    <summary>{lang.t("order.add_payment")}</summary>
                    <ActionForm action=steps.pay node_ref=pay_form.node() attr:class="form form-grid" attr:novalidate=true>
                        {hidden(id)}
                        <Field form=pay_form name="amount" label=lang.t("order.amount") inputmode="decimal" placeholder=lang.t("order.amount_hint") />
                        <SelectField form=pay_form name="method" label=lang.t("order.method") choices=method_choices(lang) blank="-" />
                        <Field form=pay_form name="note" label=lang.t("order.payment_note") maxlength=200 />
                        <button type="submit" class="btn">{lang.t("order.add_payment")}</button>
                    </ActionForm>
                    <FormErrors form=pay_form />
                </details>
            })}
            {may.cancel.then(|| view! {
                <details class="step" data-testid="cancel" open=cancel_form.error_for("reason").is_some()>
                    <summary>{lang.t("order.cancel")}</summary>
                    <ActionForm action=steps.cancel node_ref=cancel_form.node() attr:class="form form-grid" attr:novalidate=true>
                        {hidden(id)}
                        <Field form=cancel_form name="reason" label=lang.t("order.cancel_reason") maxlength=500 wide=true />
                        <ConfirmButton label=lang.t("order.cancel") question=lang.t("order.cancel_confirm").to_owned() class="btn-danger" />
                    </ActionForm>
                    <FormErrors form=cancel_form />
                </details>
            })}
        </div>
    }
}

/// The car: its specification, and the vehicle once one is held.
#[component]
fn CarCard(o: OrderRow) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" data-testid="order-car">
            <h2>{lang.t("order.car")}</h2>
            <dl class="details">
                <dt>{lang.t("vehicle.model")}</dt><dd>{o.model_name.clone()}</dd>
                <dt>{lang.t("vehicle.trim")}</dt><dd>{o.trim_name.clone()}</dd>
                <dt>{lang.t("vehicle.color")}</dt><dd>{o.color_name.clone()}</dd>
                <dt>"VIN"</dt>
                <dd data-testid="order-vin">{o.vin.clone().unwrap_or_else(|| lang.t("order.no_vin").into())}</dd>
                {o.hold_until.map(|t| view! { <dt>{lang.t("order.hold_until")}</dt><dd>{local_time(t)}</dd> })}
            </dl>
        </div>
    }
}

/// Every price line and the totals.
#[component]
fn PriceCard(d: OrderDetail) -> impl IntoView {
    let lang = use_lang();
    let o = &d.order;
    let row = |label: String, value: String, testid: &'static str| {
        view! { <tr><th scope="row">{label}</th><td class="num nowrap" data-testid=testid>{value}</td></tr> }
    };
    let discount = if o.discount.fen() > 0 {
        format!(
            "-{} ({}%)",
            money(o.discount.fen()),
            format_bp(o.discount_bp)
        )
    } else {
        money(0)
    };
    let extras = d
        .extras
        .iter()
        .map(|x| {
            let label = if x.description.is_empty() {
                lang.t(x.kind.label_key()).to_owned()
            } else {
                format!("{} · {}", lang.t(x.kind.label_key()), x.description)
            };
            row(label, money(x.price.fen()), "order-extra")
        })
        .collect_view();
    view! {
        <div class="card" data-testid="order-prices">
            <h2>{lang.t("order.price")}</h2>
            <table class="table sums">
                <tbody>
                    {row(lang.t("order.list_price").into(), money(o.list_price.fen()), "order-list-price")}
                    {row(lang.t("order.discount").into(), discount, "order-discount")}
                    {row(lang.t("order.vehicle_price").into(), money(o.list_price.fen() - o.discount.fen()), "order-vehicle-price")}
                    {extras}
                    <tr class="total"><th scope="row">{lang.t("order.total")}</th>
                        <td class="num nowrap" data-testid="order-total">{money(o.total.fen())}</td></tr>
                    {row(lang.t("order.paid").into(), money(o.paid.fen()), "order-paid")}
                    {row(lang.t("order.balance").into(), money(o.balance().fen()), "order-balance")}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PaymentsCard(payments: Vec<PaymentRow>) -> impl IntoView {
    let lang = use_lang();
    let columns = vec![
        Column::text(lang.t("order.paid_at")),
        Column::num(lang.t("order.amount")),
        Column::text(lang.t("order.method")),
        Column::text(lang.t("order.payment_note")),
        Column::text(lang.t("order.by")),
    ];
    let rows: Vec<_> = payments
        .into_iter()
        .map(|p| {
            let method = lang.t(p.method.label_key());
            view! {
                <tr data-testid="payment-row">
                    <td class="nowrap">{local_time(p.paid_at)}</td>
                    <td class="num nowrap">{money(p.amount)}</td>
                    <td>{method}</td>
                    <td>{p.note}</td>
                    <td>{p.created_by}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <div class="card" data-testid="order-payments">
            <h2>{lang.t("order.payments")}</h2>
            <DataTable columns rows empty=lang.t("order.no_payments") testid="payments-table" />
        </div>
    }
}

/// The levels the current round needs, which are decided, and every decision of every
/// round.
#[component]
fn ApprovalsCard(d: OrderDetail) -> impl IntoView {
    let lang = use_lang();
    let round = d.order.approval_round;
    let levels = d
        .required_levels
        .iter()
        .map(|l| {
            let decision = d
                .approvals
                .iter()
                .find(|a| a.round == round && a.level == i64::from(l.level));
            let state = match (decision, d.next_level) {
                (Some(a), _) if a.decision == "approved" => lang.tf("order.level_approved", &[("name", &a.decided_by_name)]),
                (Some(a), _) => lang.tf("order.level_rejected", &[("name", &a.decided_by_name)]),
                (None, Some(next)) if next.level == l.level && d.order.status == OrderStatus::PendingApproval => {
                    lang.t("order.level_waiting").to_owned()
                }
                (None, _) => lang.t("order.level_open").to_owned(),
            };
            view! {
                <li data-testid="approval-level">
                    <strong>{lang.tf("order.level_n", &[("level", &l.level.to_string())])}</strong>" · "
                    {lang.t(l.role.label_key())}" · "{state}
                </li>
            }
        })
        .collect_view();
    let columns = vec![
        Column::text(lang.t("order.round")),
        Column::text(lang.t("order.level")),
        Column::text(lang.t("order.approver")),
        Column::text(lang.t("order.decision")),
        Column::text(lang.t("order.comment")),
        Column::text(lang.t("order.decided_at")),
    ];
    let rows: Vec<_> = d
        .approvals
        .iter()
        .map(|a: &ApprovalRow| {
            let decision = if a.decision == "approved" { "order.decision.approved" } else { "order.decision.rejected" };
            let role = a.role.parse::<crate::domain::Role>().map_or("", |r| lang.t(r.label_key()));
            view! {
                <tr data-testid="approval-row" data-decision=a.decision.clone()>
                    <td>{a.round}</td>
                    <td>{format!("{} · {role}", a.level)}</td>
                    <td>{a.decided_by_name.clone()}</td>
                    <td>{lang.t(decision)}{a.carried.then(|| format!(" ({})", lang.t("order.carried")))}</td>
                    <td>{a.comment.clone()}</td>
                    <td class="nowrap">{local_time(a.decided_at)}</td>
                </tr>
            }
        })
        .collect();
    let none = d.required_levels.is_empty();
    view! {
        <div class="card" data-testid="order-approvals">
            <h2>{lang.t("order.approval")}</h2>
            {none.then(|| view! { <p class="muted">{lang.t("order.not_submitted")}</p> })}
            <ul class="plain-list">{levels}</ul>
            <DataTable columns rows empty=lang.t("order.no_decisions") testid="approvals-table" />
        </div>
    }
}

/// Every recorded change, oldest first: when, who, what, and the values before → after.
#[component]
fn TimelineCard(entries: Vec<TimelineEntry>) -> impl IntoView {
    let lang = use_lang();
    let items = entries
        .into_iter()
        .map(|e| {
            let changes = e.changes(lang);
            view! {
                <li class="timeline-item" data-testid="timeline-item" data-action=e.action.clone()>
                    <p><strong>{e.title(lang)}</strong>" · "{e.actor.clone()}
                        <span class="muted">" · "{e.when()}</span></p>
                    {(!changes.is_empty()).then(|| view! {
                        <ul class="changes">{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="card" data-testid="order-timeline">
            <h2>{lang.t("order.timeline")}</h2>
            <ol class="timeline">{items}</ol>
        </div>
    }
}
