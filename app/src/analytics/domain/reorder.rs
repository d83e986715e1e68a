//! Reorder suggestions (补货建议): how many of a model (or colour) to order from the
//! factory, from its forecast demand over the lead time, a safety stock, and what the
//! store already has coming — clamped by the warehouse's stock thresholds — with the
//! reasoning in words.
//!
//! ```text
//! demand   = forecast over the lead time (weeks)
//! safety   = ⌈z · σ · √lead⌉       σ: the forecast's one-step error, z = 1.65 (95 %)
//! position = in stock + in transit − open orders waiting for a vehicle
//! need     = ⌈demand⌉ + safety − position
//! clamped  : at least low − position (back up to the low threshold),
//!            at most high − position (never above the high threshold), never below 0
//! ```

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The service level's z: stock covers demand in 95 % of lead times.
pub const Z: f64 = 1.65;
/// The weeks of past sales an explanation cites.
pub const RECENT_WEEKS: usize = 8;

/// What a suggestion is computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    /// Units sold in the last [`RECENT_WEEKS`] weeks.
    pub recent_sales: i64,
    /// The forecast, week by week from next week.
    pub forecast: Vec<f64>,
    /// The forecast's one-step error (its standard deviation).
    pub sigma: f64,
    /// Weeks from ordering to arrival (at least 1).
    pub lead_weeks: usize,
    /// In stock and free (not held by an order).
    pub in_stock: i64,
    pub in_transit: i64,
    /// Open orders of the spec still waiting for a vehicle.
    pub backlog: i64,
    /// The warehouse thresholds, when set.
    pub low: Option<i64>,
    pub high: Option<i64>,
}

/// Why a suggestion was cut or raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Clamp {
    /// Raised to bring stock back to the low threshold.
    UpToLow,
    /// Cut so stock stays at or under the high threshold.
    DownToHigh,
}

/// A suggestion and how it was reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// Units to order (0: none).
    pub quantity: i64,
    /// Forecast demand over the lead time, rounded up.
    pub demand: i64,
    pub safety: i64,
    /// In stock + in transit − backlog.
    pub position: i64,
    pub clamp: Option<Clamp>,
}

/// The suggestion for one position.
pub fn suggest(p: &Position) -> Suggestion {
    let lead = p.lead_weeks.max(1);
    let demand: f64 = p.forecast.iter().take(lead).sum();
    let demand = demand.max(0.0).ceil() as i64;
    let safety = (Z * p.sigma.max(0.0) * (lead as f64).sqrt()).ceil() as i64;
    let position = p.in_stock + p.in_transit - p.backlog;
    let need = demand + safety - position;
    let mut quantity = need;
    let mut clamp = None;
    if let Some(low) = p.low {
        if low - position > quantity {
            quantity = low - position;
            clamp = Some(Clamp::UpToLow);
        }
    }
    if let Some(high) = p.high {
        if quantity > high - position {
            quantity = high - position;
            clamp = Some(Clamp::DownToHigh);
        }
    }
    Suggestion {
        quantity: quantity.max(0),
        demand,
        safety,
        position,
        clamp,
    }
}

/// The reasoning in words: "近 8 周售出 24 台, 预测 4 周需求 13 台 + 安全库存 3 台; 在库 3,
/// 在途 4, 待配车 1 → 建议补货 10 台".
pub fn explain(p: &Position, s: &Suggestion, lang: Lang) -> String {
    let n = |v: i64| v.to_string();
    let mut text = lang.tf(
        "reorder.reason",
        &[
            ("weeks", &RECENT_WEEKS.to_string()),
            ("sold", &n(p.recent_sales)),
            ("lead", &p.lead_weeks.max(1).to_string()),
            ("demand", &n(s.demand)),
            ("safety", &n(s.safety)),
            ("in_stock", &n(p.in_stock)),
            ("in_transit", &n(p.in_transit)),
            ("backlog", &n(p.backlog)),
        ],
    );
    text.push_str(" → ");
    text.push_str(&if s.quantity > 0 {
        lang.tf("reorder.order", &[("n", &n(s.quantity))])
    } else {
        lang.t("reorder.none").to_owned()
    });
    match s.clamp {
        Some(Clamp::UpToLow) => {
            text.push(' ');
            text.push_str(&lang.tf("reorder.up_to_low", &[("low", &n(p.low.unwrap_or(0)))]));
        }
        Some(Clamp::DownToHigh) => {
            text.push(' ');
            text.push_str(&lang.tf("reorder.down_to_high", &[("high", &n(p.high.unwrap_or(0)))]));
        }
        None => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position() -> Position {
        Position {
            recent_sales: 24,
            forecast: vec![3.0; 12],
            sigma: 0.0,
            lead_weeks: 4,
            in_stock: 3,
            in_transit: 4,
            backlog: 0,
            low: None,
            high: None,
        }
    }

    #[test]
    fn demand_over_the_lead_time_less_what_is_coming_is_ordered() {
        // 4 weeks × 3 = 12 needed, 7 on hand or coming → 5.
        let p = position();
        let s = suggest(&p);
        assert_eq!((s.demand, s.safety, s.position, s.quantity), (12, 0, 7, 5));
        assert_eq!(s.clamp, None);
        assert_eq!(
            explain(&p, &s, Lang::ZhCn),
            "近 8 周售出 24 台, 预测 4 周需求 12 台 + 安全库存 0 台; 在库 3, 在途 4, 待配车订单 0 → 建议补货 5 台"
        );
        assert_eq!(
            explain(&p, &s, Lang::En),
            "24 sold in the last 8 weeks; forecast 12 over 4 weeks + 0 safety stock; 3 in stock, 4 in transit, 0 awaiting allocation → order 5"
        );
    }

    #[test]
    fn safety_stock_grows_with_the_error_and_the_square_root_of_the_lead_time() {
        // ⌈1.65 × 2 × √4⌉ = ⌈6.6⌉ = 7.
        let p = Position {
            sigma: 2.0,
            ..position()
        };
        let s = suggest(&p);
        assert_eq!((s.safety, s.quantity), (7, 12));
        // A part of a unit of demand is a unit: 4 × 2.1 = 8.4 → 9.
        let p = Position {
            forecast: vec![2.1; 4],
            ..position()
        };
        assert_eq!(suggest(&p).demand, 9);
    }

    #[test]
    fn orders_waiting_for_a_vehicle_add_to_the_need() {
        let p = Position {
            backlog: 2,
            ..position()
        };
        let s = suggest(&p);
        assert_eq!((s.position, s.quantity), (5, 7));
    }

    #[test]
    fn enough_on_hand_suggests_nothing_never_a_negative_order() {
        let p = Position {
            in_stock: 30,
            ..position()
        };
        let s = suggest(&p);
        assert_eq!(s.quantity, 0);
        assert!(explain(&p, &s, Lang::ZhCn).ends_with("→ 暂不补货"));
    }

    #[test]
    fn the_low_threshold_raises_a_suggestion_and_says_so() {
        // Demand asks 5; the low threshold of 15 asks 15 − 7 = 8.
        let p = Position {
            low: Some(15),
            ..position()
        };
        let s = suggest(&p);
        assert_eq!((s.quantity, s.clamp), (8, Some(Clamp::UpToLow)));
        assert!(explain(&p, &s, Lang::ZhCn).ends_with("建议补货 8 台 (补足下限 15 台)"));
        // A low threshold already met changes nothing.
        let p = Position {
            low: Some(5),
            ..position()
        };
        assert_eq!(suggest(&p).clamp, None);
    }

    #[test]
    fn the_high_threshold_cuts_a_suggestion_even_to_nothing() {
        let p = Position {
            high: Some(10),
            ..position()
        };
        let s = suggest(&p);
        assert_eq!((s.quantity, s.clamp), (3, Some(Clamp::DownToHigh)));
        assert!(explain(&p, &s, Lang::En).ends_with("order 3 (capped at the high threshold of 10)"));
        let p = Position {
            high: Some(6),
            ..position()
        };
        assert_eq!(suggest(&p).quantity, 0);
    }

    #[test]
    fn a_lead_time_of_zero_counts_as_one_week() {
        let p = Position {
            lead_weeks: 0,
            ..position()
        };
        let s = suggest(&p);
        assert_eq!((s.demand, s.quantity), (3, 0));
    }
}
