//! 订单确认书: the order on one A4 sheet for the customer to sign — the store, the
//! customer, the car with its VIN, every price line and total, what was paid, and lines for
//! the signatures. Outside the application frame, so it prints as it is.

use super::money;
use crate::{
    clock::local_time,
    components::error_fallback,
    crm::api::get_customer,
    error::AppError,
    i18n::use_lang,
    orders::{api::get_order, domain::totals::format_bp},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PrintPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let detail = Resource::new(id, get_order);
    view! {
        <main class="print-page">
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=error_fallback>
                    {move || Suspend::new(async move {
                        let d = detail.await?;
                        // Someone who may open the order but not the profile still prints it,
                        // without the contact details.
                        let customer = get_customer(d.order.customer_id).await.ok();
                        let o = d.order;
                        let title = format!("{} {}", lang.t("order.confirmation"), o.number);
                        let row = |label: String, value: String| view! {
                            <tr><th scope="row">{label}</th><td class="num">{value}</td></tr>
                        };
                        let discount = if o.discount.fen() > 0 {
                            format!("-{} ({}%)", money(o.discount.fen()), format_bp(o.discount_bp))
                        } else {
                            money(0)
                        };
                        let extras = d.extras.iter().map(|x| {
                            let label = if x.description.is_empty() {
                                lang.t(x.kind.label_key()).to_owned()
                            } else {
                                format!("{} · {}", lang.t(x.kind.label_key()), x.description)
                            };
                            row(label, money(x.price.fen()))
                        }).collect_view();
                        let payments = d.payments.iter().map(|p| view! {
                            <tr>
                                <td>{local_time(p.paid_at)}</td>
                                <td>{lang.t(p.method.label_key())}</td>
                                <td>{p.note.clone()}</td>
                                <td class="num">{money(p.amount)}</td>
                            </tr>
                        }).collect_view();
                        let approved = matches!(
                            o.status,
                            crate::orders::domain::OrderStatus::Approved
                                | crate::orders::domain::OrderStatus::Shipped
                                | crate::orders::domain::OrderStatus::Completed
                        );
                        Ok::<_, AppError>(view! {
                            <Title text=title />
                            <p class="print-tools">
                                <button type="button" class="btn btn-primary" data-print="" hidden>{lang.t("order.print_now")}</button>
                                <a class="btn" href=format!("/orders/{}", o.id)>{lang.t("order.back_to_order")}</a>
                            </p>
                            <article class="print-sheet" data-testid="print-sheet">
                                <header class="print-head">
                                    <div>
                                        <p class="print-store" data-testid="print-store">{o.store_name.clone()}</p>
                                        <h1>{lang.t("order.confirmation")}</h1>
                                    </div>
                                    <dl class="details">
                                        <dt>{lang.t("order.number")}</dt><dd data-testid="print-number">{o.number.clone()}</dd>
                                        <dt>{lang.t("order.date")}</dt><dd>{crate::clock::day_of(o.created_at).to_string()}</dd>
                                        <dt>{lang.t("order.salesperson")}</dt><dd>{o.salesperson_name.clone().unwrap_or_default()}</dd>
                                        <dt>{lang.t("order.status")}</dt><dd>{lang.t(o.status.label_key())}</dd>
                                    </dl>
                                </header>
                                <section>
                                    <h2>{lang.t("order.customer")}</h2>
                                    <dl class="details">
                                        <dt>{lang.t("customer.name")}</dt><dd>{o.customer_name.clone()}</dd>
                                        {customer.as_ref().map(|c| view! {
                                            <dt>{lang.t("customer.mobile")}</dt><dd>{c.mobile.clone()}</dd>
                                        })}
                                        {customer.as_ref().filter(|c| !c.address.is_empty()).map(|c| view! {
                                            <dt>{lang.t("customer.address")}</dt><dd>{c.address.clone()}</dd>
                                        })}
                                    </dl>
                                </section>
                                <section>
                                    <h2>{lang.t("order.car")}</h2>
                                    <dl class="details">
                                        <dt>{lang.t("vehicle.model")}</dt><dd>{o.model_name.clone()}" · "{o.trim_name.clone()}</dd>
                                        <dt>{lang.t("vehicle.color")}</dt><dd>{o.color_name.clone()}</dd>
                                        <dt>"VIN"</dt><dd data-testid="print-vin">{o.vin.clone().unwrap_or_else(|| lang.t("order.no_vin").into())}</dd>
                                    </dl>
                                </section>
                                <section>
                                    <h2>{lang.t("order.price")}</h2>
                                    <table class="table sums">
                                        <tbody>
                                            {row(lang.t("order.list_price").into(), money(o.list_price.fen()))}
                                            {row(lang.t("order.discount").into(), discount)}
                                            {row(lang.t("order.vehicle_price").into(), money(o.list_price.fen() - o.discount.fen()))}
                                            {extras}
                                            <tr class="total"><th scope="row">{lang.t("order.total")}</th>
                                                <td class="num" data-testid="print-total">{money(o.total.fen())}</td></tr>
                                            {row(lang.t("order.paid").into(), money(o.paid.fen()))}
                                            {row(lang.t("order.balance").into(), money(o.balance().fen()))}
                                        </tbody>
                                    </table>
                                </section>
                                {(!d.payments.is_empty()).then(|| view! {
                                    <section>
                                        <h2>{lang.t("order.payments")}</h2>
                                        <table class="table">
                                            <tbody>{payments}</tbody>
                                        </table>
                                    </section>
                                })}
                                <section>
                                    <dl class="details">
                                        <dt>{lang.t("order.payment_type")}</dt><dd>{lang.t(o.payment_type.label_key())}</dd>
                                        <dt>{lang.t("order.expected_delivery")}</dt><dd>{o.expected_delivery.clone().unwrap_or_else(|| "—".into())}</dd>
                                    </dl>
                                    {(!o.notes.is_empty()).then(|| view! { <p class="notes">{o.notes.clone()}</p> })}
                                    {(!approved).then(|| view! { <p class="muted">{lang.t("order.confirmation_pending")}</p> })}
                                </section>
                                <section class="signatures">
                                    <div class="signature"><span>{lang.t("order.sign_customer")}</span><span class="sign-line"></span></div>
                                    <div class="signature"><span>{lang.t("order.sign_sales")}</span><span class="sign-line"></span></div>
                                    <div class="signature"><span>{lang.t("order.sign_store")}</span><span class="sign-line"></span></div>
                                    <div class="signature"><span>{lang.t("order.sign_date")}</span><span class="sign-line"></span></div>
                                </section>
                            </article>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </main>
    }
}
