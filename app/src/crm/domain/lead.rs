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
