//! An order as entered — on the tablet, in a spreadsheet row, or over the REST API — and
//! the one check all three go through: every field at once, each refusal on its field,
//! and the figures from [`totals::compute`](super::totals::compute).

use super::{
    status::{ExtraKind, PaymentMethod, PaymentType},
    totals::{self, parse_percent, Discount, Totals, TotalsError, MAX_EXTRAS, MAX_LINE},
};
use crate::{
    domain::Money,
    error::{AppError, FieldError},
    i18n::Lang,
    inventory::domain::intake::{money_message, parse_day},
};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// The longest description of an extra line.
pub const MAX_DESCRIPTION: usize = 100;
/// The longest note on an order.
pub const MAX_NOTES: usize = 1000;
/// The longest text an id, an amount, a percent, a code or a date may be typed as.
const MAX_ID_TEXT: usize = 20;
const MAX_MONEY_TEXT: usize = 40;
const MAX_CODE_TEXT: usize = 40;

/// Text as a person types it; a number sent by an integration is taken as its text.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Str(String),
        Int(i64),
        Float(f64),
    }
    Ok(match Option::<Text>::deserialize(d)? {
        None => String::new(),
        Some(Text::Str(s)) => s,
        Some(Text::Int(n)) => n.to_string(),
        Some(Text::Float(f)) => f.to_string(),
    })
}

/// One extra line as typed: what, a description, and its price in yuan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExtraInput {
    /// `accessory`, `insurance`, `registration`, `warranty` or `other`.
    #[serde(default, deserialize_with = "text")]
    pub kind: String,
    /// Required for `other`.
    #[serde(default, deserialize_with = "text")]
    #[cfg_attr(feature = "ssr", schema(example = "全车脚垫", max_length = 100))]
    pub description: String,
    /// Yuan; empty for a line given free (赠送).
    #[serde(default, deserialize_with = "text")]
    #[cfg_attr(feature = "ssr", schema(example = "1280"))]
    pub price: String,
}

/// An order as the form, an import row or the API sends it: ids and amounts as typed.
/// A car is chosen either by specification (trim and colour, the model optional) or as
/// one vehicle (`vehicle_id`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderInput {
    #[serde(default, deserialize_with = "text")]
    #[cfg_attr(feature = "ssr", schema(example = "42"))]
    pub customer_id: String,
    /// Empty: the salesperson's store.
    #[serde(default, deserialize_with = "text")]
    pub store_id: String,
    /// Optional; the trim names it.
    #[serde(default, deserialize_with = "text")]
    pub model_id: String,
    /// Required unless `vehicle_id` is given.
    #[serde(default, deserialize_with = "text")]
    pub trim_id: String,
    /// Required unless `vehicle_id` is given.
    #[serde(default, deserialize_with = "text")]
    pub color_id: String,
    /// One vehicle in stock, when the customer picked it.
    #[serde(default, deserialize_with = "text")]
    pub vehicle_id: String,
    /// The list price (指导价) in yuan: `199800`, `¥199,800.00`.
    #[serde(default, deserialize_with = "text")]
    #[cfg_attr(feature = "ssr", schema(example = "199800"))]
    pub list_price: String,
    /// The discount in yuan; give this or `discount_percent`, not both.
    #[serde(default, deserialize_with = "text")]
    pub discount: String,
    /// The discount as a percent of the list price, up to two decimals (`6.2`).
    #[serde(default, deserialize_with = "text")]
    pub discount_percent: String,
    /// At most 20 lines.
    #[serde(default)]
    pub extras: Vec<ExtraInput>,
    /// The deposit taken with the order, in yuan.
    #[serde(default, deserialize_with = "text")]
    pub deposit: String,
    /// How the deposit was paid: `cash`, `card`, `transfer`, `wechat` or `alipay`.
    #[serde(default, deserialize_with = "text")]
    pub deposit_method: String,
    /// `full`, `loan` or `instalment`.
    #[serde(default, deserialize_with = "text")]
    pub payment_type: String,
    /// The promised delivery day: `2026-12-20`, `2026/12/20`, `2026年12月20日`.
    #[serde(default, deserialize_with = "text")]
    pub expected_delivery: String,
    #[serde(default, deserialize_with = "text")]
    #[cfg_attr(feature = "ssr", schema(max_length = 1000))]
    pub notes: String,
}

/// An extra line, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    pub kind: ExtraKind,
    pub description: String,
    pub price: Money,
}

/// The deposit taken with the order, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    pub amount: Money,
    pub method: PaymentMethod,
}

/// An order with every field checked and its figures computed. Ids are only known to be
/// ids: whether the customer, the trim or the vehicle exist (and may be sold from this
/// store) is the service's to check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedOrder {
    pub customer_id: i64,
    pub store_id: Option<i64>,
    pub model_id: Option<i64>,
    pub trim_id: Option<i64>,
    pub color_id: Option<i64>,
    pub vehicle_id: Option<i64>,
    pub list_price: Money,
    /// As given: an amount, or a percent of the list price.
    pub discount: Discount,
    pub extras: Vec<Extra>,
    pub deposit: Option<Deposit>,
    pub payment_type: PaymentType,
    pub expected_delivery: Option<NaiveDate>,
    pub notes: String,
    pub totals: Totals,
}

/// The field errors of one check, each field prefixed (`rows.3.` in an import).
struct Errors<'a> {
    prefix: &'a str,
    lang: Lang,
    list: Vec<FieldError>,
}

impl Errors<'_> {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.list.push(FieldError {
            field: format!("{}{field}", self.prefix),
            message: message.into(),
        });
    }

    fn key(&mut self, field: &str, key: &'static str) {
        let message = self.lang.t(key);
        self.add(field, message);
    }

    fn too_long(&mut self, field: &str, max: usize) {
        let message = self.lang.tf("error.too_long", &[("max", &max.to_string())]);
        self.add(field, message);
    }

    /// A positive id; `required_key` names what is missing when it is empty.
    fn id(&mut self, field: &str, text: &str, required_key: Option<&'static str>) -> Option<i64> {
        let t = text.trim();
        if t.is_empty() {
            if let Some(key) = required_key {
                self.key(field, key);
            }
            return None;
        }
        match t.parse::<i64>() {
            Ok(id) if t.len() <= MAX_ID_TEXT && id > 0 => Some(id),
            _ => {
                self.key(field, "error.not_an_id");
                None
            }
        }
    }

    /// An amount in yuan, or `None` (with an error) when it is not one. Empty is `Ok(None)`.
    fn money(&mut self, field: &str, text: &str) -> Result<Option<Money>, ()> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.len() > MAX_MONEY_TEXT {
            self.key(field, "money.too_large");
            return Err(());
        }
        match Money::parse_yuan(t) {
            Ok(m) => Ok(Some(m)),
            Err(e) => {
                let message = money_message(&e, self.lang);
                self.add(field, message);
                Err(())
            }
        }
    }

    /// A coded choice; empty gives `None` and, when `required_key` is set, an error.
    fn choice<T>(
        &mut self,
        field: &str,
        text: &str,
        parse: fn(&str) -> Option<T>,
        required_key: Option<&'static str>,
        bad_key: &'static str,
    ) -> Option<T> {
        let t = text.trim();
        if t.is_empty() {
            if let Some(key) = required_key {
                self.key(field, key);
            }
            return None;
        }
        let v = (t.len() <= MAX_CODE_TEXT).then(|| parse(t)).flatten();
        if v.is_none() {
            self.key(field, bad_key);
        }
        v
    }

    /// Trimmed text of at most `max` characters (bounded in bytes before counting).
    fn bounded(&mut self, field: &str, text: &str, max: usize) -> String {
        let t = text.trim();
        if t.len() > max * 4 || t.chars().count() > max {
            self.too_long(field, max);
            return String::new();
        }
        t.to_owned()
    }
}

impl OrderInput {
    /// Every rule an order keeps by itself, all bad fields at once.
    pub fn check(&self, lang: Lang) -> Result<CheckedOrder, AppError> {
        self.check_as(lang, "").map_err(AppError::invalid_fields)
    }

    /// As [`OrderInput::check`], with every field named under `prefix` (`rows.3.` for the
    /// fourth row of an import) and the errors as a list.
    pub fn check_as(&self, lang: Lang, prefix: &str) -> Result<CheckedOrder, Vec<FieldError>> {
        let mut e = Errors {
            prefix,
            lang,
            list: Vec::new(),
        };
        let customer_id = e.id(
            "customer_id",
            &self.customer_id,
            Some("order.customer_required"),
        );
        let store_id = e.id("store_id", &self.store_id, None);
        let model_id = e.id("model_id", &self.model_id, None);
        let by_vehicle = !self.vehicle_id.trim().is_empty();
        let (trim_required, color_required) = if by_vehicle {
            (None, None)
        } else {
            (Some("order.trim_required"), Some("order.color_required"))
        };
        let trim_id = e.id("trim_id", &self.trim_id, trim_required);
        let color_id = e.id("color_id", &self.color_id, color_required);
        let vehicle_id = e.id("vehicle_id", &self.vehicle_id, None);

        let list_price = match e.money("list_price", &self.list_price) {
            Ok(None) => {
                e.key("list_price", "order.list_price_required");
                None
            }
            Ok(Some(m)) if m.fen() == 0 => {
                e.key("list_price", "order.list_price_required");
                None
            }
            Ok(Some(m)) if m.fen() > totals::MAX_LIST_PRICE => {
                e.add("list_price", TotalsError::ListPrice.message(lang));
                None
            }
            Ok(m) => m,
            Err(()) => None,
        };

        let discount = match (
            self.discount.trim().is_empty(),
            self.discount_percent.trim().is_empty(),
        ) {
            (true, true) => Some(Discount::Amount(0)),
            (false, false) => {
                e.key("discount_percent", "order.discount_either");
                None
            }
            (false, true) => match e.money("discount", &self.discount) {
                Ok(m) => Some(Discount::Amount(m.map_or(0, Money::fen))),
                Err(()) => None,
            },
            (true, false) => match parse_percent(&self.discount_percent) {
                Some(bp) => Some(Discount::Percent(bp)),
                None => {
                    e.key("discount_percent", "order.bad_percent");
                    None
                }
            },
        };

        let mut extras = Vec::new();
        let mut extras_ok = true;
        if self.extras.len() > MAX_EXTRAS {
            e.add("extras", TotalsError::TooManyExtras.message(lang));
            extras_ok = false;
        } else {
            for (n, line) in self.extras.iter().enumerate() {
                let kind = e.choice(
                    &format!("extras.{n}.kind"),
                    &line.kind,
                    ExtraKind::parse,
                    Some("order.extra_kind_required"),
                    "order.bad_extra_kind",
                );
                let description = e.bounded(
                    &format!("extras.{n}.description"),
                    &line.description,
                    MAX_DESCRIPTION,
                );
                if kind == Some(ExtraKind::Other) && line.description.trim().is_empty() {
                    e.key(
                        &format!("extras.{n}.description"),
                        "order.extra_description_required",
                    );
                }
                let field = format!("extras.{n}.price");
                let price = match e.money(&field, &line.price) {
                    Ok(m) => {
                        let m = m.unwrap_or(Money::ZERO);
                        if m.fen() > MAX_LINE {
                            e.add(&field, TotalsError::ExtraPrice(n).message(lang));
                            None
                        } else {
                            Some(m)
                        }
                    }
                    Err(()) => None,
                };
                match (kind, price) {
                    (Some(kind), Some(price)) => extras.push(Extra {
                        kind,
                        description,
                        price,
                    }),
                    _ => extras_ok = false,
                }
            }
        }

        let deposit_amount = match e.money("deposit", &self.deposit) {
            Ok(m) => Some(m.filter(|m| m.fen() > 0)),
            Err(()) => None,
        };
        let method = e.choice(
            "deposit_method",
            &self.deposit_method,
            PaymentMethod::parse,
            matches!(deposit_amount, Some(Some(_))).then_some("order.deposit_method_required"),
            "order.bad_payment_method",
        );
        let deposit = match deposit_amount {
            Some(Some(amount)) => method.map(|method| Some(Deposit { amount, method })),
            Some(None) => Some(None),
            None => None,
        };

        let payment_type = e.choice(
            "payment_type",
            &self.payment_type,
            PaymentType::parse,
            Some("order.payment_type_required"),
            "order.bad_payment_type",
        );
        let expected_delivery = match self.expected_delivery.trim() {
            "" => Some(None),
            d => match parse_day(d) {
                Some(day) => Some(Some(day)),
                None => {
                    e.key("expected_delivery", "order.bad_delivery_date");
                    None
                }
            },
        };
        let notes = e.bounded("notes", &self.notes, MAX_NOTES);

        // The figures, once every amount they are made of reads.
        let totals = match (list_price, discount, extras_ok, deposit) {
            (Some(list), Some(discount), true, Some(deposit)) => {
                let prices: Vec<i64> = extras.iter().map(|x| x.price.fen()).collect();
                let paid: Vec<i64> = deposit.iter().map(|d| d.amount.fen()).collect();
                match totals::compute(list.fen(), discount, &prices, &paid) {
                    Ok(t) => Some(t),
                    Err(err) => {
                        let field = match err.field().as_str() {
                            "payments" => "deposit".to_owned(),
                            f => f.to_owned(),
                        };
                        e.add(&field, err.message(lang));
                        None
                    }
                }
            }
            _ => None,
        };

        match (
            customer_id,
            list_price,
            discount,
            deposit,
            payment_type,
            expected_delivery,
            totals,
        ) {
            (
                Some(customer_id),
                Some(list_price),
                Some(discount),
                Some(deposit),
                Some(payment_type),
                Some(expected_delivery),
                Some(totals),
            ) if e.list.is_empty() => Ok(CheckedOrder {
                customer_id,
                store_id,
                model_id,
                trim_id,
                color_id,
                vehicle_id,
                list_price,
                discount,
                extras,
                deposit,
                payment_type,
                expected_delivery,
                notes,
                totals,
            }),
            _ => Err(e.list),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OrderInput {
        OrderInput {
            customer_id: "42".into(),
            trim_id: "7".into(),
            color_id: "3".into(),
            list_price: "¥199,800".into(),
            payment_type: "full".into(),
            ..Default::default()
        }
    }

    fn fields(e: &AppError) -> Vec<&str> {
        e.fields().iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_plain_order_reads_with_its_figures() {
        let mut i = input();
        i.discount_percent = "6.2".into();
        i.extras = vec![
            ExtraInput {
                kind: "accessory".into(),
                description: "全车脚垫".into(),
                price: "1,280".into(),
            },
            ExtraInput {
                kind: "registration".into(),
                description: String::new(),
                price: String::new(),
            },
        ];
        i.deposit = "5000".into();
        i.deposit_method = "wechat".into();
        i.expected_delivery = "2026年12月20日".into();
        i.notes = "  周六交车  ".into();
        let o = i.check(Lang::ZhCn).unwrap();
        assert_eq!(o.customer_id, 42);
        assert_eq!(
            (o.trim_id, o.color_id, o.vehicle_id),
            (Some(7), Some(3), None)
        );
        assert_eq!(o.list_price, Money::from_yuan(199_800));
        assert_eq!(o.discount, Discount::Percent(620));
        assert_eq!(
            o.extras[1].price,
            Money::ZERO,
            "an empty price is a free line"
        );
        assert_eq!(
            o.deposit,
            Some(Deposit {
                amount: Money::from_yuan(5000),
                method: PaymentMethod::Wechat
            })
        );
        assert_eq!(o.expected_delivery, NaiveDate::from_ymd_opt(2026, 12, 20));
        assert_eq!(o.notes, "周六交车");
        // ¥199,800 × 6.2% = ¥12,387.60 off; + ¥1,280 extras; ¥5,000 paid.
        assert_eq!(o.totals.discount, 1_238_760);
        assert_eq!(o.totals.total, 19_980_000 - 1_238_760 + 128_000);
        assert_eq!(o.totals.paid, 500_000);
        assert_eq!(o.totals.balance, o.totals.total - 500_000);
        let by_vehicle = OrderInput {
            trim_id: String::new(),
            color_id: String::new(),
            vehicle_id: "900".into(),
            ..input()
        };
        assert_eq!(by_vehicle.check(Lang::En).unwrap().vehicle_id, Some(900));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = OrderInput {
            customer_id: "abc".into(),
            store_id: "-1".into(),
            model_id: "99999999999999999999999".into(),
            trim_id: String::new(),
            color_id: String::new(),
            vehicle_id: String::new(),
            list_price: "十万".into(),
            discount: "1.005".into(),
            discount_percent: String::new(),
            extras: vec![
                ExtraInput {
                    kind: "tyres".into(),
                    description: "x".repeat(101),
                    price: "-5".into(),
                },
                ExtraInput {
                    kind: "other".into(),
                    description: " ".into(),
                    price: "10".into(),
                },
            ],
            deposit: "abc".into(),
            deposit_method: "cheque".into(),
            payment_type: "barter".into(),
            expected_delivery: "2026-13-01".into(),
            notes: "备".repeat(1001),
        };
        let e = bad.check(Lang::ZhCn).unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "customer_id",
                "store_id",
                "model_id",
                "trim_id",
                "color_id",
                "list_price",
                "discount",
                "extras.0.kind",
                "extras.0.description",
                "extras.0.price",
                "extras.1.description",
                "deposit",
                "deposit_method",
                "payment_type",
                "expected_delivery",
                "notes",
            ]
        );
        for f in e.fields() {
            assert!(!f.message.starts_with("order."), "{f:?}");
        }
        let rows = bad.check_as(Lang::En, "rows.3.").unwrap_err();
        assert_eq!(rows[0].field, "rows.3.customer_id");
    }

    #[test]
    fn the_discount_is_one_or_the_other_and_never_more_than_the_price() {
        // (discount, percent, refused field or None)
        let table = [
            ("", "", None),
            ("12000", "", None),
            ("", "6.25%", None),
            ("12000", "6", Some("discount_percent")),
            ("", "101", Some("discount_percent")),
            ("", "-3", Some("discount_percent")),
            ("", "abc", Some("discount_percent")),
            ("199800.01", "", Some("discount")),
            ("-1", "", Some("discount")),
            ("199800", "", None),
        ];
        for (discount, percent, refused) in table {
            let i = OrderInput {
                discount: discount.into(),
                discount_percent: percent.into(),
                ..input()
            };
            let got = i.check(Lang::En);
            assert_eq!(
                got.as_ref().err().map(|e| e.fields()[0].field.as_str()),
                refused,
                "{discount:?} {percent:?}: {got:?}"
            );
        }
    }

    #[test]
    fn money_and_counts_are_bounded_before_anything_is_summed() {
        type Change = fn(&mut OrderInput);
        // (change, refused field)
        let table: [(Change, &str); 9] = [
            (|i| i.list_price = String::new(), "list_price"),
            (|i| i.list_price = "0".into(), "list_price"),
            (|i| i.list_price = "100000000.01".into(), "list_price"),
            (|i| i.list_price = "9".repeat(41), "list_price"),
            (
                |i| i.extras = vec![ExtraInput::default(); MAX_EXTRAS + 1],
                "extras",
            ),
            (
                |i| {
                    i.extras = vec![ExtraInput {
                        kind: "insurance".into(),
                        description: String::new(),
                        price: "100000000.01".into(),
                    }]
                },
                "extras.0.price",
            ),
            (|i| i.deposit = "100".into(), "deposit_method"),
            (
                |i| {
                    i.deposit = "199800.01".into();
                    i.deposit_method = "transfer".into();
                },
                "deposit",
            ),
            (|i| i.payment_type = String::new(), "payment_type"),
        ];
        for (change, field) in table {
            let mut i = input();
            change(&mut i);
            let e = i.check(Lang::ZhCn).unwrap_err();
            assert_eq!(fields(&e), [field], "{i:?}");
        }
        let mut i = input();
        i.deposit = "0".into();
        i.deposit_method = "cash".into();
        assert_eq!(i.check(Lang::En).unwrap().deposit, None, "no deposit taken");
        i.notes = "备".repeat(MAX_NOTES);
        assert!(i.check(Lang::En).is_ok());
    }

    #[test]
    fn ids_and_amounts_may_come_as_numbers_from_an_integration() {
        let json = r#"{"customer_id": 42, "trim_id": "7", "color_id": 3, "list_price": 199800.5,
            "discount": null, "payment_type": "loan",
            "extras": [{"kind": "warranty", "price": 3000}]}"#;
        let i: OrderInput = serde_json::from_str(json).unwrap();
        assert_eq!(i.customer_id, "42");
        assert_eq!(i.list_price, "199800.5");
        assert_eq!(i.discount, "");
        let o = i.check(Lang::En).unwrap();
        assert_eq!(o.list_price, Money::from_fen(19_980_050));
        assert_eq!(o.payment_type, PaymentType::Loan);
        assert_eq!(o.totals.extras, 300_000);
        let back: OrderInput = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
        assert_eq!(back, i);
    }
}
