//! An order's money: list price, discount, extras, what was paid and what is left. One
//! function, [`compute`], gives the figures the order page shows, the server stores, the
//! importer checks and the approval rules read, so they never disagree by a fen.

use crate::{domain::Money, error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

/// The dearest list price an order takes: ¥100,000,000.
pub const MAX_LIST_PRICE: i64 = 10_000_000_000;
/// The dearest single extra line, and the largest single payment or refund.
pub const MAX_LINE: i64 = MAX_LIST_PRICE;
/// The most extra lines one order carries.
pub const MAX_EXTRAS: usize = 20;
/// The most payments (deposits, balances, refunds) one order carries.
pub const MAX_PAYMENTS: usize = 50;
/// 100%, in basis points.
pub const FULL_BP: i64 = 10_000;

/// A discount as the salesperson gives it: an amount off in fen, or a share of the list
/// price in basis points (620 = 6.20%).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    Amount(i64),
    Percent(i64),
}

impl Default for Discount {
    fn default() -> Self {
        Discount::Amount(0)
    }
}

/// An order's figures, all in fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Totals {
    /// The car's list price (指导价).
    pub list_price: i64,
    /// The amount off the list price.
    pub discount: i64,
    /// The discount as a share of the list price, in basis points (620 = 6.20%).
    pub discount_bp: i64,
    /// What the car itself sells for: list price less discount.
    pub vehicle_price: i64,
    /// The extra lines together (accessories, insurance, registration…).
    pub extras: i64,
    /// What the customer owes in all: vehicle price and extras.
    pub total: i64,
    /// What the customer has paid, refunds taken off.
    pub paid: i64,
    /// What is still to pay.
    pub balance: i64,
}

/// Why figures cannot make an order; each names the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TotalsError {
    /// Negative, or above [`MAX_LIST_PRICE`].
    ListPrice,
    /// A negative discount (amount or percent).
    DiscountNegative(Discount),
    /// More off than the list price (or more than 100%).
    DiscountOverList(Discount),
    /// More than [`MAX_EXTRAS`] lines.
    TooManyExtras,
    /// Line `n` (from 0) is negative or above [`MAX_LINE`].
    ExtraPrice(usize),
    /// More than [`MAX_PAYMENTS`] payments.
    TooManyPayments,
    /// Payment `n` (from 0) is above [`MAX_LINE`] either way.
    Payment(usize),
    /// More refunded than was paid.
    RefundOverPaid,
    /// More paid than the order's total: refund the difference first.
    Overpaid { total: i64, paid: i64 },
}

impl TotalsError {
    /// The field at fault: the discount field the person used (`discount` for an amount,
    /// `discount_percent` for a percent), `extras.N.price` for a line.
    pub fn field(&self) -> String {
        let discount = |d: &Discount| match d {
            Discount::Amount(_) => "discount",
            Discount::Percent(_) => "discount_percent",
        };
        match self {
            TotalsError::ListPrice => "list_price".into(),
            TotalsError::DiscountNegative(d) | TotalsError::DiscountOverList(d) => {
                discount(d).into()
            }
            TotalsError::TooManyExtras => "extras".into(),
            TotalsError::ExtraPrice(n) => format!("extras.{n}.price"),
            TotalsError::TooManyPayments
            | TotalsError::Payment(_)
            | TotalsError::RefundOverPaid
            | TotalsError::Overpaid { .. } => "payments".into(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            TotalsError::ListPrice => lang.tf(
                "order.list_price_range",
                &[("max", &Money::from_fen(MAX_LIST_PRICE).to_string())],
            ),
            TotalsError::DiscountNegative(_) => lang.t("order.discount_negative").into(),
            TotalsError::DiscountOverList(_) => lang.t("order.discount_over_list").into(),
            TotalsError::TooManyExtras => {
                lang.tf("order.too_many_extras", &[("max", &MAX_EXTRAS.to_string())])
            }
            TotalsError::ExtraPrice(_) => lang.tf(
                "order.extra_price_range",
                &[("max", &Money::from_fen(MAX_LINE).to_string())],
            ),
            TotalsError::TooManyPayments => lang.tf(
                "order.too_many_payments",
                &[("max", &MAX_PAYMENTS.to_string())],
            ),
            TotalsError::Payment(_) => lang.tf(
                "order.payment_range",
                &[("max", &Money::from_fen(MAX_LINE).to_string())],
            ),
            TotalsError::RefundOverPaid => lang.t("order.refund_over_paid").into(),
            TotalsError::Overpaid { total, paid } => lang.tf(
                "order.overpaid",
                &[
                    ("paid", &Money::from_fen(*paid).to_string()),
                    ("total", &Money::from_fen(*total).to_string()),
                ],
            ),
        }
    }

    /// As the error a form, the API or an import row shows.
    pub fn to_app_error(&self, lang: Lang) -> AppError {
        AppError::invalid(self.field(), self.message(lang))
    }
}

/// `round(a / b)` with halves rounded up, for `a ≥ 0` and `b > 0`, in 128 bits so that no
/// `i64` product can overflow; the result is clamped into `i64`.
fn div_half_up(a: i128, b: i128) -> i64 {
    let q = (2 * a + b).div_euclid(2 * b);
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// The discount in fen for a share of the list price, rounded half up to the fen.
pub fn percent_to_amount(list_price: i64, bp: i64) -> i64 {
    div_half_up(i128::from(list_price) * i128::from(bp), i128::from(FULL_BP))
}

/// The share of the list price an amount off is, in basis points rounded half up; 0 for a
/// list price of 0 or less.
pub fn amount_to_bp(list_price: i64, amount: i64) -> i64 {
    if list_price <= 0 {
        0
    } else {
        div_half_up(
            i128::from(amount) * i128::from(FULL_BP),
            i128::from(list_price),
        )
    }
}

/// The order's figures from its list price, discount, extra-line prices and payments
/// (a refund is a negative payment). Refused, naming the field, when the discount is
/// negative or more than the list price, an amount is out of bounds, refunds exceed
/// payments, or more is paid than the order costs. Never panics: every amount is bounded
/// before any sum, and every sum is checked.
pub fn compute(
    list_price: i64,
    discount: Discount,
    extras: &[i64],
    payments: &[i64],
) -> Result<Totals, TotalsError> {
    if !(0..=MAX_LIST_PRICE).contains(&list_price) {
        return Err(TotalsError::ListPrice);
    }
    let (discount_fen, discount_bp) = match discount {
        Discount::Amount(a) if a < 0 => return Err(TotalsError::DiscountNegative(discount)),
        Discount::Amount(a) if a > list_price => {
            return Err(TotalsError::DiscountOverList(discount))
        }
        Discount::Amount(a) => (a, amount_to_bp(list_price, a)),
        Discount::Percent(bp) if bp < 0 => return Err(TotalsError::DiscountNegative(discount)),
        Discount::Percent(bp) if bp > FULL_BP => {
            return Err(TotalsError::DiscountOverList(discount))
        }
        Discount::Percent(bp) => (percent_to_amount(list_price, bp), bp),
    };
    if extras.len() > MAX_EXTRAS {
        return Err(TotalsError::TooManyExtras);
    }
    let mut extras_fen: i64 = 0;
    for (n, &price) in extras.iter().enumerate() {
        if !(0..=MAX_LINE).contains(&price) {
            return Err(TotalsError::ExtraPrice(n));
        }
        extras_fen = extras_fen
            .checked_add(price)
            .ok_or(TotalsError::ExtraPrice(n))?;
    }
    if payments.len() > MAX_PAYMENTS {
        return Err(TotalsError::TooManyPayments);
    }
    let mut paid: i64 = 0;
    for (n, &amount) in payments.iter().enumerate() {
        if !(-MAX_LINE..=MAX_LINE).contains(&amount) {
            return Err(TotalsError::Payment(n));
        }
        paid = paid.checked_add(amount).ok_or(TotalsError::Payment(n))?;
    }
    if paid < 0 {
        return Err(TotalsError::RefundOverPaid);
    }
    // Bounded above: list ≤ 10¹⁰, extras ≤ 20 × 10¹⁰, so these cannot overflow; checked
    // all the same, as a wrong total would be worse than a refusal.
    let vehicle_price = list_price
        .checked_sub(discount_fen)
        .ok_or(TotalsError::DiscountOverList(discount))?;
    let total = vehicle_price
        .checked_add(extras_fen)
        .ok_or(TotalsError::TooManyExtras)?;
    if paid > total {
        return Err(TotalsError::Overpaid { total, paid });
    }
    Ok(Totals {
        list_price,
        discount: discount_fen,
        discount_bp,
        vehicle_price,
        extras: extras_fen,
        total,
        paid,
        balance: total - paid,
    })
}

/// Basis points as a person reads a percent: 620 → `6.2`, 500 → `5`, 625 → `6.25`.
pub fn format_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let abs = bp.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// A percent as typed (`6.2`, `6.25%`, ` 5 `) in basis points; at most two decimals, 0 to
/// 100. `None` for anything else.
pub fn parse_percent(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() > 12 {
        return None;
    }
    let t = t.trim_end_matches(['%', '％']).trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if (int.is_empty() && frac.is_empty())
        || int.len() > 3
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let hundredths: i64 = format!("{frac:0<2}").parse().ok()?;
    let bp = whole * 100 + hundredths;
    (bp <= FULL_BP).then_some(bp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CAR: i64 = 30_000_000; // ¥300,000

    #[test]
    fn the_figures_add_up() {
        // (list, discount, extras, payments) → (discount, bp, vehicle, extras, total, paid, balance)
        type Row = (i64, Discount, &'static [i64], &'static [i64], [i64; 7]);
        let table: [Row; 7] = [
            (
                CAR,
                Discount::Amount(0),
                &[],
                &[],
                [0, 0, CAR, 0, CAR, 0, CAR],
            ),
            (
                CAR,
                Discount::Percent(620),
                &[],
                &[],
                [1_860_000, 620, 28_140_000, 0, 28_140_000, 0, 28_140_000],
            ),
            (
                CAR,
                Discount::Amount(1_860_000),
                &[500_000, 0, 120_000],
                &[2_000_000],
                [
                    1_860_000, 620, 28_140_000, 620_000, 28_760_000, 2_000_000, 26_760_000,
                ],
            ),
            (
                CAR,
                Discount::Amount(0),
                &[],
                &[2_000_000, -500_000],
                [0, 0, CAR, 0, CAR, 1_500_000, CAR - 1_500_000],
            ),
            // Half a fen rounds up: 1 bp of ¥150.50 is 1.505 fen.
            (
                15_050,
                Discount::Percent(1),
                &[],
                &[],
                [2, 1, 15_048, 0, 15_048, 0, 15_048],
            ),
            // Half a basis point rounds up: ¥1 off ¥20,000 is 0.5 bp.
            (
                2_000_000,
                Discount::Amount(100),
                &[],
                &[],
                [100, 1, 1_999_900, 0, 1_999_900, 0, 1_999_900],
            ),
            // Everything off, paid in full.
            (
                CAR,
                Discount::Percent(FULL_BP),
                &[100],
                &[100],
                [CAR, FULL_BP, 0, 100, 100, 100, 0],
            ),
        ];
        for (list, discount, extras, payments, want) in table {
            let t = compute(list, discount, extras, payments).unwrap();
            assert_eq!(
                [
                    t.discount,
                    t.discount_bp,
                    t.vehicle_price,
                    t.extras,
                    t.total,
                    t.paid,
                    t.balance
                ],
                want,
                "{list} {discount:?} {extras:?} {payments:?}"
            );
            assert_eq!(t.list_price, list);
        }
    }

    #[test]
    fn bad_figures_are_refused_on_their_field() {
        let many_extras = [0i64; MAX_EXTRAS + 1];
        let many_payments = [1i64; MAX_PAYMENTS + 1];
        // (list, discount, extras, payments, field)
        type Row<'a> = (i64, Discount, &'a [i64], &'a [i64], &'a str);
        let table: [Row; 12] = [
            (-1, Discount::Amount(0), &[], &[], "list_price"),
            (
                MAX_LIST_PRICE + 1,
                Discount::Amount(0),
                &[],
                &[],
                "list_price",
            ),
            (CAR, Discount::Amount(-1), &[], &[], "discount"),
            (CAR, Discount::Amount(CAR + 1), &[], &[], "discount"),
            (CAR, Discount::Percent(-5), &[], &[], "discount_percent"),
            (CAR, Discount::Percent(10_001), &[], &[], "discount_percent"),
            (CAR, Discount::Amount(0), &many_extras, &[], "extras"),
            (CAR, Discount::Amount(0), &[10, -1], &[], "extras.1.price"),
            (CAR, Discount::Amount(0), &[], &many_payments, "payments"),
            (CAR, Discount::Amount(0), &[], &[i64::MIN], "payments"),
            (CAR, Discount::Amount(0), &[], &[100, -200], "payments"),
            (CAR, Discount::Amount(0), &[], &[CAR, 1], "payments"),
        ];
        for (list, discount, extras, payments, field) in table {
            let e = compute(list, discount, extras, payments).unwrap_err();
            assert_eq!(e.field(), field, "{e:?}");
            let app = e.to_app_error(Lang::ZhCn);
            assert_eq!(app.fields()[0].field, field);
            assert!(!app.to_string().starts_with("order."), "{app}");
        }
        let e = compute(CAR, Discount::Amount(0), &[], &[CAR, 1]).unwrap_err();
        assert_eq!(
            e,
            TotalsError::Overpaid {
                total: CAR,
                paid: CAR + 1
            }
        );
        assert!(
            e.message(Lang::En).contains("¥300,000.01"),
            "{}",
            e.message(Lang::En)
        );
    }

    #[test]
    fn percents_read_and_print_as_people_write_them() {
        // (typed, basis points)
        let table = [
            ("6.2", Some(620)),
            ("6.20", Some(620)),
            ("6.25%", Some(625)),
            (" 5 ", Some(500)),
            ("0", Some(0)),
            (".5", Some(50)),
            ("100", Some(10_000)),
            ("100.01", None),
            ("6.255", None),
            ("-1", None),
            ("abc", None),
            ("", None),
            ("%", None),
            ("1e2", None),
            ("99999999999999999999", None),
        ];
        for (typed, bp) in table {
            assert_eq!(parse_percent(typed), bp, "{typed:?}");
        }
        let printed = [
            (620, "6.2"),
            (500, "5"),
            (625, "6.25"),
            (5, "0.05"),
            (0, "0"),
        ];
        for (bp, text) in printed {
            assert_eq!(format_bp(bp), text);
            assert_eq!(parse_percent(text), Some(bp));
        }
    }

    fn discount() -> impl Strategy<Value = Discount> {
        prop_oneof![
            any::<i64>().prop_map(Discount::Amount),
            any::<i64>().prop_map(Discount::Percent),
            (0..=MAX_LIST_PRICE).prop_map(Discount::Amount),
            (0..=FULL_BP).prop_map(Discount::Percent),
        ]
    }

    proptest! {
        #[test]
        fn no_input_panics_and_what_comes_out_adds_up(
            list in prop_oneof![any::<i64>(), 0..=MAX_LIST_PRICE],
            discount in discount(),
            extras in prop::collection::vec(prop_oneof![any::<i64>(), 0..=MAX_LINE], 0..=22),
            payments in prop::collection::vec(prop_oneof![any::<i64>(), -MAX_LINE..=MAX_LINE], 0..=52),
        ) {
            if let Ok(t) = compute(list, discount, &extras, &payments) {
                prop_assert!(t.discount >= 0 && t.discount <= t.list_price);
                prop_assert!(t.discount_bp >= 0 && t.discount_bp <= FULL_BP);
                prop_assert!(t.total >= 0 && t.vehicle_price >= 0);
                prop_assert_eq!(t.total, t.list_price - t.discount + t.extras);
                prop_assert_eq!(t.vehicle_price, t.list_price - t.discount);
                prop_assert_eq!(t.extras, extras.iter().sum::<i64>());
                prop_assert_eq!(t.paid, payments.iter().sum::<i64>());
                prop_assert!(t.paid >= 0 && t.balance >= 0);
                prop_assert_eq!(t.balance, t.total - t.paid);
            }
        }

        #[test]
        fn within_the_bounds_only_overpayment_is_refused(
            list in 0..=MAX_LIST_PRICE,
            discount in prop_oneof![
                (0..=FULL_BP).prop_map(Discount::Percent),
                (0..=MAX_LIST_PRICE).prop_map(Discount::Amount),
            ],
            extras in prop::collection::vec(0..=MAX_LINE, 0..=MAX_EXTRAS),
            payments in prop::collection::vec(-1_000_000i64..=MAX_LINE / 10, 0..=MAX_PAYMENTS),
        ) {
            let paid: i64 = payments.iter().sum();
            let capped = match discount {
                Discount::Amount(a) => Discount::Amount(a.min(list)),
                p => p,
            };
            match compute(list, capped, &extras, &payments) {
                Ok(t) => {
                    prop_assert_eq!(t.total, t.list_price - t.discount + t.extras);
                    prop_assert_eq!(t.balance + t.paid, t.total);
                }
                Err(TotalsError::RefundOverPaid) => prop_assert!(paid < 0),
                Err(TotalsError::Overpaid { total, paid: p }) => {
                    prop_assert_eq!(p, paid);
                    prop_assert!(paid > total);
                }
                Err(e) => prop_assert!(false, "refused {:?}", e),
            }
        }

        #[test]
        fn a_percent_becomes_the_nearest_fen(list in 0..=MAX_LIST_PRICE, bp in 0..=FULL_BP) {
            let t = compute(list, Discount::Percent(bp), &[], &[]).unwrap();
            prop_assert_eq!(t.discount_bp, bp, "the percent typed is the percent shown");
            // Half up: exact·10000 − 5000 < amount·10000 ≤ exact·10000 + 5000.
            let err = i128::from(t.discount) * 10_000 - i128::from(list) * i128::from(bp);
            prop_assert!(-5_000 < err && err <= 5_000, "off by {err}/10000 fen");
            // Read back as a percent: the same within 1 bp once a basis point is worth at
            // least half a fen (list price ¥50 and up).
            if list >= 5_000 {
                prop_assert!((amount_to_bp(list, t.discount) - bp).abs() <= 1);
            }
        }

        #[test]
        fn an_amount_becomes_the_nearest_basis_point(
            (list, amount) in (1..=MAX_LIST_PRICE).prop_flat_map(|l| (Just(l), 0..=l)),
        ) {
            let t = compute(list, Discount::Amount(amount), &[], &[]).unwrap();
            prop_assert_eq!(t.discount, amount, "the amount typed is the amount taken off");
            // Half up: exact − ½ < bp ≤ exact + ½, in units of 1/(2·list) bp.
            let err = 2 * i128::from(t.discount_bp) * i128::from(list)
                - 2 * i128::from(amount) * 10_000;
            prop_assert!(-i128::from(list) < err && err <= i128::from(list));
            // Back to fen from the rounded percent: within half a basis point of the list
            // price, and half a fen.
            let back = percent_to_amount(list, t.discount_bp);
            prop_assert!((back - amount).abs() <= list / 20_000 + 1, "{back} vs {amount}");
        }
    }
}
