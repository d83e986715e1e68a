//! The outlook (智能预测与补货建议): per model, the weekly sales history, the forecast,
//! how the forecast did on the last weeks it was not shown, and the reorder suggestion
//! with its reasoning.

use super::{
    forecast::{Backtest, Method},
    reorder::Suggestion,
    sales::parse_store,
};
use crate::{error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

/// The weeks a forecast shows ahead.
pub const HORIZON: usize = 12;
/// The weeks held out to state a forecast's error.
pub const BACKTEST_WEEKS: usize = 8;
/// The lead time assumed when none is given, and the longest accepted.
pub const DEFAULT_LEAD_WEEKS: usize = 4;
pub const MAX_LEAD_WEEKS: usize = 26;

/// An outlook as asked: every field text, checked by [`OutlookQuery::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct OutlookQuery {
    /// One store (a group-wide role; others see their own store whatever this says).
    pub store_id: String,
    /// Weeks from ordering a car to its arrival, 1 to 26 (empty: 4).
    pub lead_weeks: String,
}

/// A checked outlook request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutlookRequest {
    pub store_id: Option<i64>,
    pub lead_weeks: usize,
}

impl OutlookQuery {
    pub fn check(&self, lang: Lang) -> Result<OutlookRequest, AppError> {
        let store_id = parse_store(&self.store_id, lang)?;
        let lead_weeks = match self.lead_weeks.trim() {
            "" => DEFAULT_LEAD_WEEKS,
            s => s
                .parse::<usize>()
                .ok()
                .filter(|w| (1..=MAX_LEAD_WEEKS).contains(w))
                .ok_or_else(|| {
                    AppError::invalid("lead_weeks", lang.t("analytics.bad_lead_weeks"))
                })?,
        };
        Ok(OutlookRequest {
            store_id,
            lead_weeks,
        })
    }
}

/// One model's outlook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModelOutlook {
    pub model_id: i64,
    pub model_name: String,
    /// Units sold per complete week, oldest first, up to last week.
    pub history: Vec<i64>,
    pub method: Method,
    /// Units expected per week from this week on, one decimal.
    pub forecast: Vec<f64>,
    /// The forecast's error on the last weeks it was not shown, beside the naive one's
    /// (none: too short a history).
    pub backtest: Option<Backtest>,
    pub in_stock: i64,
    pub in_transit: i64,
    /// Open orders of the model waiting for a vehicle.
    pub backlog: i64,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub suggestion: Suggestion,
    /// The suggestion's reasoning in words.
    pub reason: String,
}

/// The outlook of every model with sales or stock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Outlook {
    pub store_id: Option<i64>,
    pub lead_weeks: usize,
    /// The Monday of the first week forecast (this week).
    pub week_of: String,
    /// Largest suggestion first.
    pub models: Vec<ModelOutlook>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_time_is_one_to_twenty_six_weeks() {
        let check = |lead: &str| {
            OutlookQuery {
                lead_weeks: lead.into(),
                ..Default::default()
            }
            .check(Lang::ZhCn)
        };
        assert_eq!(check("").unwrap().lead_weeks, DEFAULT_LEAD_WEEKS);
        assert_eq!(check("26").unwrap().lead_weeks, 26);
        for bad in ["0", "27", "-1", "four", "99999999999999999999999"] {
            assert_eq!(
                check(bad).unwrap_err().fields()[0].field,
                "lead_weeks",
                "{bad}"
            );
        }
        let bad_store = OutlookQuery {
            store_id: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            bad_store.check(Lang::En).unwrap_err().fields()[0].field,
            "store_id"
        );
    }
}
