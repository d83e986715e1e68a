//! Orders' server functions: what the order pages call. Each reads the form as the browser
//! sent it, turns it into the service's input and calls the service, which checks the
//! caller. A refused form comes back with what was typed, each error on its field.

use super::domain::{
    suggest::VehiclePick, timeline::TimelineEntry, ApprovalTask, OrderDetail, OrderFilter,
    OrderInput, OrderPage, OrderPreview, OrderStatus,
};
use crate::{domain::Money, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{domain::PaymentMethod, service},
    crate::{
        auth::{allowed, Action},
        ctx::Ctx,
    },
};

/// The extra lines the order form offers.
pub const EXTRA_LINES: usize = 3;

/// The order form as the browser sends it: every field as typed, the extra lines as
/// `extra0_kind`, `extra0_description`, `extra0_price`… The customer search box travels
/// with it, so a refused form keeps the search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderForm {
    pub customer_q: String,
    pub customer_id: String,
    /// A walk-in buyer with no profile yet: their name and mobile, to add on the way.
    pub new_name: String,
    pub new_mobile: String,
    pub store_id: String,
    pub trim_id: String,
    pub color_id: String,
    pub vehicle_id: String,
    pub list_price: String,
    pub discount: String,
    pub discount_percent: String,
    pub extra0_kind: String,
    pub extra0_description: String,
    pub extra0_price: String,
    pub extra1_kind: String,
    pub extra1_description: String,
    pub extra1_price: String,
    pub extra2_kind: String,
    pub extra2_description: String,
    pub extra2_price: String,
    pub deposit: String,
    pub deposit_method: String,
    pub payment_type: String,
    pub expected_delivery: String,
    pub notes: String,
}

/// The names of an extra line's fields: (kind, description, price).
pub fn extra_fields(n: usize) -> (&'static str, &'static str, &'static str) {
    match n {
        0 => ("extra0_kind", "extra0_description", "extra0_price"),
        1 => ("extra1_kind", "extra1_description", "extra1_price"),
        _ => ("extra2_kind", "extra2_description", "extra2_price"),
    }
}

impl OrderForm {
    /// Whether the form names a new buyer (and picks no customer on file).
    pub fn names_new_customer(&self) -> bool {
        self.customer_id.trim().is_empty()
            && !(self.new_name.trim().is_empty() && self.new_mobile.trim().is_empty())
    }

    /// Every field by its name, as the form names it.
    pub fn pairs(&self) -> [(&'static str, &str); 25] {
        [
            ("customer_q", &self.customer_q),
            ("customer_id", &self.customer_id),
            ("new_name", &self.new_name),
            ("new_mobile", &self.new_mobile),
            ("store_id", &self.store_id),
            ("trim_id", &self.trim_id),
            ("color_id", &self.color_id),
            ("vehicle_id", &self.vehicle_id),
            ("list_price", &self.list_price),
            ("discount", &self.discount),
            ("discount_percent", &self.discount_percent),
            ("extra0_kind", &self.extra0_kind),
            ("extra0_description", &self.extra0_description),
            ("extra0_price", &self.extra0_price),
            ("extra1_kind", &self.extra1_kind),
            ("extra1_description", &self.extra1_description),
            ("extra1_price", &self.extra1_price),
            ("extra2_kind", &self.extra2_kind),
            ("extra2_description", &self.extra2_description),
            ("extra2_price", &self.extra2_price),
            ("deposit", &self.deposit),
            ("deposit_method", &self.deposit_method),
            ("payment_type", &self.payment_type),
            ("expected_delivery", &self.expected_delivery),
            ("notes", &self.notes),
        ]
    }

    /// The form from named values (a page's query string), blank where a name is missing.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> OrderForm {
        let v = |name: &str| get(name).unwrap_or_default();
        OrderForm {
            customer_q: v("customer_q"),
            customer_id: v("customer_id"),
            new_name: v("new_name"),
            new_mobile: v("new_mobile"),
            store_id: v("store_id"),
            trim_id: v("trim_id"),
            color_id: v("color_id"),
            vehicle_id: v("vehicle_id"),
            list_price: v("list_price"),
            discount: v("discount"),
            discount_percent: v("discount_percent"),
            extra0_kind: v("extra0_kind"),
            extra0_description: v("extra0_description"),
            extra0_price: v("extra0_price"),
            extra1_kind: v("extra1_kind"),
            extra1_description: v("extra1_description"),
            extra1_price: v("extra1_price"),
            extra2_kind: v("extra2_kind"),
            extra2_description: v("extra2_description"),
            extra2_price: v("extra2_price"),
            deposit: v("deposit"),
            deposit_method: v("deposit_method"),
            payment_type: v("payment_type"),
            expected_delivery: v("expected_delivery"),
            notes: v("notes"),
        }
    }

    /// One field's value by its name; empty for a name the form does not have.
    pub fn get(&self, name: &str) -> &str {
        self.pairs()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v)
    }

    /// The order as the domain reads it, and for each of its extra lines the form line it
    /// came from (lines left blank are dropped).
    pub fn to_input(&self) -> (OrderInput, Vec<usize>) {
        let lines = [
            (
                &self.extra0_kind,
                &self.extra0_description,
                &self.extra0_price,
            ),
            (
                &self.extra1_kind,
                &self.extra1_description,
                &self.extra1_price,
            ),
            (
                &self.extra2_kind,
                &self.extra2_description,
                &self.extra2_price,
            ),
        ];
        let mut from = Vec::new();
        let mut extras = Vec::new();
        for (n, (kind, description, price)) in lines.into_iter().enumerate() {
            if [kind, description, price]
                .iter()
                .all(|v| v.trim().is_empty())
            {
                continue;
            }
            from.push(n);
            extras.push(super::domain::input::ExtraInput {
                kind: kind.clone(),
                description: description.clone(),
                price: price.clone(),
            });
        }
        let input = OrderInput {
            customer_id: self.customer_id.clone(),
            store_id: self.store_id.clone(),
            model_id: String::new(),
            trim_id: self.trim_id.clone(),
            color_id: self.color_id.clone(),
            vehicle_id: self.vehicle_id.clone(),
            list_price: self.list_price.clone(),
            discount: self.discount.clone(),
            discount_percent: self.discount_percent.clone(),
            extras,
            deposit: self.deposit.clone(),
            deposit_method: self.deposit_method.clone(),
            payment_type: self.payment_type.clone(),
            expected_delivery: self.expected_delivery.clone(),
            notes: self.notes.clone(),
        };
        (input, from)
    }

    /// A refusal as the form shows it: each error on the form's own field
    /// (`extras.0.price` is the price of the form line it came from), and what was typed.
    pub fn refusal(&self, e: AppError, lines: &[usize]) -> AppError {
        let e = match e {
            AppError::Invalid {
                message,
                fields,
                input,
            } => AppError::Invalid {
                message,
                fields: fields
                    .into_iter()
                    .map(|mut f| {
                        f.field = form_field(&f.field, lines);
                        f
                    })
                    .collect(),
                input,
            },
            other => other,
        };
        e.with_input(self.pairs())
    }
}

/// The form's name of a domain field: `extras.1.price` of lines `[0, 2]` is
/// `extra2_price`; other names are the form's already.
pub fn form_field(field: &str, lines: &[usize]) -> String {
    let mut parts = field.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("extras"), Some(n), Some(name), None) => {
            let line = n
                .parse::<usize>()
                .ok()
                .and_then(|n| lines.get(n).copied())
                .unwrap_or(0);
            format!("extra{line}_{name}")
        }
        _ => field.to_owned(),
    }
}

/// An amount as the form shows it: `199800`, `12387.6` (yuan, no grouping).
pub fn yuan_text(m: Money) -> String {
    let fen = m.fen();
    let (yuan, rest) = (fen / 100, (fen % 100).abs());
    match rest {
        0 => yuan.to_string(),
        r if r % 10 == 0 => format!("{yuan}.{}", r / 10),
        r => format!("{yuan}.{r:02}"),
    }
}

/// The order with its list price filled in from the car when left blank: the picked
/// vehicle's list price, or the trim's guide price.
#[cfg(feature = "ssr")]
async fn priced(ctx: &Ctx, mut input: OrderInput) -> Result<OrderInput, AppError> {
    if input.list_price.trim().is_empty() {
        let id = |s: &str| s.trim().parse::<i64>().ok().filter(|v| *v > 0);
        let price =
            service::entry::guide_price(ctx, id(&input.vehicle_id), id(&input.trim_id)).await?;
        if let Some(m) = price {
            input.list_price = yuan_text(m);
        }
    }
    Ok(input)
}

// JSON: an all-default filter would be an empty form, which does not decode.
#[server(prefix = "/sfn", endpoint = "orders/list", input = server_fn::codec::Json)]
pub async fn list_orders(filter: OrderFilter) -> Result<OrderPage, AppError> {
    service::orders::list(&Ctx::current()?, &filter).await
}

#[server(prefix = "/sfn", endpoint = "orders/get")]
pub async fn get_order(id: i64) -> Result<OrderDetail, AppError> {
    service::orders::get(&Ctx::current()?, id).await
}

/// The order's history, oldest first.
#[server(prefix = "/sfn", endpoint = "orders/timeline")]
pub async fn order_timeline(id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    service::orders::timeline(&Ctx::current()?, id).await
}

/// Enters an order from the form — a draft, or (`intent` = `submit`) put before the
/// approvers at once — and opens it. A blank list price is the car's.
#[server(prefix = "/sfn", endpoint = "orders/create")]
pub async fn create_order(
    #[server(flatten)] form: OrderForm,
    #[server(default)] intent: String,
) -> Result<i64, AppError> {
    let ctx = Ctx::current()?;
    let mut form = form;
    let (input, lines) = form.to_input();
    let mut input = priced(&ctx, input)
        .await
        .map_err(|e| form.refusal(e, &lines))?;
    if form.names_new_customer() {
        let id = new_customer(&ctx, &form, &input)
            .await
            .map_err(|(e, picked)| {
                if let Some(id) = picked {
                    form.customer_id = id.to_string();
                    form.new_name.clear();
                    form.new_mobile.clear();
                }
                form.refusal(e, &lines)
            })?;
        // From here the buyer is on file: a refusal shows them picked.
        form.customer_id = id.to_string();
        form.new_name.clear();
        form.new_mobile.clear();
        input.customer_id = form.customer_id.clone();
    }
    let id = service::orders::create(&ctx, &input, intent.trim() == "submit")
        .await
        .map_err(|e| form.refusal(e, &lines))?;
    leptos_axum::redirect(&format!("/orders/{id}"));
    Ok(id)
}

/// Adds the walk-in buyer the order form names (to the caller's store, or the one the
/// order names; source 到店) — but only once the order itself has nothing wrong that it can
/// tell alone, so a mistyped price never leaves a profile behind. A mobile on file is
/// refused beside the mobile; when the caller may open that profile, it comes back picked.
#[cfg(feature = "ssr")]
async fn new_customer(
    ctx: &Ctx,
    form: &OrderForm,
    input: &OrderInput,
) -> Result<i64, (AppError, Option<i64>)> {
    use crate::{crm::domain::customer::CustomerInput, error::FieldError};
    let lang = ctx.lang();
    let buyer = CustomerInput {
        kind: "person".into(),
        name: form.new_name.clone(),
        mobile: form.new_mobile.clone(),
        source: "walk_in".into(),
        ..Default::default()
    };
    let as_form = |f: FieldError| FieldError {
        field: match f.field.as_str() {
            "name" => "new_name".into(),
            "mobile" => "new_mobile".into(),
            other => other.to_owned(),
        },
        message: f.message,
    };
    let mut errors: Vec<FieldError> = match buyer.check(lang) {
        Ok(_) => Vec::new(),
        Err(e) => e.fields().iter().cloned().map(as_form).collect(),
    };
    // The order's own rules, with the buyer standing in for the customer to come.
    let stand_in = OrderInput {
        customer_id: "1".into(),
        ..input.clone()
    };
    if let Err(order) = stand_in.check_as(lang, "") {
        errors.extend(order);
    }
    if !errors.is_empty() {
        return Err((AppError::invalid_fields(errors), None));
    }
    let customers = crate::crm::service::customers::check_mobile(ctx, &form.new_mobile);
    if let Some(hit) = customers.await.map_err(|e| (e, None))? {
        let on_file = hit.message(lang);
        return Err(match hit.may_open {
            true => (
                AppError::invalid(
                    "new_mobile",
                    lang.tf("order.buyer_on_file", &[("who", &on_file)]),
                ),
                Some(hit.id),
            ),
            false => (AppError::invalid("new_mobile", on_file), None),
        });
    }
    let store = input.store_id.trim().parse::<i64>().ok();
    crate::crm::service::customers::create(ctx, &buyer, store)
        .await
        .map_err(|e| match e {
            AppError::Duplicate { message, .. } => (AppError::invalid("new_mobile", message), None),
            AppError::Invalid { fields, .. } => (
                AppError::invalid_fields(fields.into_iter().map(as_form).collect()),
                None,
            ),
            other => (other, None),
        })
}

/// Saves a changed order; `version` is the one the form was drawn from. The status the
/// order is in afterwards.
#[server(prefix = "/sfn", endpoint = "orders/update")]
pub async fn update_order(
    id: i64,
    version: i64,
    #[server(flatten)] form: OrderForm,
) -> Result<OrderStatus, AppError> {
    let ctx = Ctx::current()?;
    let (input, lines) = form.to_input();
    let refused = |e| form.refusal(e, &lines);
    let input = priced(&ctx, input).await.map_err(refused)?;
    let status = service::orders::update(&ctx, id, &input, version)
        .await
        .map_err(refused)?;
    leptos_axum::redirect(&format!("/orders/{id}"));
    Ok(status)
}

/// What the form's order would come to: totals, the approval it needs and why, and the
/// vehicle to offer. A blank list price is the car's.
#[server(name = PreviewOrder, prefix = "/sfn", endpoint = "orders/preview")]
pub async fn order_preview(#[server(flatten)] form: OrderForm) -> Result<OrderPreview, AppError> {
    let ctx = Ctx::current()?;
    let (input, lines) = form.to_input();
    let input = priced(&ctx, input)
        .await
        .map_err(|e| form.refusal(e, &lines))?;
    service::entry::preview(&ctx, &input)
        .await
        .map_err(|e| form.refusal(e, &lines))
}

/// The vehicles the caller may pick for an order, optionally of one trim and colour.
#[server(prefix = "/sfn", endpoint = "orders/in_stock")]
pub async fn in_stock_vehicles(
    #[server(default)] trim_id: Option<i64>,
    #[server(default)] color_id: Option<i64>,
) -> Result<Vec<VehiclePick>, AppError> {
    service::entry::in_stock(&Ctx::current()?, trim_id, color_id).await
}

#[server(prefix = "/sfn", endpoint = "orders/submit")]
pub async fn submit_order(id: i64) -> Result<OrderStatus, AppError> {
    service::orders::submit(&Ctx::current()?, id).await
}

/// Approves the order's next level; `version` is the one the approver saw.
#[server(prefix = "/sfn", endpoint = "orders/approve")]
pub async fn approve_order(
    id: i64,
    #[server(default)] comment: String,
    #[server(default)] version: Option<i64>,
) -> Result<OrderStatus, AppError> {
    service::approvals::approve(&Ctx::current()?, id, &comment, version)
        .await
        .map_err(|e| e.with_input([("comment", comment.as_str())]))
}

/// Rejects the order, with the reason (required).
#[server(prefix = "/sfn", endpoint = "orders/reject")]
pub async fn reject_order(
    id: i64,
    #[server(default)] comment: String,
    #[server(default)] version: Option<i64>,
) -> Result<(), AppError> {
    service::approvals::reject(&Ctx::current()?, id, &comment, version)
        .await
        .map_err(|e| e.with_input([("comment", comment.as_str())]))
}

/// Holds a vehicle (its id, as the picker sends it) for the order.
#[server(prefix = "/sfn", endpoint = "orders/allocate")]
pub async fn allocate_vehicle(
    id: i64,
    #[server(default)] vehicle_id: String,
) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    let vehicle = vehicle_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::invalid("vehicle_id", ctx.t("order.vehicle_required")))?;
    service::orders::allocate(&ctx, id, vehicle)
        .await
        .map_err(|e| e.with_input([("vehicle_id", vehicle_id.as_str())]))
}

#[server(prefix = "/sfn", endpoint = "orders/ship")]
pub async fn ship_order(id: i64) -> Result<(), AppError> {
    service::orders::ship(&Ctx::current()?, id).await
}

#[server(prefix = "/sfn", endpoint = "orders/complete")]
pub async fn complete_order(id: i64) -> Result<(), AppError> {
    service::orders::complete(&Ctx::current()?, id).await
}

/// Cancels the order, for a reason (required).
#[server(prefix = "/sfn", endpoint = "orders/cancel")]
pub async fn cancel_order(id: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    service::orders::cancel(&Ctx::current()?, id, &reason)
        .await
        .map_err(|e| e.with_input([("reason", reason.as_str())]))
}

/// Records a payment in yuan as typed (`5000`, `¥5,000.00`); a refund starts with `-`.
#[server(prefix = "/sfn", endpoint = "orders/add_payment")]
pub async fn add_payment(
    id: i64,
    #[server(default)] amount: String,
    #[server(default)] method: String,
    #[server(default)] note: String,
) -> Result<i64, AppError> {
    let ctx = Ctx::current()?;
    let typed = [
        ("amount", amount.as_str()),
        ("method", method.as_str()),
        ("note", note.as_str()),
    ];
    let mut errors = Vec::new();
    let text = amount.trim();
    let (refund, text) = match text.strip_prefix(['-', '－']) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let fen = if text.is_empty() {
        errors.push(crate::error::FieldError {
            field: "amount".into(),
            message: ctx.t("order.amount_required").into(),
        });
        0
    } else {
        match Money::parse_yuan(text) {
            Ok(m) if refund => -m.fen(),
            Ok(m) => m.fen(),
            Err(e) => {
                errors.push(crate::error::FieldError {
                    field: "amount".into(),
                    message: crate::inventory::domain::intake::money_message(&e, ctx.lang()),
                });
                0
            }
        }
    };
    let method_code = PaymentMethod::parse(method.trim());
    if method_code.is_none() {
        errors.push(crate::error::FieldError {
            field: "method".into(),
            message: ctx.t("order.bad_payment_method").into(),
        });
    }
    let Some(method_code) = method_code.filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid_fields(errors).with_input(typed));
    };
    service::orders::add_payment(&ctx, id, fen, method_code, &note)
        .await
        .map_err(|e| e.with_input(typed))
}

/// The orders waiting for the caller's decision (待我审批).
#[server(prefix = "/sfn", endpoint = "orders/approval_queue")]
pub async fn approval_queue() -> Result<Vec<ApprovalTask>, AppError> {
    service::approvals::queue(&Ctx::current()?).await
}

/// How many orders wait for the caller's decision: the navigation badge (0 for those who
/// decide none).
#[server(prefix = "/sfn", endpoint = "orders/approval_count")]
pub async fn approval_count() -> Result<i64, AppError> {
    let ctx = Ctx::current()?;
    let approver = ctx
        .principal_opt()
        .is_some_and(|p| allowed(p.role, Action::ApproveOrders));
    if !approver {
        return Ok(0);
    }
    service::approvals::queue_count(&ctx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_field_is_named_as_the_form_names_it() {
        // (domain field, form lines used, form field)
        let table = [
            ("extras.0.price", vec![0], "extra0_price"),
            ("extras.1.kind", vec![0, 2], "extra2_kind"),
            ("extras.0.description", vec![1], "extra1_description"),
            ("list_price", vec![], "list_price"),
            ("deposit", vec![0], "deposit"),
        ];
        for (field, lines, want) in table {
            assert_eq!(form_field(field, &lines), want, "{field}");
        }
    }

    #[test]
    fn blank_extra_lines_are_dropped_and_refusals_keep_what_was_typed() {
        let form = OrderForm {
            customer_id: "42".into(),
            extra2_kind: "accessory".into(),
            extra2_price: "abc".into(),
            notes: "周六交车".into(),
            ..Default::default()
        };
        let (input, lines) = form.to_input();
        assert_eq!(input.extras.len(), 1);
        assert_eq!(lines, [2]);
        let e = input.check(crate::i18n::Lang::ZhCn).unwrap_err();
        let e = form.refusal(e, &lines);
        assert!(e.field("extra2_price").is_some(), "{e:?}");
        assert_eq!(e.input("notes"), Some("周六交车"));
        assert_eq!(e.input("extra2_kind"), Some("accessory"));
        let back = OrderForm::from_fields(|k| Some(form.get(k).to_owned()));
        assert_eq!(back, form);
    }

    #[test]
    fn amounts_are_shown_as_typed_yuan() {
        for (fen, text) in [
            (19_980_000, "199800"),
            (1_238_760, "12387.6"),
            (5, "0.05"),
            (0, "0"),
        ] {
            assert_eq!(yuan_text(Money::from_fen(fen)), text);
        }
    }
}
