//! Stock alerts (库存预警): low and high thresholds per model (optionally one colour)
//! and warehouse, and aged stock at 30 / 60 / 90 days. An alert opens when stock crosses
//! its threshold and closes when it recovers; while it stays open it is not repeated.

use crate::error::AppError;
use leptos::prelude::*;
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

/// The kinds of alert, as stored.
pub const ALERT_KINDS: [&str; 3] = ["low", "high", "aged"];

/// A kind filter as typed (`low,high`; empty for all): the kinds, or the one not known.
pub fn parse_kinds(s: Option<&str>) -> Result<Vec<&'static str>, String> {
    let mut kinds = Vec::new();
    for part in s
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let kind = ALERT_KINDS
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(part))
            .ok_or_else(|| part.to_owned())?;
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
    /// `low`, `high` or `aged`.
    pub kind: String,
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
    pub low_qty: Option<i64>,
    #[serde(default)]
    pub high_qty: Option<i64>,
}

/// `kind`: `low`, `high`, `aged` or several joined by commas; none for all.
#[server(prefix = "/sfn", endpoint = "inventory/alerts")]
pub async fn list_alerts(open_only: bool, kind: Option<String>) -> Result<Vec<AlertRow>, AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ViewStock)?;
    ssr::list(&st.db, p.store_scope(), open_only, kind.as_deref(), lang).await
}

/// Open aged-stock alerts counted by warehouse, model and band.
#[server(prefix = "/sfn", endpoint = "inventory/aged_summary")]
pub async fn aged_summary() -> Result<Vec<AgedCount>, AppError> {
    let (st, p, _) = crate::server::require(crate::auth::Action::ViewStock)?;
    Ok(ssr::aged_counts(&st.db, p.store_scope()).await?)
}

/// Open alerts the caller can see: the badge in the shell.
#[server(prefix = "/sfn", endpoint = "inventory/alert_count")]
pub async fn alert_count() -> Result<i64, AppError> {
    let (st, p, _) = crate::server::require(crate::auth::Action::ViewStock)?;
    Ok(crate::db::sql(
        "SELECT COUNT(*) FROM stock_alerts
         WHERE closed_at IS NULL AND (CAST($1 AS BIGINT) IS NULL OR store_id = $1)",
    )
    .bind(p.store_scope())
    .scalar(&st.db)
    .await?)
}

#[server(prefix = "/sfn", endpoint = "inventory/thresholds")]
pub async fn list_thresholds() -> Result<Vec<ThresholdRow>, AppError> {
    let (st, p, _) = crate::server::require(crate::auth::Action::ViewStock)?;
    Ok(ssr::thresholds(&st.db, p.store_scope()).await?)
}

/// Sets (creates or replaces) the threshold of a model (and colour) in a warehouse.
/// Quantities arrive as typed so that "abc" gets a field error rather than a decode error.
#[server(prefix = "/sfn", endpoint = "inventory/save_threshold")]
pub async fn save_threshold(
    warehouse_id: i64,
    model_id: i64,
    color_id: Option<String>,
    low_qty: Option<String>,
    high_qty: Option<String>,
) -> Result<i64, AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ManageThresholds)?;
    let qty = |field: &str, v: Option<String>| -> Result<Option<i64>, AppError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(Some)
                .ok_or_else(|| AppError::invalid(field, lang.t("threshold.bad_qty"))),
        }
    };
    let color_id = match color_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("color_id", lang.t("vehicle.unknown_color")))?,
        ),
    };
    let input = ThresholdInput {
        warehouse_id,
        model_id,
        color_id,
        low_qty: qty("low_qty", low_qty)?,
        high_qty: qty("high_qty", high_qty)?,
    };
    ssr::save(
        &st,
        &p,
        lang,
        input,
        &crate::server::request_info().request_id,
    )
    .await
}

#[server(prefix = "/sfn", endpoint = "inventory/delete_threshold")]
pub async fn delete_threshold(id: i64) -> Result<(), AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ManageThresholds)?;
    ssr::delete(&st, &p, lang, id, &crate::server::request_info().request_id).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::Principal,
        db::{now_ms, sql, Db, Tx, Where},
        i18n::Lang,
        server::AppState,
    };

    /// Alerts in the caller's stores, open ones first, at most 500; `kind` as
    /// [`super::parse_kinds`] reads it.
    pub async fn list(
        db: &Db,
        scope: Option<i64>,
        open_only: bool,
        kind: Option<&str>,
        lang: Lang,
    ) -> Result<Vec<AlertRow>, AppError> {
        let kinds = super::parse_kinds(kind).map_err(|bad| {
            AppError::invalid("kind", lang.tf("alert.bad_kind", &[("kind", &bad)]))
        })?;
        let mut w = Where::new();
        if let Some(store) = scope {
            w.and("a.store_id = ?", store);
        }
        if open_only {
            w.and_sql("a.closed_at IS NULL");
        }
        if !kinds.is_empty() {
            // The kinds are the constants above, never the caller's text.
            w.and_sql(&format!("a.kind IN ('{}')", kinds.join("', '")));
        }
        Ok(w.build(
            "SELECT a.id, a.kind, a.store_id, a.warehouse_id, a.model_id, a.color_id, a.vehicle_id,
                    v.vin, a.level, a.quantity, a.opened_at, a.closed_at
             FROM stock_alerts a LEFT JOIN vehicles v ON v.id = a.vehicle_id",
            "ORDER BY a.closed_at IS NOT NULL, CASE a.kind WHEN 'low' THEN 0 WHEN 'high' THEN 1 ELSE 2 END,
                      a.level DESC, a.opened_at DESC, a.id DESC
             LIMIT 500",
        )
        .fetch_all(db)
        .await?)
    }

    /// Open aged-stock alerts by warehouse, model and band.
    pub async fn aged_counts(db: &Db, scope: Option<i64>) -> Result<Vec<AgedCount>, sqlx::Error> {
        let mut w = Where::new();
        w.and_sql("kind = 'aged'").and_sql("closed_at IS NULL");
        if let Some(store) = scope {
            w.and("store_id = ?", store);
        }
        w.build(
            "SELECT warehouse_id, model_id, level, COUNT(*) AS count FROM stock_alerts",
            "GROUP BY warehouse_id, model_id, level ORDER BY warehouse_id, model_id, level",
        )
        .fetch_all(db)
        .await
    }

    pub async fn thresholds(db: &Db, scope: Option<i64>) -> Result<Vec<ThresholdRow>, sqlx::Error> {
        sql("SELECT t.id, t.warehouse_id, t.model_id, t.color_id, t.low_qty, t.high_qty, t.updated_by,
                    (SELECT COUNT(*) FROM vehicles v WHERE v.warehouse_id = t.warehouse_id
                       AND v.model_id = t.model_id AND v.status = 'in_stock'
                       AND (t.color_id IS NULL OR v.color_id = t.color_id)) AS in_stock
             FROM stock_thresholds t JOIN warehouses w ON w.id = t.warehouse_id
             WHERE (CAST($1 AS BIGINT) IS NULL OR w.store_id = $1)
             ORDER BY t.warehouse_id, t.model_id, t.color_id")
        .bind(scope)
        .fetch_all(db)
        .await
    }

    /// The store of a warehouse, or a field error naming `field`.
    pub(crate) async fn warehouse_store(
        tx: &mut Tx,
        warehouse_id: i64,
        field: &str,
        lang: Lang,
    ) -> Result<i64, AppError> {
        sql("SELECT store_id FROM warehouses WHERE id = $1 AND active = TRUE")
            .bind(warehouse_id)
            .scalar_optional::<i64>(tx)
            .await?
            .ok_or_else(|| AppError::invalid(field, lang.t("vehicle.unknown_warehouse")))
    }

    pub async fn save(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        input: ThresholdInput,
        request_id: &str,
    ) -> Result<i64, AppError> {
        if input.low_qty.is_none() && input.high_qty.is_none() {
            return Err(AppError::invalid("low_qty", lang.t("threshold.need_one")));
        }
        for (field, v) in [("low_qty", input.low_qty), ("high_qty", input.high_qty)] {
            if v.is_some_and(|n| n < 0) {
                return Err(AppError::invalid(field, lang.t("threshold.bad_qty")));
            }
        }
        if let (Some(l), Some(h)) = (input.low_qty, input.high_qty) {
            if l > h {
                return Err(AppError::invalid(
                    "high_qty",
                    lang.t("threshold.low_above_high"),
                ));
            }
        }
        let mut tx = st.db.begin().await?;
        let store_id = warehouse_store(&mut tx, input.warehouse_id, "warehouse_id", lang).await?;
        p.require_store(store_id, lang)?;
        let model_ok = sql("SELECT COUNT(*) FROM models WHERE id = $1")
            .bind(input.model_id)
            .scalar::<i64>(&mut tx)
            .await?;
        if model_ok == 0 {
            return Err(AppError::invalid(
                "model_id",
                lang.t("vehicle.unknown_model"),
            ));
        }
        if let Some(c) = input.color_id {
            let ok = sql("SELECT COUNT(*) FROM colors WHERE id = $1 AND model_id = $2")
                .bind(c)
                .bind(input.model_id)
                .scalar::<i64>(&mut tx)
                .await?;
            if ok == 0 {
                return Err(AppError::invalid(
                    "color_id",
                    lang.t("vehicle.unknown_color"),
                ));
            }
        }
        let now = now_ms();
        let existing: Option<i64> = sql("SELECT id FROM stock_thresholds
                WHERE warehouse_id = $1 AND model_id = $2 AND COALESCE(color_id, 0) = COALESCE(CAST($3 AS BIGINT), 0)")
            .bind(input.warehouse_id)
            .bind(input.model_id)
            .bind(input.color_id)
            .scalar_optional(&mut tx)
            .await?;
        let id = match existing {
            Some(id) => {
                sql("UPDATE stock_thresholds SET low_qty = $1, high_qty = $2, updated_at = $3, updated_by = $4 WHERE id = $5")
                    .bind(input.low_qty)
                    .bind(input.high_qty)
                    .bind(now)
                    .bind(p.audit_label())
                    .bind(id)
                    .execute(&mut tx)
                    .await?;
                id
            }
            None => {
                sql("INSERT INTO stock_thresholds (warehouse_id, model_id, color_id, low_qty, high_qty, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                    .bind(input.warehouse_id)
                    .bind(input.model_id)
                    .bind(input.color_id)
                    .bind(input.low_qty)
                    .bind(input.high_qty)
                    .bind(now)
                    .bind(p.audit_label())
                    .scalar::<i64>(&mut tx)
                    .await?
            }
        };
        audit::record(
            &mut tx,
            Actor::Principal(p),
            AuditEntry::new("threshold.save", "stock_threshold", id)
                .store(Some(store_id))
                .after(&input),
            Some(request_id),
        )
        .await?;
        reconcile_thresholds(&mut tx, &[(input.warehouse_id, input.model_id)]).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        id: i64,
        request_id: &str,
    ) -> Result<(), AppError> {
        let mut tx = st.db.begin().await?;
        let Some((wh, store_id)) = sql(
            "SELECT t.warehouse_id, w.store_id FROM stock_thresholds t
                                        JOIN warehouses w ON w.id = t.warehouse_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional::<(i64, i64)>(&mut tx)
        .await?
        else {
            return Err(AppError::NotFound(lang.t("threshold.not_found").into()));
        };
        p.require_store(store_id, lang)?;
        let now = now_ms();
        sql("UPDATE stock_alerts SET closed_at = $1 WHERE threshold_id = $2 AND closed_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut tx)
            .await?;
        sql("UPDATE stock_alerts SET threshold_id = NULL WHERE threshold_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        sql("DELETE FROM stock_thresholds WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        audit::record(
            &mut tx,
            Actor::Principal(p),
            AuditEntry::new("threshold.delete", "stock_threshold", id)
                .store(Some(store_id))
                .before(&serde_json::json!({ "warehouse_id": wh })),
            Some(request_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A threshold with its store and the stock it counts now: (id, colour, low, high,
    /// store, quantity).
    type ThresholdState = (i64, Option<i64>, Option<i64>, Option<i64>, i64, i64);

    /// Opens and closes the threshold alerts of these (warehouse, model) pairs to match
    /// the stock now; run in the transaction that changed the stock.
    pub async fn reconcile_thresholds(
        tx: &mut Tx,
        pairs: &[(i64, i64)],
    ) -> Result<(), sqlx::Error> {
        let mut pairs = pairs.to_vec();
        pairs.sort_unstable();
        pairs.dedup();
        let now = now_ms();
        for (warehouse_id, model_id) in pairs {
            let rows: Vec<ThresholdState> =
                sql("SELECT t.id, t.color_id, t.low_qty, t.high_qty, w.store_id,
                        (SELECT COUNT(*) FROM vehicles v WHERE v.warehouse_id = t.warehouse_id
                           AND v.model_id = t.model_id AND v.status = 'in_stock'
                           AND (t.color_id IS NULL OR v.color_id = t.color_id))
                 FROM stock_thresholds t JOIN warehouses w ON w.id = t.warehouse_id
                 WHERE t.warehouse_id = $1 AND t.model_id = $2")
                .bind(warehouse_id)
                .bind(model_id)
                .fetch_all(&mut *tx)
                .await?;
            for (tid, color_id, low, high, store_id, qty) in rows {
                let (low_open, high_open) = threshold_breaches(low, high, qty);
                for (kind, open, level) in [("low", low_open, low), ("high", high_open, high)] {
                    let subject = format!("{kind}:{tid}");
                    if open {
                        let inserted = sql(
                            "INSERT INTO stock_alerts (subject, kind, store_id, warehouse_id, model_id, color_id,
                                                       threshold_id, level, quantity, opened_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                        )
                        .bind(&subject)
                        .bind(kind)
                        .bind(store_id)
                        .bind(warehouse_id)
                        .bind(model_id)
                        .bind(color_id)
                        .bind(tid)
                        .bind(level.unwrap_or(0))
                        .bind(qty)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        if inserted == 0 {
                            sql("UPDATE stock_alerts SET quantity = $1, level = $2
                                 WHERE subject = $3 AND closed_at IS NULL")
                            .bind(qty)
                            .bind(level.unwrap_or(0))
                            .bind(&subject)
                            .execute(&mut *tx)
                            .await?;
                        }
                    } else {
                        sql("UPDATE stock_alerts SET closed_at = $1, quantity = $2
                             WHERE subject = $3 AND closed_at IS NULL")
                        .bind(now)
                        .bind(qty)
                        .bind(&subject)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Today's date where the dealers are (China Standard Time), as `YYYY-MM-DD`.
    pub fn today() -> chrono::NaiveDate {
        (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
    }

    fn cutoff(today: chrono::NaiveDate, days: i64) -> String {
        (today - chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    }

    /// Opens, raises and closes aged-stock alerts for every vehicle (or only `vehicle`),
    /// as of `today`. Three statements whatever the stock size.
    pub async fn sweep_aged(
        tx: &mut Tx,
        today: chrono::NaiveDate,
        vehicle: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        let now = now_ms();
        let (c30, c60, c90) = (cutoff(today, 30), cutoff(today, 60), cutoff(today, 90));
        let level =
            "CASE WHEN v.arrival_date <= $3 THEN 90 WHEN v.arrival_date <= $2 THEN 60 ELSE 30 END";
        sql(format!(
            "INSERT INTO stock_alerts (subject, kind, store_id, warehouse_id, model_id, color_id, vehicle_id,
                                       level, quantity, opened_at)
             SELECT 'aged:' || CAST(v.id AS TEXT), 'aged', w.store_id, v.warehouse_id, v.model_id, v.color_id, v.id,
                    {level}, {level}, $4
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
             WHERE v.status = 'in_stock' AND v.arrival_date <= $1
               AND (CAST($5 AS BIGINT) IS NULL OR v.id = $5)
             ON CONFLICT DO NOTHING"
        ))
        .bind(&c30)
        .bind(&c60)
        .bind(&c90)
        .bind(now)
        .bind(vehicle)
        .execute(&mut *tx)
        .await?;
        sql(format!(
            "UPDATE stock_alerts SET level = (SELECT {level} FROM vehicles v WHERE v.id = stock_alerts.vehicle_id),
                                     quantity = (SELECT {level} FROM vehicles v WHERE v.id = stock_alerts.vehicle_id)
             WHERE kind = 'aged' AND closed_at IS NULL AND $1 <> ''
               AND (CAST($4 AS BIGINT) IS NULL OR vehicle_id = $4)
               AND EXISTS (SELECT 1 FROM vehicles v WHERE v.id = stock_alerts.vehicle_id
                           AND v.status = 'in_stock' AND v.arrival_date <= $1)"
        ))
        .bind(&c30)
        .bind(&c60)
        .bind(&c90)
        .bind(vehicle)
        .execute(&mut *tx)
        .await?;
        sql("UPDATE stock_alerts SET closed_at = $2
             WHERE kind = 'aged' AND closed_at IS NULL
               AND (CAST($3 AS BIGINT) IS NULL OR vehicle_id = $3)
               AND NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.id = stock_alerts.vehicle_id
                               AND v.status = 'in_stock' AND v.arrival_date <= $1)")
        .bind(&c30)
        .bind(now)
        .bind(vehicle)
        .execute(&mut *tx)
        .await?;
        Ok(())
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
        assert_eq!(parse_kinds(None), Ok(vec![]));
        assert_eq!(parse_kinds(Some(" ")), Ok(vec![]));
        assert_eq!(parse_kinds(Some("low,HIGH, low")), Ok(vec!["low", "high"]));
        assert_eq!(parse_kinds(Some("aged")), Ok(vec!["aged"]));
        assert_eq!(parse_kinds(Some("low,old")), Err("old".to_owned()));
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
