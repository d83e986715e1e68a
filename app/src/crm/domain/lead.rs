//! A lead (线索) and its stages: 新线索 → 已联系 → 试驾 → 洽谈 → 成交 / 战败.

use super::coded::coded;
use crate::{error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

coded!(
    /// Where a lead stands.
    LeadStage, "lead.stage", {
        New = "new",
        Contacted = "contacted",
        TestDrive = "test_drive",
        Negotiating = "negotiating",
        Won = "won",
        Lost = "lost",
    }
);

coded!(
    /// Why a lead was lost (战败原因).
    LostReason, "lead.lost", {
        Price = "price",
        Competitor = "competitor",
        Financing = "financing",
        NoStock = "no_stock",
        Postponed = "postponed",
        Unreachable = "unreachable",
        Other = "other",
    }
);

/// The longest note on a lost lead.
pub const MAX_LOST_NOTE: usize = 500;

impl LeadStage {
    /// The stages a lead may move to from this one. A second test drive during
    /// negotiation is a move back; a lost lead may be taken up again; a won one is done.
    pub fn moves(self) -> &'static [LeadStage] {
        use LeadStage::*;
        match self {
            New => &[Contacted, TestDrive, Lost],
            Contacted => &[TestDrive, Negotiating, Lost],
            TestDrive => &[Negotiating, Lost],
            Negotiating => &[TestDrive, Won, Lost],
            Won => &[],
            Lost => &[Contacted],
        }
    }

    pub fn can_move_to(self, to: LeadStage) -> bool {
        self.moves().contains(&to)
    }

    /// Still being worked on (shown on the board).
    pub fn is_open(self) -> bool {
        !matches!(self, LeadStage::Won | LeadStage::Lost)
    }
}

/// A move as asked for: to a stage, with the reason and note a loss needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageMove {
    /// The stage to move to.
    pub to: String,
    /// Required when `to` is `lost`: `price`, `competitor`, `financing`, `no_stock`,
    /// `postponed`, `unreachable` or `other`.
    #[serde(default)]
    pub lost_reason: String,
    /// Required when `to` is `lost`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 500))]
    pub lost_note: String,
    /// The version last read; refused (409) if the lead moved on since.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A move with every rule checked against the lead's current stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedMove {
    pub to: LeadStage,
    pub lost: Option<(LostReason, String)>,
}

impl StageMove {
    pub fn check(&self, from: LeadStage, lang: Lang) -> Result<CheckedMove, AppError> {
        let to = LeadStage::parse(&self.to)
            .ok_or_else(|| AppError::invalid("to", lang.t("lead.bad_stage")))?;
        if !from.can_move_to(to) {
            return Err(AppError::invalid(
                "to",
                lang.tf(
                    "lead.bad_move",
                    &[
                        ("from", lang.t(from.label_key())),
                        ("to", lang.t(to.label_key())),
                    ],
                ),
            ));
        }
        if to != LeadStage::Lost {
            return Ok(CheckedMove { to, lost: None });
        }
        let reason = LostReason::parse(&self.lost_reason);
        let note = self.lost_note.trim();
        let mut fields = Vec::new();
        if reason.is_none() {
            fields.push(crate::error::FieldError {
                field: "lost_reason".into(),
                message: lang.t("lead.lost_reason_required").into(),
            });
        }
        if note.is_empty() {
            fields.push(crate::error::FieldError {
                field: "lost_note".into(),
                message: lang.t("lead.lost_note_required").into(),
            });
        } else if note.chars().count() > MAX_LOST_NOTE {
            fields.push(crate::error::FieldError {
                field: "lost_note".into(),
                message: lang.tf("error.too_long", &[("max", "500")]),
            });
        }
        match reason {
            Some(reason) if fields.is_empty() => Ok(CheckedMove {
                to,
                lost: Some((reason, note.to_owned())),
            }),
            _ => Err(AppError::invalid_fields(fields)),
        }
    }
}

coded!(
    /// Leads by their customer's next open follow-up.
    NextFollowUp, "lead.next", {
        Unplanned = "unplanned",
        Overdue = "overdue",
        Today = "today",
        Week = "week",
    }
);

/// What the lead list is filtered by: stage, owner, the customer's source, how long since
/// the last contact, and the next follow-up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct LeadFilter {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(inline))]
    pub stage: Option<LeadStage>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Only this salesperson's leads.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Where the customer came from.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(inline))]
    pub source: Option<super::customer::Source>,
    /// Not contacted for at least this many days (never contacted counts too), 1 to 365.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 365))]
    pub quiet_days: Option<i64>,
    /// The customer's next open follow-up: none planned, overdue, today, this week.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(inline))]
    pub next: Option<NextFollowUp>,
}

impl LeadFilter {
    /// The most leads a list shows, and an export holds.
    pub const MAX_LIST: i64 = 500;
    pub const MAX_EXPORT: i64 = 50_000;

    /// Reads a page's or a download's query leniently: an unknown value filters nothing
    /// (the form only offers known ones), out-of-range days are clamped.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let num = |k: &str| get(k).and_then(|v| v.trim().parse::<i64>().ok());
        LeadFilter {
            stage: get("stage").and_then(|v| LeadStage::parse(&v)),
            customer_id: num("customer_id").filter(|v| *v > 0),
            owner_id: num("owner_id").filter(|v| *v > 0),
            source: get("source").and_then(|v| super::customer::Source::parse(&v)),
            quiet_days: num("quiet_days").map(|d| d.clamp(1, 365)),
            next: get("next").and_then(|v| NextFollowUp::parse(&v)),
        }
    }

    /// The query string that gives this filter back (for links and the export).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.stage {
            parts.push(format!("stage={}", s.code()));
        }
        if let Some(c) = self.customer_id {
            parts.push(format!("customer_id={c}"));
        }
        if let Some(o) = self.owner_id {
            parts.push(format!("owner_id={o}"));
        }
        if let Some(s) = self.source {
            parts.push(format!("source={}", s.code()));
        }
        if let Some(d) = self.quiet_days {
            parts.push(format!("quiet_days={d}"));
        }
        if let Some(n) = self.next {
            parts.push(format!("next={}", n.code()));
        }
        parts.join("&")
    }

    /// The first bad value, as (field, translation key).
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.quiet_days.is_some_and(|d| !(1..=365).contains(&d)) {
            return Some(("quiet_days", "lead.bad_quiet_days"));
        }
        None
    }
}

/// A lead in the list: the lead, with its customer's source and next open follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct LeadItem {
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    #[serde(flatten)]
    pub lead: LeadRow,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub source: super::customer::Source,
    pub next_due_at: Option<i64>,
}

/// A lead as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct LeadRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub store_id: i64,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub stage: LeadStage,
    pub model_id: Option<i64>,
    pub lost_reason: String,
    pub lost_note: String,
    pub last_contact_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(stage: &str) -> StageMove {
        StageMove {
            to: stage.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_lead_filter_reads_its_query_back_and_bounds_the_days() {
        let f = LeadFilter {
            stage: Some(LeadStage::TestDrive),
            owner_id: Some(7),
            source: Some(super::super::customer::Source::AutoShow),
            quiet_days: Some(14),
            next: Some(NextFollowUp::Unplanned),
            ..Default::default()
        };
        let q = f.query();
        assert_eq!(
            q,
            "stage=test_drive&owner_id=7&source=auto_show&quiet_days=14&next=unplanned"
        );
        let map: std::collections::HashMap<String, String> = q
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(LeadFilter::from_query(|k| map.get(k).cloned()), f);
        let odd = LeadFilter::from_query(|k| match k {
            "stage" => Some("sold".into()),
            "quiet_days" => Some("100000".into()),
            "owner_id" => Some("-3".into()),
            _ => None,
        });
        assert_eq!(
            (odd.stage, odd.quiet_days, odd.owner_id),
            (None, Some(365), None)
        );
        assert_eq!(
            LeadFilter {
                quiet_days: Some(0),
                ..Default::default()
            }
            .problem(),
            Some(("quiet_days", "lead.bad_quiet_days"))
        );
        assert_eq!(f.problem(), None);
    }

    #[test]
    fn the_stages_move_only_along_the_graph() {
        use LeadStage::*;
        assert!(New.can_move_to(Contacted));
        assert!(Contacted.can_move_to(TestDrive));
        assert!(TestDrive.can_move_to(Negotiating));
        assert!(Negotiating.can_move_to(Won));
        assert!(!New.can_move_to(Won), "no sale without talking");
        assert!(!Won.can_move_to(Lost), "a sale is final");
        assert!(!New.can_move_to(New));
        for s in LeadStage::ALL {
            assert!(
                !s.can_move_to(LeadStage::New),
                "{s:?}: nothing goes back to new"
            );
        }
        let e = to("won").check(New, Lang::En).unwrap_err();
        assert_eq!(e.fields()[0].field, "to");
        assert!(to("flying").check(New, Lang::En).is_err());
    }

    #[test]
    fn a_loss_needs_a_reason_from_the_list_and_a_note() {
        let e = to("lost")
            .check(LeadStage::Contacted, Lang::En)
            .unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["lost_reason", "lost_note"]);
        let mut m = to("lost");
        m.lost_reason = "bored".into();
        m.lost_note = "选了别家".into();
        assert_eq!(
            m.check(LeadStage::Contacted, Lang::En)
                .unwrap_err()
                .fields()[0]
                .field,
            "lost_reason"
        );
        m.lost_reason = "competitor".into();
        let ok = m.check(LeadStage::Contacted, Lang::En).unwrap();
        assert_eq!(ok.lost, Some((LostReason::Competitor, "选了别家".into())));
    }
}
