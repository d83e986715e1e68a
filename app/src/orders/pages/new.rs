//! 订单录入: one plain form for a whole order, which works without JavaScript. The
//! customer is picked from a search on the same page, or a walk-in buyer is added by name
//! and mobile as the order is saved; the car by an in-stock vehicle, or
//! by trim and colour (with the vehicle to offer); then price, discount, extra lines,
//! deposit and payment. 预览 sends the form back to this page (GET) with its figures, the
//! approval it will need and why; 保存草稿 and 提交审核 save it and open the order. A
//! refused form keeps what was typed, each error beside its field.

use super::{extra_kind_choices, method_choices, money, payment_type_choices};
use crate::{
    components::{Choice, Field, FormErrors, FormState, Page, SelectField, TextArea},
    crm::{
        api::{get_customer, list_customers},
        domain::customer::CustomerFilter,
    },
    error::AppError,
    i18n::{use_lang, Lang},
    inventory::{
        api::load_catalog,
        widgets::{color_choices, trim_choices},
    },
    orders::{
        api::{
            extra_fields, in_stock_vehicles, order_preview, yuan_text, CreateOrder, OrderForm,
            EXTRA_LINES,
        },
        domain::{suggest::VehiclePick, totals::format_bp, OrderPreview},
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The customers a search shows to pick from.
const CUSTOMER_MATCHES: i64 = 8;
/// The recent customers shown before anything is searched.
const RECENT_CUSTOMERS: i64 = 5;

/// One customer to pick: id, name, and what tells them apart.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CustomerChoice {
    id: i64,
    name: String,
    detail: String,
}

/// `13800138000` as lists show it: `138****8000`.
fn masked(mobile: &str) -> String {
    let digits: Vec<char> = mobile.chars().collect();
    if digits.len() < 8 {
        return mobile.to_owned();
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[component]
pub fn NewOrderPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    // The form as the address carries it; the suggestion's button (`use_vehicle`) picks
    // that vehicle.
    let values = move || {
        q.with(|m| {
            let mut f = OrderForm::from_fields(|k| m.get(k));
            if let Some(v) = m.get("use_vehicle").filter(|v| !v.trim().is_empty()) {
                f.vehicle_id = v;
            }
            f
        })
    };
    let previewing =
        move || q.with(|m| m.get("preview").is_some() || m.get("use_vehicle").is_some());
    let create = ServerAction::<CreateOrder>::new();
    let cat = Resource::new(|| (), |_| load_catalog());
    let stock = Resource::new(|| (), |_| in_stock_vehicles(None, None));
    let preview = Resource::new(
        move || (previewing(), values()),
        |(on, f)| async move {
            match on {
                true => Some(order_preview(f).await),
                false => None,
            }
        },
    );
    let customer_q = move || {
        q.with(|m| m.get("customer_q"))
            .map(|s| s.trim().chars().take(50).collect::<String>())
            .filter(|s| !s.is_empty())
    };
    let matches = Resource::new(customer_q, |search| async move {
        let limit = if search.is_some() {
            CUSTOMER_MATCHES
        } else {
            RECENT_CUSTOMERS
        };
        let filter = CustomerFilter {
            q: search,
            limit: Some(limit),
            ..Default::default()
        };
        list_customers(filter).await.map(|l| l.rows)
    });
    view! {
        <Page title="order.new">
            {move || Suspend::new(async move {
                let cat = cat.await?;
                let stock = stock.await?;
                let matches = matches.await.unwrap_or_default();
                let preview = preview.await;
                let refused = create.value().get_untracked().and_then(Result::err);
                let f = values();
                // A refused save comes back with what was typed; a preview with its errors.
                let (result, preview_error) = match preview {
                    Some(Ok(p)) => (Some(p), None),
                    Some(Err(e)) => (None, Some(e)),
                    None => (None, None),
                };
                let shown = refused.clone().or(preview_error);
                let form = FormState::new("order", Signal::stored(shown.map(Err::<i64, AppError>)));
                let typed = |name: &str| form.typed(name).unwrap_or_else(|| f.get(name).to_owned());
                // The customer picked (typed before a refusal, or in the address), listed
                // even when the search no longer finds them.
                let picked = typed("customer_id");
                let mut people: Vec<CustomerChoice> = matches
                    .into_iter()
                    .map(|c| CustomerChoice {
                        id: c.id,
                        name: c.name,
                        detail: [Some(c.mobile), c.owner_name].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                    })
                    .collect();
                if let Ok(id) = picked.trim().parse::<i64>() {
                    if !people.iter().any(|c| c.id == id) {
                        if let Ok(c) = get_customer(id).await {
                            people.insert(0, CustomerChoice {
                                id: c.id,
                                name: c.name,
                                detail: [Some(masked(&c.mobile)), c.owner_name].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                            });
                        }
                    }
                }
                let searched = customer_q().is_some();
                let list_price = match (&result, typed("list_price")) {
                    (Some(p), v) if v.trim().is_empty() => yuan_text(crate::domain::Money::from_fen(p.totals.list_price)),
                    (_, v) => v,
                };
                let customer = view! {
                    <CustomerPicker form people picked=picked.clone() searched search=typed("customer_q")
                        new_name=typed("new_name") new_mobile=typed("new_mobile") />
                }.into_any();
                let car = view! {
                    <CarFields form stock trims=trim_choices(&cat) colors=color_choices(&cat)
                        vehicle=typed("vehicle_id") trim=typed("trim_id") color=typed("color_id")
                        preview=result.clone() />
                }.into_any();
                let extras: Vec<(String, String, String)> = (0..EXTRA_LINES)
                    .map(|n| {
                        let (k, d, p) = extra_fields(n);
                        (typed(k), typed(d), typed(p))
                    })
                    .collect();
                let price = view! {
                    <PriceFields form list_price discount=typed("discount") percent=typed("discount_percent") extras />
                }.into_any();
                let payment = view! {
                    <PaymentFields form deposit=typed("deposit") method=typed("deposit_method")
                        payment_type=typed("payment_type") delivery=typed("expected_delivery") notes=typed("notes") />
                }.into_any();
                let summary = result.map(|p| view! { <PreviewCard p lang /> });
                Ok::<_, AppError>(view! {
                    <ActionForm action=create node_ref=form.node() attr:id="order-form" attr:class="form order-form"
                        attr:data-testid="order-form" attr:novalidate=true>
                        {customer}
                        {car}
                        {price}
                        {payment}
                        {summary}
                        <div class="form-actions">
                            <button type="submit" class="btn" formmethod="get" formaction="/orders/new" name="preview" value="1"
                                data-testid="preview-button">{lang.t("order.preview")}</button>
                            <button type="submit" class="btn" name="intent" value="draft">{lang.t("order.save_draft")}</button>
                            <button type="submit" class="btn btn-primary" name="intent" value="submit">{lang.t("order.submit")}</button>
                        </div>
                    </ActionForm>
                    <FormErrors form />
                })
            })}
        </Page>
    }
}

/// The customer: a search on this page (a GET that keeps the rest of the form), the
/// matches as choices, and the way to a new profile.
#[component]
fn CustomerPicker(
    form: FormState,
    people: Vec<CustomerChoice>,
    picked: String,
    searched: bool,
    search: String,
    new_name: String,
    new_mobile: String,
) -> impl IntoView {
    let lang = use_lang();
    form.register("customer_id");
    let error_id = format!("{}-error", form.element_id("customer_id"));
    let message = form.error_for("customer_id");
    let focus = form.first_bad("customer_id");
    let invalid = message.is_some();
    let empty = people.is_empty();
    let choices = people
        .into_iter()
        .enumerate()
        .map(|(n, c)| {
            let on = picked.trim() == c.id.to_string();
            view! {
                <label class="choice" data-testid="customer-choice">
                    <input type="radio" name="customer_id" value=c.id.to_string() checked=on
                        autofocus=focus && n == 0 aria-describedby=error_id.clone() />
                    <span><strong>{c.name}</strong>" "<span class="muted">{c.detail}</span></span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="card order-section" class:invalid=invalid data-testid="order-customer">
            <legend>{lang.t("order.customer")}</legend>
            <div class="search-row">
                <div class="field">
                    <label for="order-customer_q">{lang.t("order.customer_search")}</label>
                    <input id="order-customer_q" name="customer_q" type="search" value=search maxlength="50"
                        placeholder=lang.t("crm.search_hint") autocomplete="off" />
                </div>
                <button type="submit" class="btn" formmethod="get" formaction="/orders/new" name="find" value="1">
                    {lang.t("crm.search_go")}
                </button>
                <a class="btn" href="/crm/customers/new">{lang.t("crm.new_customer")}</a>
            </div>
            <p class="muted">{lang.t(if searched { "order.customer_matches" } else { "order.customer_recent" })}</p>
            {empty.then(|| view! { <p class="muted">{lang.t("crm.no_customers")}</p> })}
            <div class="choices">{choices}</div>
            <span class="field-error" id=error_id.clone()>{message}</span>
            <p class="muted">{lang.t("order.new_buyer_hint")}</p>
            <div class="form-grid" data-testid="new-buyer">
                <Field form name="new_name" label=lang.t("order.new_buyer_name") value=new_name maxlength=50
                    autocomplete="off" />
                <Field form name="new_mobile" label=lang.t("order.new_buyer_mobile") value=new_mobile kind="tel"
                    inputmode="tel" maxlength=40 autocomplete="off" />
            </div>
        </fieldset>
    }
}

/// The car: a vehicle in stock, or a trim and colour — with the vehicle to offer for them,
/// or where the picked one stands.
#[component]
fn CarFields(
    form: FormState,
    stock: Vec<VehiclePick>,
    trims: Vec<Choice>,
    colors: Vec<Choice>,
    vehicle: String,
    trim: String,
    color: String,
    preview: Option<OrderPreview>,
) -> impl IntoView {
    let lang = use_lang();
    let mut stock = stock;
    stock.sort_by(|a, b| {
        (&a.model_name, -a.days_in_stock, a.id).cmp(&(&b.model_name, -b.days_in_stock, b.id))
    });
    let picks: Vec<Choice> = stock
        .iter()
        .map(|v| Choice::new(v.id, v.label(lang)).in_group(v.model_name.clone()))
        .collect();
    let offer = preview.as_ref().and_then(|p| p.suggestion.clone());
    let held = preview.as_ref().and_then(|p| p.vehicle.clone());
    view! {
        <fieldset class="card order-section" data-testid="order-car">
            <legend>{lang.t("order.car")}</legend>
            <div class="form-grid">
                <SelectField form name="vehicle_id" label=lang.t("order.vehicle_in_stock") choices=picks
                    selected=Some(vehicle) blank=lang.t("order.no_vehicle") wide=true />
                <SelectField form name="trim_id" label=lang.t("vehicle.model_trim") choices=trims
                    selected=Some(trim) blank="-" />
                <SelectField form name="color_id" label=lang.t("vehicle.color") choices=colors
                    selected=Some(color) blank="-" />
            </div>
            <p class="muted">{lang.t("order.car_hint")}</p>
            {held.map(|v| view! {
                <p class="suggestion" data-testid="picked-vehicle"><strong>{v.vin.clone()}</strong>" · "{v.reason.clone()}</p>
            })}
            {offer.map(|s| view! {
                <div class="suggestion" data-testid="suggestion">
                    <p>{lang.t("order.suggested")}": "<strong>{s.vin.clone()}</strong>" · "{s.reason.clone()}</p>
                    <button type="submit" class="btn" formmethod="get" formaction="/orders/new" name="use_vehicle"
                        value=s.vehicle_id.to_string()>{lang.t("order.use_vehicle")}</button>
                </div>
            })}
        </fieldset>
    }
}

/// The price: list price (blank: the car's), a discount as an amount or a percent, and up
/// to three extra lines.
#[component]
fn PriceFields(
    form: FormState,
    list_price: String,
    discount: String,
    percent: String,
    extras: Vec<(String, String, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let lines = extras
        .into_iter()
        .enumerate()
        .map(|(n, (kind, description, price))| {
            let (k, d, p) = extra_fields(n);
            view! {
                <fieldset class="extra-line" data-testid="extra-line">
                    <legend>{lang.tf("order.extra_n", &[("n", &(n + 1).to_string())])}</legend>
                    <div class="form-grid">
                        <SelectField form name=k label=lang.t("order.extra_kind") choices=extra_kind_choices(lang)
                            selected=Some(kind) blank="-" />
                        <Field form name=d label=lang.t("order.extra_description") value=description maxlength=100 />
                        <Field form name=p label=lang.t("order.extra_price") value=price inputmode="decimal" />
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <fieldset class="card order-section" data-testid="order-price">
            <legend>{lang.t("order.price")}</legend>
            <div class="form-grid">
                <Field form name="list_price" label=lang.t("order.list_price") value=list_price inputmode="decimal"
                    placeholder=lang.t("order.list_price_hint") />
                <Field form name="discount" label=lang.t("order.discount_amount") value=discount inputmode="decimal" />
                <Field form name="discount_percent" label=lang.t("order.discount_percent") value=percent inputmode="decimal"
                    placeholder="5" />
            </div>
            <details class="extras" open=lines_open(&form)>
                <summary>{lang.t("order.extras")}</summary>
                {lines}
            </details>
        </fieldset>
    }
}

/// The extra lines stay open when one of them is filled in or refused.
fn lines_open(form: &FormState) -> bool {
    (0..EXTRA_LINES).any(|n| {
        let (k, d, p) = extra_fields(n);
        [k, d, p].iter().any(|name| {
            form.error_for(name).is_some() || form.typed(name).is_some_and(|v| !v.is_empty())
        })
    })
}

/// The deposit taken now, how the rest is paid, the promised delivery and notes.
#[component]
fn PaymentFields(
    form: FormState,
    deposit: String,
    method: String,
    payment_type: String,
    delivery: String,
    notes: String,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="card order-section" data-testid="order-payment">
            <legend>{lang.t("order.payment")}</legend>
            <div class="form-grid">
                <Field form name="deposit" label=lang.t("order.deposit") value=deposit inputmode="decimal" />
                <SelectField form name="deposit_method" label=lang.t("order.deposit_method") choices=method_choices(lang)
                    selected=Some(method) blank="-" />
                <SelectField form name="payment_type" label=lang.t("order.payment_type") choices=payment_type_choices(lang)
                    selected=Some(payment_type) />
                <Field form name="expected_delivery" label=lang.t("order.expected_delivery") kind="date" value=delivery />
                <TextArea form name="notes" label=lang.t("order.notes") value=notes rows=2 wide=true />
            </div>
        </fieldset>
    }
}

/// What the order comes to, and the approval it will need.
#[component]
fn PreviewCard(p: OrderPreview, lang: Lang) -> impl IntoView {
    let t = p.totals;
    let line = |label: &'static str, value: String, testid: &'static str| {
        view! { <tr><th scope="row">{lang.t(label)}</th><td class="num" data-testid=testid>{value}</td></tr> }
    };
    let discount = if t.discount > 0 {
        format!("-{} ({}%)", money(t.discount), format_bp(t.discount_bp))
    } else {
        money(0)
    };
    let approval = if p.reasons.is_empty() {
        view! { <p class="muted">{lang.t("order.no_approval")}</p> }.into_any()
    } else {
        view! {
            <ul class="approval-reasons" data-testid="approval-reasons">
                {p.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card preview" data-testid="order-preview" aria-live="polite">
            <h2>{lang.t("order.preview_title")}</h2>
            <table class="table sums">
                <tbody>
                    {line("order.list_price", money(t.list_price), "preview-list-price")}
                    {line("order.discount", discount, "preview-discount")}
                    {line("order.vehicle_price", money(t.vehicle_price), "preview-vehicle-price")}
                    {line("order.extras", money(t.extras), "preview-extras")}
                    {line("order.total", money(t.total), "preview-total")}
                    {line("order.deposit", money(t.paid), "preview-paid")}
                    {line("order.balance", money(t.balance), "preview-balance")}
                </tbody>
            </table>
            <h3>{lang.t("order.approval")}</h3>
            {approval}
        </section>
    }
}
