//! What most reports ask: a range of China-time days and a store.

use super::sales::{check_range, parse_store, Range};
use crate::{error::AppError, i18n::Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A report's period as asked: every field text, checked by [`PeriodQuery::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD` (China time). Empty: the first of `to`'s month.
    pub from: String,
    /// Last day, included. Empty: today.
    pub to: String,
    /// One store (a group-wide role; others see their own store whatever this says).
    pub store_id: String,
}

/// A checked period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodRequest {
    pub range: Range,
    pub store_id: Option<i64>,
}

impl PeriodQuery {
    pub fn check(&self, today: NaiveDate, lang: Lang) -> Result<PeriodRequest, AppError> {
        Ok(PeriodRequest {
            range: check_range(&self.from, &self.to, today, lang)?,
            store_id: parse_store(&self.store_id, lang)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_defaults_to_this_month_and_names_its_bad_fields() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let r = PeriodQuery::default().check(today, Lang::ZhCn).unwrap();
        assert_eq!(r.range.from, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(r.range.to, today);
        let field = |q: PeriodQuery| {
            q.check(today, Lang::ZhCn).unwrap_err().fields()[0]
                .field
                .clone()
        };
        assert_eq!(
            field(PeriodQuery {
                from: "x".into(),
                ..Default::default()
            }),
            "from"
        );
        assert_eq!(
            field(PeriodQuery {
                store_id: "0".into(),
                ..Default::default()
            }),
            "store_id"
        );
    }
}
