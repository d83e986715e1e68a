//! Transfers between warehouses (库存调拨): request → approve → in transit → received,
//! or rejected / cancelled. The vehicles' status and location follow each step; a vehicle
//! is in one open transfer at most; across stores only group roles request and approve.

use super::{intake::vin_message, Vin};
use crate::{error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    Requested,
    Approved,
    InTransit,
    Received,
    Rejected,
    Cancelled,
}

/// A step a person takes on a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferStep {
    Approve,
    Reject,
    Ship,
    Receive,
    Cancel,
}

impl TransferStatus {
    pub const ALL: [TransferStatus; 6] = [
        TransferStatus::Requested,
        TransferStatus::Approved,
        TransferStatus::InTransit,
        TransferStatus::Received,
        TransferStatus::Rejected,
        TransferStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferStatus::Requested => "requested",
            TransferStatus::Approved => "approved",
            TransferStatus::InTransit => "in_transit",
            TransferStatus::Received => "received",
            TransferStatus::Rejected => "rejected",
            TransferStatus::Cancelled => "cancelled",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TransferStatus::Requested => "transfer.status.requested",
            TransferStatus::Approved => "transfer.status.approved",
            TransferStatus::InTransit => "transfer.status.in_transit",
            TransferStatus::Received => "transfer.status.received",
            TransferStatus::Rejected => "transfer.status.rejected",
            TransferStatus::Cancelled => "transfer.status.cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    /// Still holding its vehicles.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TransferStatus::Requested | TransferStatus::Approved | TransferStatus::InTransit
        )
    }

    /// Where `step` takes a transfer in this status, if it may be taken.
    pub fn after(self, step: TransferStep) -> Option<TransferStatus> {
        use TransferStatus::*;
        use TransferStep::*;
        match (self, step) {
            (Requested, Approve) => Some(Approved),
            (Requested, Reject) => Some(Rejected),
            (Approved, Ship) => Some(InTransit),
            (InTransit, Receive) => Some(Received),
            (Requested | Approved, Cancel) => Some(Cancelled),
            _ => None,
        }
    }

    /// The steps open from here, in the order the buttons show.
    pub fn steps(self) -> Vec<TransferStep> {
        TransferStep::ALL
            .into_iter()
            .filter(|s| self.after(*s).is_some())
            .collect()
    }
}

impl TransferStep {
    pub const ALL: [TransferStep; 5] = [
        TransferStep::Approve,
        TransferStep::Ship,
        TransferStep::Receive,
        TransferStep::Reject,
        TransferStep::Cancel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TransferStep::Approve => "approve",
            TransferStep::Reject => "reject",
            TransferStep::Ship => "ship",
            TransferStep::Receive => "receive",
            TransferStep::Cancel => "cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TransferStep::Approve => "transfer.step.approve",
            TransferStep::Reject => "transfer.step.reject",
            TransferStep::Ship => "transfer.step.ship",
            TransferStep::Receive => "transfer.step.receive",
            TransferStep::Cancel => "transfer.step.cancel",
        }
    }

    /// The permission the step needs.
    pub fn action(self) -> crate::auth::Action {
        use crate::auth::Action;
        match self {
            TransferStep::Approve | TransferStep::Reject => Action::ApproveTransfer,
            TransferStep::Ship | TransferStep::Receive => Action::MoveTransfer,
            TransferStep::Cancel => Action::RequestTransfer,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct TransferRow {
    pub id: i64,
    pub from_warehouse_id: i64,
    pub to_warehouse_id: i64,
    pub from_store_id: i64,
    pub to_store_id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: TransferStatus,
    pub reason: String,
    pub note: String,
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub vins: Vec<String>,
}

impl TryFrom<String> for TransferStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        TransferStatus::parse(&s).ok_or_else(|| format!("unknown transfer status {s:?}"))
    }
}

/// A transfer request: VINs one per line (or separated by spaces or commas).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransferInput {
    pub from_warehouse_id: i64,
    pub to_warehouse_id: i64,
    #[cfg_attr(feature = "ssr", schema(min_items = 1, max_items = 200))]
    pub vins: Vec<String>,
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// The most vehicles one transfer may move, and the longest reason.
pub const MAX_VINS: usize = 200;
pub const MAX_REASON: usize = 500;

/// Splits what was typed or scanned into VINs (at most one more than [`MAX_VINS`], so
/// an oversized paste is refused without reading all of it).
pub fn split_vins(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == ';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_VINS + 1)
        .map(|s| s.chars().take(40).collect::<String>().to_ascii_uppercase())
        .collect()
}

/// A transfer request with every field checked: distinct valid VINs, a reason, two
/// different warehouses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRequest {
    pub from_warehouse_id: i64,
    pub to_warehouse_id: i64,
    pub vins: Vec<Vin>,
    pub reason: String,
}

impl TransferInput {
    /// Checks what can be checked without the database. Counts are checked before any
    /// VIN is read; duplicates are dropped with a set, so a huge list costs no more than
    /// its cap.
    pub fn check(&self, lang: Lang) -> Result<TransferRequest, AppError> {
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                lang.t("transfer.reason_required"),
            ));
        }
        if reason.chars().count() > MAX_REASON {
            return Err(AppError::invalid(
                "reason",
                lang.t("transfer.reason_too_long"),
            ));
        }
        if self.from_warehouse_id == self.to_warehouse_id {
            return Err(AppError::invalid(
                "to_warehouse_id",
                lang.t("transfer.same_warehouse"),
            ));
        }
        if self.vins.len() > MAX_VINS * 2 {
            return Err(AppError::invalid("vins", lang.t("transfer.too_many")));
        }
        let mut seen = std::collections::HashSet::new();
        let mut vins = Vec::new();
        for raw in &self.vins {
            let vin = Vin::parse(raw).map_err(|e| {
                let shown: String = raw.chars().take(20).collect();
                AppError::invalid("vins", format!("{shown}: {}", vin_message(&e, lang)))
            })?;
            if seen.insert(vin.as_str().to_owned()) {
                vins.push(vin);
            }
        }
        if vins.is_empty() {
            return Err(AppError::invalid("vins", lang.t("transfer.vins_required")));
        }
        if vins.len() > MAX_VINS {
            return Err(AppError::invalid("vins", lang.t("transfer.too_many")));
        }
        Ok(TransferRequest {
            from_warehouse_id: self.from_warehouse_id,
            to_warehouse_id: self.to_warehouse_id,
            vins,
            reason: reason.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TransferStatus::*;
    use TransferStep::*;

    #[test]
    fn the_happy_path_and_its_exits() {
        assert_eq!(Requested.after(Approve), Some(Approved));
        assert_eq!(Approved.after(Ship), Some(InTransit));
        assert_eq!(InTransit.after(Receive), Some(Received));
        assert_eq!(Requested.after(Reject), Some(Rejected));
        assert_eq!(Requested.after(Cancel), Some(Cancelled));
        assert_eq!(Approved.after(Cancel), Some(Cancelled));
    }

    #[test]
    fn no_step_skips_or_undoes_a_stage() {
        assert_eq!(Requested.after(Ship), None, "ship before approval");
        assert_eq!(Approved.after(Receive), None, "receive before shipping");
        assert_eq!(InTransit.after(Cancel), None, "cancel a lorry on the road");
        assert_eq!(Approved.after(Approve), None);
        for done in [Received, Rejected, Cancelled] {
            assert!(!done.is_open());
            assert!(done.steps().is_empty(), "{done:?} is final");
        }
        assert_eq!(Requested.steps(), vec![Approve, Reject, Cancel]);
    }

    #[test]
    fn a_request_is_checked_before_the_database_is_asked() {
        let ok = "LGXC1DM30S0000012";
        let input = |vins: Vec<&str>, reason: &str, to: i64| TransferInput {
            from_warehouse_id: 1,
            to_warehouse_id: to,
            vins: vins.into_iter().map(str::to_owned).collect(),
            reason: reason.into(),
        };
        let field = |i: TransferInput| i.check(Lang::En).unwrap_err().fields()[0].field.clone();
        let r = input(vec![ok, ok], " 补展厅 ", 2).check(Lang::En).unwrap();
        assert_eq!(r.vins.len(), 1, "a VIN named twice moves once");
        assert_eq!(r.reason, "补展厅");
        assert_eq!(field(input(vec![ok], "", 2)), "reason");
        assert_eq!(field(input(vec![ok], &"x".repeat(501), 2)), "reason");
        assert_eq!(field(input(vec![ok], "r", 1)), "to_warehouse_id");
        assert_eq!(field(input(vec!["LGXC1DM30S000001Q"], "r", 2)), "vins");
        assert_eq!(field(input(vec![], "r", 2)), "vins");
        let many: Vec<String> = (0..90_000).map(|i| format!("V{i}")).collect();
        let huge = TransferInput {
            vins: many,
            ..input(vec![], "r", 2)
        };
        assert_eq!(field(huge), "vins", "a flood is refused by its count");
        assert_eq!(split_vins(&"A ".repeat(10_000)).len(), MAX_VINS + 1);
    }

    #[test]
    fn vins_split_on_lines_spaces_and_commas() {
        assert_eq!(
            split_vins(" lgx1 \n LGX2,LGX3，lgx4;\n\n"),
            vec!["LGX1", "LGX2", "LGX3", "LGX4"]
        );
    }
}
