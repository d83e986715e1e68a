//! Satisfaction ratings (满意度): after a completed service visit or a completed order the
//! customer gets a link with a random token (no sign-in), answerable once within 30 days:
//! 1–5 stars, how likely they are to recommend us (NPS, 0–10) and a comment.
//!
//! **A low score** is 1 or 2 stars, or an NPS answer of 0–6 (a detractor in the NPS
//! sense): either alone opens a complaint draft for the store manager. One star or an
//! NPS answer of 0–3 makes that draft serious, anything else low normal.

use crate::{
    domain::coded::coded,
    error::{AppError, FieldError},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

coded!(
    /// What was rated: a service visit (its advisor) or an order (its salesperson).
    RatingKind, "rating.kind", {
        Appointment = "appointment",
        Order = "order",
    }
);

/// How long a rating link may be answered: 30 days.
pub const VALID_MS: i64 = 30 * 24 * 3_600_000;
/// The longest comment.
pub const MAX_COMMENT: usize = 1000;

/// The event a rating is asked for: a completed appointment or order, with the store,
/// the person who served the customer (the advisor or the salesperson) and the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSubject {
    pub kind: RatingKind,
    pub id: i64,
    pub store_id: i64,
    pub staff_id: Option<i64>,
    pub customer_id: Option<i64>,
}

impl RatingSubject {
    /// A completed service visit, served by `advisor_id`.
    pub fn appointment(
        appointment_id: i64,
        store_id: i64,
        advisor_id: Option<i64>,
        customer_id: Option<i64>,
    ) -> Self {
        RatingSubject {
            kind: RatingKind::Appointment,
            id: appointment_id,
            store_id,
            staff_id: advisor_id,
            customer_id,
        }
    }

    /// A completed order, sold by `salesperson_id`.
    pub fn order(
        order_id: i64,
        store_id: i64,
        salesperson_id: Option<i64>,
        customer_id: i64,
    ) -> Self {
        RatingSubject {
            kind: RatingKind::Order,
            id: order_id,
            store_id,
            staff_id: salesperson_id,
            customer_id: Some(customer_id),
        }
    }
}

/// Is this answer a low score (see the module's doc)?
pub fn is_low(stars: i64, nps: i64) -> bool {
    stars <= 2 || nps <= 6
}

/// How serious the draft a low score opens is.
pub fn draft_severity(stars: i64, nps: i64) -> super::complaint::Severity {
    if stars <= 1 || nps <= 3 {
        super::complaint::Severity::Serious
    } else {
        super::complaint::Severity::Normal
    }
}

/// The answer as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// 1 to 5.
    pub stars: String,
    /// 0 to 10: how likely the customer is to recommend us.
    pub nps: String,
    #[serde(default)]
    pub comment: String,
    /// Leave empty.
    #[serde(default)]
    pub website: String,
}

/// An answer with its fields read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRating {
    pub stars: i64,
    pub nps: i64,
    pub comment: String,
}

impl RatingInput {
    pub fn check(&self, lang: Lang) -> Result<CheckedRating, AppError> {
        let mut errors = Vec::new();
        let mut number = |field: &str, v: &str, lo: i64, hi: i64| -> Option<i64> {
            let n = (v.len() <= 4)
                .then(|| v.trim().parse::<i64>().ok())
                .flatten()
                .filter(|n| (lo..=hi).contains(n));
            if n.is_none() {
                errors.push(FieldError {
                    field: field.into(),
                    message: lang.tf(
                        "rating.form.range",
                        &[("min", &lo.to_string()), ("max", &hi.to_string())],
                    ),
                });
            }
            n
        };
        let stars = number("stars", &self.stars, 1, 5);
        let nps = number("nps", &self.nps, 0, 10);
        let comment = self.comment.trim();
        if comment.chars().count() > MAX_COMMENT {
            errors.push(FieldError {
                field: "comment".into(),
                message: lang.tf("error.too_long", &[("max", &MAX_COMMENT.to_string())]),
            });
        }
        match (stars, nps, errors.is_empty()) {
            (Some(stars), Some(nps), true) => Ok(CheckedRating {
                stars,
                nps,
                comment: comment.to_owned(),
            }),
            _ => Err(AppError::invalid_fields(errors)),
        }
    }
}

/// What the rating page shows before the answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingInvite {
    pub kind: RatingKind,
    pub store_name: String,
    /// The booking code or the order number.
    pub subject: String,
    pub answered: bool,
    pub expired: bool,
}

/// One answered rating, as the staff page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct RatingRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: RatingKind,
    pub subject_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub stars: i64,
    pub nps: i64,
    pub comment: String,
    pub answered_at: i64,
    /// The complaint draft a low score opened.
    pub complaint_id: Option<i64>,
}

/// The figures of a group of answers: how many, average stars and NPS (the share of
/// promoters, 9–10, less the share of detractors, 0–6, in points from −100 to 100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Score {
    /// A store's, an advisor's or a salesperson's id.
    pub id: i64,
    pub name: String,
    /// `store`, `advisor` (service visits) or `salesperson` (orders).
    pub group: String,
    pub answers: i64,
    /// Average stars, to one decimal (0 without answers).
    pub avg_stars: f64,
    /// −100 to 100 (0 without answers).
    pub nps: i64,
}

impl Score {
    /// The figures from counts: answers, the sum of their stars, promoters and
    /// detractors.
    pub fn from_counts(
        id: i64,
        name: String,
        group: &str,
        answers: i64,
        stars_sum: i64,
        promoters: i64,
        detractors: i64,
    ) -> Score {
        let (avg_stars, nps) = if answers > 0 {
            let avg = (stars_sum as f64 / answers as f64 * 10.0).round() / 10.0;
            let nps = ((promoters - detractors) as f64 * 100.0 / answers as f64).round() as i64;
            (avg, nps)
        } else {
            (0.0, 0)
        };
        Score {
            id,
            name,
            group: group.to_owned(),
            answers,
            avg_stars,
            nps,
        }
    }
}

/// Scores per store, advisor and salesperson, and the recent answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    pub stores: Vec<Score>,
    pub advisors: Vec<Score>,
    pub salespeople: Vec<Score>,
    pub recent: Vec<RatingRow>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aftersales::domain::complaint::Severity;

    #[test]
    fn a_low_score_is_two_stars_or_fewer_or_a_detractor() {
        assert!(is_low(2, 10));
        assert!(is_low(5, 6));
        assert!(is_low(1, 0));
        assert!(!is_low(3, 7));
        assert!(!is_low(5, 10));
        assert_eq!(draft_severity(1, 8), Severity::Serious);
        assert_eq!(draft_severity(3, 3), Severity::Serious);
        assert_eq!(draft_severity(2, 6), Severity::Normal);
    }

    #[test]
    fn an_answer_is_bounded() {
        let ok = RatingInput {
            stars: "4".into(),
            nps: " 9 ".into(),
            comment: "很好".into(),
            website: String::new(),
        };
        assert_eq!(
            ok.check(Lang::En).unwrap(),
            CheckedRating {
                stars: 4,
                nps: 9,
                comment: "很好".into()
            }
        );
        for (stars, nps, bad) in [
            ("0", "5", "stars"),
            ("6", "5", "stars"),
            ("3", "11", "nps"),
            ("3", "-1", "nps"),
            ("x", "5", "stars"),
            ("99999999999999999999", "5", "stars"),
        ] {
            let e = RatingInput {
                stars: stars.into(),
                nps: nps.into(),
                ..ok.clone()
            }
            .check(Lang::En)
            .unwrap_err();
            assert_eq!(e.fields()[0].field, bad, "{stars} {nps}");
        }
        let long = RatingInput {
            comment: "好".repeat(MAX_COMMENT + 1),
            ..ok
        };
        assert_eq!(
            long.check(Lang::En).unwrap_err().fields()[0].field,
            "comment"
        );
    }

    #[test]
    fn scores_average_stars_and_net_promoters() {
        // 4 answers: stars 5, 4, 2, 5; NPS 10, 9, 3, 7 → 2 promoters, 1 detractor.
        let s = Score::from_counts(1, "SH01".into(), "store", 4, 16, 2, 1);
        assert_eq!(s.avg_stars, 4.0);
        assert_eq!(s.nps, 25);
        let s = Score::from_counts(1, "x".into(), "store", 3, 10, 0, 3);
        assert_eq!(s.avg_stars, 3.3);
        assert_eq!(s.nps, -100);
        let none = Score::from_counts(1, "x".into(), "store", 0, 0, 0, 0);
        assert_eq!((none.avg_stars, none.nps), (0.0, 0));
    }
}
