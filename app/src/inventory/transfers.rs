//! Transfers between warehouses (库存调拨): request → approve → in transit → received,
//! or rejected / cancelled. The vehicles' status and location follow each step; a vehicle
//! is in one open transfer at most; across stores only group roles request and approve.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    #[cfg_attr(feature = "ssr", schema(example = "requested"))]
    pub status: String,
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

impl TransferRow {
    pub fn status(&self) -> Option<TransferStatus> {
        TransferStatus::parse(&self.status)
    }
}

/// A transfer request: VINs one per line (or separated by spaces or commas).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransferInput {
    pub from_warehouse_id: i64,
    pub to_warehouse_id: i64,
    pub vins: Vec<String>,
    pub reason: String,
}

/// Splits what was typed or scanned into VINs.
pub fn split_vins(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == ';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

#[server(prefix = "/sfn", endpoint = "inventory/transfers")]
pub async fn list_transfers(open_only: bool) -> Result<Vec<TransferRow>, AppError> {
    let (st, p, _) = crate::server::require(crate::auth::Action::ViewStock)?;
    Ok(ssr::list(&st.db, p.store_scope(), open_only, None).await?)
}

#[server(prefix = "/sfn", endpoint = "inventory/request_transfer")]
pub async fn request_transfer(
    from_warehouse_id: i64,
    to_warehouse_id: i64,
    vins: String,
    reason: String,
) -> Result<i64, AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::RequestTransfer)?;
    let input = TransferInput {
        from_warehouse_id,
        to_warehouse_id,
        vins: split_vins(&vins),
        reason,
    };
    ssr::request(
        &st,
        &p,
        lang,
        input,
        &crate::server::request_info().request_id,
    )
    .await
}

#[server(prefix = "/sfn", endpoint = "inventory/transfer_step")]
pub async fn advance_transfer(id: i64, step: String, version: i64) -> Result<(), AppError> {
    let lang = crate::server::lang();
    let step = TransferStep::parse(&step)
        .ok_or_else(|| AppError::invalid("step", lang.t("transfer.bad_step")))?;
    let (st, p, lang) = crate::server::require(step.action())?;
    ssr::step(
        &st,
        &p,
        lang,
        id,
        step,
        Some(version),
        &crate::server::request_info().request_id,
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::Principal,
        db::{now_ms, sql, Db},
        i18n::Lang,
        inventory::{
            alerts::ssr::{reconcile_thresholds, sweep_aged, today, warehouse_store},
            events::StockChange,
            vehicles::ssr::{ids_by_vin, vin_message},
            Vin,
        },
        server::AppState,
    };

    pub async fn list(
        db: &Db,
        scope: Option<i64>,
        open_only: bool,
        id: Option<i64>,
    ) -> Result<Vec<TransferRow>, sqlx::Error> {
        let mut rows: Vec<TransferRow> = sql(
            "SELECT id, from_warehouse_id, to_warehouse_id, from_store_id, to_store_id, status, reason, note,
                    requested_by, approved_by, created_at, updated_at, version
             FROM transfers
             WHERE (CAST($1 AS BIGINT) IS NULL OR from_store_id = $1 OR to_store_id = $1)
               AND (NOT $2 OR status IN ('requested', 'approved', 'in_transit'))
               AND (CAST($3 AS BIGINT) IS NULL OR id = $3)
             ORDER BY updated_at DESC, id DESC LIMIT 200",
        )
        .bind(scope)
        .bind(open_only)
        .bind(id)
        .fetch_all(db)
        .await?;
        for r in &mut rows {
            r.vins = sql(
                "SELECT v.vin FROM transfer_items ti JOIN vehicles v ON v.id = ti.vehicle_id
                          WHERE ti.transfer_id = $1 ORDER BY v.vin",
            )
            .bind(r.id)
            .fetch_all::<(String,)>(db)
            .await?
            .into_iter()
            .map(|(v,)| v)
            .collect();
        }
        Ok(rows)
    }

    fn cross_store_check(p: &Principal, from: i64, to: i64, lang: Lang) -> Result<(), AppError> {
        if from != to && !p.role.is_group_wide() {
            return Err(AppError::Forbidden(lang.t("transfer.cross_store").into()));
        }
        Ok(())
    }

    pub async fn request(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        input: TransferInput,
        request_id: &str,
    ) -> Result<i64, AppError> {
        let reason = input.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                lang.t("transfer.reason_required"),
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "reason",
                lang.t("transfer.reason_too_long"),
            ));
        }
        if input.from_warehouse_id == input.to_warehouse_id {
            return Err(AppError::invalid(
                "to_warehouse_id",
                lang.t("transfer.same_warehouse"),
            ));
        }
        let mut vins = Vec::new();
        for raw in &input.vins {
            let vin = Vin::parse(raw).map_err(|e| {
                AppError::invalid("vins", format!("{raw}: {}", vin_message(&e, lang)))
            })?;
            if !vins.contains(&vin.as_str().to_owned()) {
                vins.push(vin.as_str().to_owned());
            }
        }
        if vins.is_empty() {
            return Err(AppError::invalid("vins", lang.t("transfer.vins_required")));
        }
        if vins.len() > 200 {
            return Err(AppError::invalid("vins", lang.t("transfer.too_many")));
        }
        let mut tx = st.db.begin().await?;
        let from_store =
            warehouse_store(&mut tx, input.from_warehouse_id, "from_warehouse_id", lang).await?;
        let to_store =
            warehouse_store(&mut tx, input.to_warehouse_id, "to_warehouse_id", lang).await?;
        p.require_store(from_store, lang)?;
        cross_store_check(p, from_store, to_store, lang)?;
        let ids = ids_by_vin(&mut tx, &vins).await?;
        let now = now_ms();
        let id: i64 = sql(
            "INSERT INTO transfers (from_warehouse_id, to_warehouse_id, from_store_id, to_store_id, status,
                                    reason, requested_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $7) RETURNING id",
        )
        .bind(input.from_warehouse_id)
        .bind(input.to_warehouse_id)
        .bind(from_store)
        .bind(to_store)
        .bind(&reason)
        .bind(p.audit_label())
        .bind(now)
        .scalar(&mut tx)
        .await?;
        for vin in &vins {
            let Some(&vid) = ids.get(vin) else {
                return Err(AppError::invalid(
                    "vins",
                    lang.tf("transfer.vin_unknown", &[("vin", vin)]),
                ));
            };
            // Claims the vehicle: a concurrent status change or transfer waits here and
            // then finds it changed.
            let claimed = sql("UPDATE vehicles SET version = version + 1, updated_at = $1
                 WHERE id = $2 AND warehouse_id = $3 AND status = 'in_stock'")
            .bind(now)
            .bind(vid)
            .bind(input.from_warehouse_id)
            .execute(&mut tx)
            .await?;
            if claimed == 0 {
                return Err(AppError::invalid(
                    "vins",
                    lang.tf("transfer.vin_not_available", &[("vin", vin)]),
                ));
            }
            let open: i64 =
                sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
                    .bind(vid)
                    .scalar(&mut tx)
                    .await?;
            if open > 0 {
                return Err(AppError::Conflict(
                    lang.tf("transfer.vin_in_other", &[("vin", vin)]),
                ));
            }
            sql("INSERT INTO transfer_items (transfer_id, vehicle_id, is_open) VALUES ($1, $2, TRUE)")
                .bind(id)
                .bind(vid)
                .execute(&mut tx)
                .await
                .map_err(|e| {
                    if crate::db::is_unique_violation(&e) {
                        AppError::Conflict(lang.tf("transfer.vin_in_other", &[("vin", vin)]))
                    } else {
                        e.into()
                    }
                })?;
        }
        audit::record(
            &mut tx,
            Actor::Principal(p),
            AuditEntry::new("transfer.request", "transfer", id)
                .store(Some(from_store))
                .after(&serde_json::json!({
                    "from_warehouse_id": input.from_warehouse_id,
                    "to_warehouse_id": input.to_warehouse_id,
                    "vins": vins,
                    "reason": reason,
                    "status": "requested",
                })),
            Some(request_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn step(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        id: i64,
        step: TransferStep,
        expected_version: Option<i64>,
        request_id: &str,
    ) -> Result<(), AppError> {
        p.require(step.action(), lang)?;
        let mut tx = st.db.begin().await?;
        let Some((status, version, from_wh, to_wh, from_store, to_store)) = sql(
            "SELECT status, version, from_warehouse_id, to_warehouse_id, from_store_id, to_store_id
             FROM transfers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional::<(String, i64, i64, i64, i64, i64)>(&mut tx)
        .await?
        else {
            return Err(AppError::NotFound(lang.t("transfer.not_found").into()));
        };
        // Receiving happens at the destination; everything else at the source.
        let acting_store = if step == TransferStep::Receive {
            to_store
        } else {
            from_store
        };
        p.require_store(acting_store, lang)?;
        if matches!(step, TransferStep::Approve | TransferStep::Reject) {
            cross_store_check(p, from_store, to_store, lang)?;
        }
        if expected_version.is_some_and(|v| v != version) {
            return Err(AppError::Conflict(
                lang.t("transfer.changed_meanwhile").into(),
            ));
        }
        let from = TransferStatus::parse(&status)
            .ok_or_else(|| AppError::internal("bad transfer status"))?;
        let Some(to) = from.after(step) else {
            return Err(AppError::invalid(
                "step",
                lang.tf(
                    "transfer.bad_move",
                    &[
                        ("status", lang.t(from.label_key())),
                        ("step", lang.t(step.label_key())),
                    ],
                ),
            ));
        };
        let now = now_ms();
        let changed = sql(
            "UPDATE transfers SET status = $1, version = version + 1, updated_at = $2,
                    approved_by = CASE WHEN $3 THEN $4 ELSE approved_by END
             WHERE id = $5 AND status = $6 AND version = $7",
        )
        .bind(to.code())
        .bind(now)
        .bind(step == TransferStep::Approve)
        .bind(p.audit_label())
        .bind(id)
        .bind(from.code())
        .bind(version)
        .execute(&mut tx)
        .await?;
        if changed == 0 {
            return Err(AppError::Conflict(
                lang.t("transfer.changed_meanwhile").into(),
            ));
        }
        let vehicles: Vec<(i64, i64)> = sql(
            "SELECT v.id, v.model_id FROM transfer_items ti JOIN vehicles v ON v.id = ti.vehicle_id
             WHERE ti.transfer_id = $1",
        )
        .bind(id)
        .fetch_all(&mut tx)
        .await?;
        let mut change = StockChange::default();
        let mut pairs = Vec::new();
        match step {
            TransferStep::Ship => {
                for (vid, model) in &vehicles {
                    let moved = sql(
                        "UPDATE vehicles SET status = 'in_transit', updated_at = $1, version = version + 1
                         WHERE id = $2 AND status = 'in_stock' AND warehouse_id = $3",
                    )
                    .bind(now)
                    .bind(*vid)
                    .bind(from_wh)
                    .execute(&mut tx)
                    .await?;
                    if moved == 0 {
                        return Err(AppError::Conflict(lang.t("transfer.vehicle_moved").into()));
                    }
                    pairs.push((from_wh, *model));
                }
                change.add(from_store, from_wh);
            }
            TransferStep::Receive => {
                for (vid, model) in &vehicles {
                    sql("UPDATE vehicles SET status = 'in_stock', warehouse_id = $1, updated_at = $2,
                                version = version + 1
                         WHERE id = $3 AND status = 'in_transit'")
                    .bind(to_wh)
                    .bind(now)
                    .bind(*vid)
                    .execute(&mut tx)
                    .await?;
                    pairs.push((to_wh, *model));
                }
                change.add(from_store, from_wh);
                change.add(to_store, to_wh);
            }
            _ => {}
        }
        if !to.is_open() {
            sql("UPDATE transfer_items SET is_open = FALSE WHERE transfer_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        if matches!(step, TransferStep::Ship | TransferStep::Receive) {
            let today = today();
            for (vid, _) in &vehicles {
                sweep_aged(&mut tx, today, Some(*vid)).await?;
            }
            reconcile_thresholds(&mut tx, &pairs).await?;
        }
        // The stock pages also list open transfers: tell them about every step.
        change.add(from_store, from_wh);
        audit::record(
            &mut tx,
            Actor::Principal(p),
            AuditEntry::new(
                match step {
                    TransferStep::Approve => "transfer.approve",
                    TransferStep::Reject => "transfer.reject",
                    TransferStep::Ship => "transfer.ship",
                    TransferStep::Receive => "transfer.receive",
                    TransferStep::Cancel => "transfer.cancel",
                },
                "transfer",
                id,
            )
            .store(Some(acting_store))
            .before(&serde_json::json!({ "status": from.code() }))
            .after(&serde_json::json!({ "status": to.code() })),
            Some(request_id),
        )
        .await?;
        st.events.stage(&mut tx, &change).await?;
        tx.commit().await?;
        st.events.committed(change);
        Ok(())
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
    fn vins_split_on_lines_spaces_and_commas() {
        assert_eq!(
            split_vins(" lgx1 \n LGX2,LGX3，lgx4;\n\n"),
            vec!["LGX1", "LGX2", "LGX3", "LGX4"]
        );
    }
}
