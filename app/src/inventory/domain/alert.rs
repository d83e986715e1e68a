//! Stock alerts (库存预警): low and high thresholds per model (optionally one colour)
//! and warehouse, and aged stock at 30 / 60 / 90 days. An alert opens when stock crosses
//! its threshold and closes when it recovers; while it stays open it is not repeated.

use crate::{
    error::{AppError, FieldError},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

/// The days in stock at which a vehicle counts as aged, youngest band first.
pub const AGED_LEVELS: [i64; 3] = [30, 60, 90];

/// The aged band a vehicle in stock for `days` falls in, if any.
pub fn aged_level(days: i64) -> Option<i64> {
    AGED_LEVELS.into_iter().rev().find(|l| days >= *l)
}

/// Which of a threshold's alerts should be open at `qty` vehicles in stock: low opens
/// below `low`, high above `high`.
pub fn threshold_breaches(low: Option<i64>, high: Option<i64>, qty: i64) -> (bool, bool) {
    (low.is_some_and(|l| qty < l), high.is_some_and(|h| qty > h))
}

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Fewer vehicles in stock than the threshold's minimum.
    Low,
    /// More than its maximum.
    High,
    /// One vehicle in stock 30, 60 or 90 days or more.
    Aged,
}

impl AlertKind {
    pub const ALL: [AlertKind; 3] = [AlertKind::Low, AlertKind::High, AlertKind::Aged];

    /// As stored.
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::Low => "low",
            AlertKind::High => "high",
            AlertKind::Aged => "aged",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AlertKind::Low => "alert.kind.low",
            AlertKind::High => "alert.kind.high",
            AlertKind::Aged => "alert.kind.aged",
        }
    }
}

impl TryFrom<String> for AlertKind {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        AlertKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("unknown alert kind {s:?}"))
    }
}

/// A kind filter as typed (`low,high`; empty for all): the kinds, or the one not known.
pub fn parse_kinds(s: Option<&str>) -> Result<Vec<AlertKind>, String> {
    let mut kinds = Vec::new();
    for part in s
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(AlertKind::ALL.len() * 2)
    {
        let kind = AlertKind::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(part))
            .ok_or_else(|| part.chars().take(20).collect::<String>())?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// Open aged-stock alerts of one warehouse, model and band (the band's lower edge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct AgedCount {
    pub warehouse_id: i64,
    pub model_id: i64,
    /// 30, 60 or 90.
    pub level: i64,
    pub count: i64,
}

/// One line of the aged-stock summary: how many of a model in a warehouse have been in
/// stock at least 30, 60 and 90 days (each count includes the older ones, as the vehicle
/// list's "at least N days" filter does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgedLine {
    pub warehouse_id: i64,
    pub model_id: i64,
    /// Vehicles at least [30, 60, 90] days in stock (the bands of [`AGED_LEVELS`]).
    pub at_least: [i64; 3],
}

/// Folds band counts into summary lines, the oldest stock first.
pub fn aged_lines(counts: &[AgedCount]) -> Vec<AgedLine> {
    let mut by_subject = std::collections::BTreeMap::<(i64, i64), [i64; 3]>::new();
    for c in counts {
        let line = by_subject.entry((c.warehouse_id, c.model_id)).or_default();
        for (i, edge) in AGED_LEVELS.into_iter().enumerate() {
            if c.level >= edge {
                line[i] += c.count;
            }
        }
    }
    let mut lines: Vec<AgedLine> = by_subject
        .into_iter()
        .map(|((warehouse_id, model_id), at_least)| AgedLine {
            warehouse_id,
            model_id,
            at_least,
        })
        .collect();
    lines.sort_by(|a, b| {
        let older = |l: &AgedLine| std::cmp::Reverse([l.at_least[2], l.at_least[1], l.at_least[0]]);
        older(a)
            .cmp(&older(b))
            .then((a.warehouse_id, a.model_id).cmp(&(b.warehouse_id, b.model_id)))
    });
    lines
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ThresholdRow {
    pub id: i64,
    pub warehouse_id: i64,
    pub model_id: i64,
    /// `None`: every colour of the model together.
    pub color_id: Option<i64>,
    pub low_qty: Option<i64>,
    pub high_qty: Option<i64>,
    /// Vehicles in stock now, counted the way the threshold counts them.
    pub in_stock: i64,
    pub updated_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct AlertRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: AlertKind,
    pub store_id: i64,
    pub warehouse_id: i64,
    pub model_id: i64,
    pub color_id: Option<i64>,
    pub vehicle_id: Option<i64>,
    pub vin: Option<String>,
    /// The threshold crossed, or the aged band in days.
    pub level: i64,
    /// Vehicles in stock when last checked, or days in stock for aged alerts.
    pub quantity: i64,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

/// A threshold as entered: quantities as typed, checked on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ThresholdInput {
    pub warehouse_id: i64,
    pub model_id: i64,
    #[serde(default)]
    pub color_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 100_000))]
    pub low_qty: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 100_000))]
    pub high_qty: Option<i64>,
}

/// The largest quantity a threshold may name.
pub const MAX_QTY: i64 = 100_000;

impl ThresholdInput {
    /// Every rule a threshold keeps by itself (the catalog and store checks need the
    /// database): at least one bound, none negative or absurd, the minimum not above the
    /// maximum.
    pub fn check(&self, lang: Lang) -> Result<(), AppError> {
        if self.low_qty.is_none() && self.high_qty.is_none() {
            return Err(AppError::invalid("low_qty", lang.t("threshold.need_one")));
        }
        for (field, v) in [("low_qty", self.low_qty), ("high_qty", self.high_qty)] {
            if v.is_some_and(|n| !(0..=MAX_QTY).contains(&n)) {
                return Err(AppError::invalid(field, lang.t("threshold.bad_qty")));
            }
        }
        if let (Some(l), Some(h)) = (self.low_qty, self.high_qty) {
            if l > h {
                return Err(AppError::invalid(
                    "high_qty",
                    lang.t("threshold.low_above_high"),
                ));
            }
        }
        Ok(())
    }
}

/// A quantity as typed into a form: empty is none; anything but a whole number from 0 to
/// [`MAX_QTY`] is a field error.
pub fn parse_qty(field: &str, text: &str, lang: Lang) -> Result<Option<i64>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=MAX_QTY).contains(n))
            .map(Some)
            .ok_or_else(|| FieldError {
                field: field.to_owned(),
                message: lang.t("threshold.bad_qty").to_owned(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_open_below_low_and_above_high() {
        assert_eq!(threshold_breaches(Some(3), Some(10), 2), (true, false));
        assert_eq!(threshold_breaches(Some(3), Some(10), 3), (false, false));
        assert_eq!(threshold_breaches(Some(3), Some(10), 10), (false, false));
        assert_eq!(threshold_breaches(Some(3), Some(10), 11), (false, true));
        assert_eq!(threshold_breaches(None, Some(0), 1), (false, true));
        assert_eq!(threshold_breaches(Some(1), None, 0), (true, false));
        assert_eq!(threshold_breaches(None, None, 0), (false, false));
    }

    #[test]
    fn kind_filters_name_known_kinds_only() {
        use AlertKind::*;
        assert_eq!(parse_kinds(None), Ok(vec![]));
        assert_eq!(parse_kinds(Some(" ")), Ok(vec![]));
        assert_eq!(parse_kinds(Some("low,HIGH, low")), Ok(vec![Low, High]));
        assert_eq!(parse_kinds(Some("aged")), Ok(vec![Aged]));
        assert_eq!(parse_kinds(Some("low,old")), Err("old".to_owned()));
    }

    #[test]
    fn thresholds_check_their_own_rules() {
        let t = |low, high| ThresholdInput {
            warehouse_id: 1,
            model_id: 1,
            color_id: None,
            low_qty: low,
            high_qty: high,
        };
        let field = |r: Result<(), AppError>| r.unwrap_err().fields()[0].field.clone();
        assert!(t(Some(2), Some(3)).check(Lang::En).is_ok());
        assert!(t(Some(0), None).check(Lang::En).is_ok());
        assert_eq!(field(t(None, None).check(Lang::En)), "low_qty");
        assert_eq!(field(t(Some(-1), None).check(Lang::En)), "low_qty");
        assert_eq!(
            field(t(None, Some(MAX_QTY + 1)).check(Lang::En)),
            "high_qty"
        );
        assert_eq!(field(t(Some(4), Some(3)).check(Lang::En)), "high_qty");
        assert_eq!(parse_qty("low_qty", " 3 ", Lang::En), Ok(Some(3)));
        assert_eq!(parse_qty("low_qty", "", Lang::En), Ok(None));
        assert_eq!(
            parse_qty("low_qty", "abc", Lang::En).unwrap_err().field,
            "low_qty"
        );
        assert!(parse_qty("high_qty", "-2", Lang::En).is_err());
    }

    #[test]
    fn the_aged_summary_counts_each_vehicle_in_every_band_it_reached() {
        let c = |warehouse_id, model_id, level, count| AgedCount {
            warehouse_id,
            model_id,
            level,
            count,
        };
        let lines = aged_lines(&[
            c(1, 10, 30, 4),
            c(1, 10, 60, 2),
            c(1, 10, 90, 1),
            c(1, 11, 30, 9),
            c(2, 10, 90, 1),
        ]);
        let at = |w, m| {
            lines
                .iter()
                .find(|l| (l.warehouse_id, l.model_id) == (w, m))
                .unwrap()
                .at_least
        };
        assert_eq!(at(1, 10), [7, 3, 1]);
        assert_eq!(at(1, 11), [9, 0, 0]);
        assert_eq!(at(2, 10), [1, 1, 1]);
        // The oldest stock leads: ≥ 90 days first, then ≥ 60, then ≥ 30.
        let order: Vec<_> = lines.iter().map(|l| (l.warehouse_id, l.model_id)).collect();
        assert_eq!(order, vec![(1, 10), (2, 10), (1, 11)]);
        assert!(aged_lines(&[]).is_empty());
    }

    #[test]
    fn aged_bands_are_30_60_90_days() {
        assert_eq!(aged_level(0), None);
        assert_eq!(aged_level(29), None);
        assert_eq!(aged_level(30), Some(30));
        assert_eq!(aged_level(59), Some(30));
        assert_eq!(aged_level(60), Some(60));
        assert_eq!(aged_level(90), Some(90));
        assert_eq!(aged_level(400), Some(90));
    }
}
