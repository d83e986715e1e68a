//! The service desk (服务台): a store's day and week with each slot's load, and the
//! appointments moved along — checked in (到店) with mileage, notes and the advisor,
//! started, completed, marked no-show or cancelled.

use super::{
    appointments::{set_status, ROW},
    capacity,
};
use crate::{
    aftersales::domain::{
        hhmm, AppointmentRow, AppointmentStatus, AppointmentStep, DeskAppointment, DeskDay,
        DeskSlot, PoolLoad, RatingLink, WeekDay,
    },
    auth::Action,
    ctx::Ctx,
    db::sql,
    error::AppError,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

const MAX_RANGE_DAYS: i64 = 7;

async fn appointments(
    ctx: &Ctx,
    store_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DeskAppointment>, AppError> {
    let rows: Vec<AppointmentRow> = sql(format!(
        "SELECT {ROW} FROM appointments a
         WHERE a.store_id = $1 AND a.day >= $2 AND a.day <= $3
         ORDER BY a.day, a.start_min, a.id"
    ))
    .bind(store_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ctx.db())
    .await?;
    let names: Vec<(i64, String)> = sql(
        "SELECT id, display_name FROM users WHERE id IN (SELECT advisor_id FROM appointments
           WHERE store_id = $1 AND day >= $2 AND day <= $3 AND advisor_id IS NOT NULL)",
    )
    .bind(store_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ctx.db())
    .await?;
    let ratings: Vec<(i64, String, bool)> = sql(
        "SELECT r.subject_id, r.token, r.answered_at IS NOT NULL FROM ratings r
         JOIN appointments a ON a.id = r.subject_id
         WHERE r.subject_kind = 'appointment' AND a.store_id = $1 AND a.day >= $2 AND a.day <= $3",
    )
    .bind(store_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ctx.db())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DeskAppointment {
            rating: ratings
                .iter()
                .find(|(id, _, _)| *id == row.id)
                .map(|(_, token, answered)| RatingLink {
                    url: format!("/rate/{token}"),
                    answered: *answered,
                }),
            advisor_name: row.advisor_id.and_then(|a| {
                names
                    .iter()
                    .find(|(id, _)| *id == a)
                    .map(|(_, n)| n.clone())
            }),
            time: hhmm(row.start_min),
            row,
        })
        .collect())
}

/// A store's day: every slot with its load, and the appointments in it.
#[tracing::instrument(name = "service.desk_day", skip_all, fields(store = store_id))]
pub async fn day(ctx: &Ctx, store_id: i64, day: NaiveDate) -> Result<DeskDay, AppError> {
    ctx.require(Action::ViewService)?;
    ctx.require_store(store_id, "service.store.not_found")?;
    let c = capacity::load(ctx.db(), store_id).await?;
    let booked: Vec<(i64, String, i64)> =
        sql("SELECT start_min, pool, booked FROM service_slots WHERE store_id = $1 AND day = $2")
            .bind(store_id)
            .bind(day.to_string())
            .fetch_all(ctx.db())
            .await?;
    let mut rest = appointments(ctx, store_id, day, day).await?;
    let mut slots = Vec::new();
    if let Some(c) = &c {
        let pools: Vec<(String, i64)> = c.bays.iter().filter(|(_, n)| *n > 0).cloned().collect();
        for start_min in c.starts(day) {
            let load = pools
                .iter()
                .map(|(pool, places)| {
                    let taken = booked
                        .iter()
                        .find(|(s, p, _)| *s == start_min && p == pool)
                        .map_or(0, |(_, _, n)| *n);
                    PoolLoad {
                        pool: pool.clone(),
                        booked: taken,
                        places: *places,
                    }
                })
                .collect();
            let (here, others): (Vec<_>, Vec<_>) =
                rest.into_iter().partition(|a| a.row.start_min == start_min);
            rest = others;
            slots.push(DeskSlot {
                start_min,
                time: hhmm(start_min),
                load,
                appointments: here,
            });
        }
    }
    let advisors = sql(
        "SELECT id, display_name AS name FROM users WHERE store_id = $1 AND role = 'service_advisor' AND active ORDER BY display_name",
    )
    .bind(store_id)
    .fetch_all(ctx.db())
    .await?;
    Ok(DeskDay {
        store_id,
        day: day.to_string(),
        closed: c.as_ref().is_none_or(|c| c.is_closed(day)),
        slots,
        other: rest,
        advisors,
    })
}

/// A store's week from `monday`: each day's places booked against places.
#[tracing::instrument(name = "service.desk_week", skip_all, fields(store = store_id))]
pub async fn week(ctx: &Ctx, store_id: i64, from: NaiveDate) -> Result<Vec<WeekDay>, AppError> {
    ctx.require(Action::ViewService)?;
    ctx.require_store(store_id, "service.store.not_found")?;
    let c = capacity::load(ctx.db(), store_id).await?;
    let to = from + chrono::Days::new(MAX_RANGE_DAYS as u64 - 1);
    let counts: Vec<(String, String, i64)> = sql(
        "SELECT day, status, COUNT(*) FROM appointments WHERE store_id = $1 AND day >= $2 AND day <= $3
         GROUP BY day, status",
    )
    .bind(store_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ctx.db())
    .await?;
    let booked: Vec<(String, i64)> = sql(
        "SELECT day, CAST(SUM(booked) AS BIGINT) FROM service_slots WHERE store_id = $1 AND day >= $2 AND day <= $3
         GROUP BY day",
    )
    .bind(store_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(ctx.db())
    .await?;
    Ok(from
        .iter_days()
        .take(MAX_RANGE_DAYS as usize)
        .map(|d| {
            let key = d.to_string();
            let places = c.as_ref().map_or(0, |c| {
                let per_slot: i64 = c.bays.iter().map(|(_, n)| *n).sum();
                per_slot * c.starts(d).len() as i64
            });
            WeekDay {
                closed: c.as_ref().is_none_or(|c| c.is_closed(d)),
                booked: booked
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(0, |(_, n)| *n),
                places,
                by_status: counts
                    .iter()
                    .filter(|(k, _, _)| *k == key)
                    .map(|(_, s, n)| (s.clone(), *n))
                    .collect(),
                day: key,
            }
        })
        .collect())
}

/// The Monday of `day`'s week.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// One appointment, if the caller may see its store.
pub async fn get(ctx: &Ctx, id: i64) -> Result<AppointmentRow, AppError> {
    ctx.require(Action::ViewService)?;
    let a: AppointmentRow = sql(format!("SELECT {ROW} FROM appointments a WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("service.appointment.not_found").into()))?;
    ctx.require_store(a.store_id, "service.appointment.not_found")?;
    Ok(a)
}

/// What the desk sends with a check-in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckIn {
    /// Kilometres on arrival.
    #[serde(default)]
    pub mileage: String,
    #[serde(default)]
    pub notes: String,
    /// The advisor taking the car (a user of the store); the caller when empty.
    #[serde(default)]
    pub advisor_id: Option<i64>,
}

/// Moves an appointment one step at the desk. `version` is the one the desk showed: a
/// change made meanwhile is refused (409) rather than overwritten.
#[tracing::instrument(name = "service.step", skip_all, fields(appointment = id))]
pub async fn step(
    ctx: &Ctx,
    id: i64,
    step: AppointmentStep,
    version: i64,
    check_in: &CheckIn,
) -> Result<AppointmentStatus, AppError> {
    let p = ctx.require(Action::EditAppointments)?;
    let a = get(ctx, id).await?;
    if a.version != version {
        return Err(AppError::Conflict(
            ctx.t("service.booking.changed_meanwhile").into(),
        ));
    }
    let now = ctx.now_ms();
    let to = step
        .apply(
            a.status,
            crate::aftersales::domain::parse_day(&a.day).unwrap_or_default(),
            a.starts_at,
            ctx.today(),
            now,
        )
        .map_err(|r| AppError::Conflict(ctx.t(r.key()).into()))?;
    let mut extra = None;
    if step == AppointmentStep::CheckIn {
        let typed = [
            ("mileage", check_in.mileage.as_str()),
            ("notes", check_in.notes.as_str()),
        ];
        let mileage = match check_in.mileage.trim().replace([',', ' '], "").as_str() {
            "" => None,
            m => Some(
                m.parse::<i64>()
                    .ok()
                    .filter(|km| (0..=crate::aftersales::domain::MAX_MILEAGE).contains(km))
                    .ok_or_else(|| {
                        AppError::invalid("mileage", ctx.t("service.form.mileage"))
                            .with_input(typed)
                    })?,
            ),
        };
        if check_in.notes.chars().count() > crate::aftersales::domain::MAX_NOTE {
            return Err(AppError::invalid("notes", ctx.t("service.form.note")).with_input(typed));
        }
        let advisor = match check_in.advisor_id {
            Some(adv) => {
                let ok: Option<i64> =
                    sql("SELECT id FROM users WHERE id = $1 AND store_id = $2 AND active")
                        .bind(adv)
                        .bind(a.store_id)
                        .scalar_optional(ctx.db())
                        .await?;
                Some(ok.ok_or_else(|| {
                    AppError::invalid("advisor_id", ctx.t("service.form.advisor")).with_input(typed)
                })?)
            }
            None => p.user_id,
        };
        extra = Some((mileage, check_in.notes.trim().to_owned(), advisor));
    }
    let by = p.display_name.clone();
    set_status(ctx, a, to, &by, extra).await?;
    Ok(to)
}

/// A customer's visits, newest first (their CRM page's service history).
pub async fn history(ctx: &Ctx, customer_id: i64) -> Result<Vec<AppointmentRow>, AppError> {
    // The caller must be able to open the customer (a salesperson: their own).
    crate::crm::service::customers::get(ctx, customer_id).await?;
    Ok(sql(format!(
        "SELECT {ROW} FROM appointments a WHERE a.customer_id = $1 ORDER BY a.starts_at DESC LIMIT 50"
    ))
    .bind(customer_id)
    .fetch_all(ctx.db())
    .await?)
}
