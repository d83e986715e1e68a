//! The appointment record itself, shared by the booking and the desk: its columns, the
//! announcement of a change, giving a slot's place back, and writing a new status.

use crate::{
    aftersales::domain::{AppointmentRow, AppointmentStatus},
    audit::AuditEntry,
    ctx::Ctx,
    db::{sql, DbResult, Tx},
    error::AppError,
    events::Event,
};

/// The columns of [`AppointmentRow`].
pub const ROW: &str = "a.id, a.code, a.store_id, a.service_type, a.pool, a.day, a.start_min, a.starts_at, a.ends_at,
     a.status, a.source, a.name, a.mobile, a.plate, a.vin, a.mileage, a.note, a.customer_id, a.advisor_id,
     a.checked_in_at, a.checkin_mileage, a.checkin_notes, a.completed_at, a.created_at, a.updated_at, a.version";

/// The live events' topic of appointments (the desk's pages listen to it).
pub const TOPIC: &str = "appointment";

/// The desk's pages hear of every change to a store's appointments.
pub fn changed(store_id: i64, id: i64) -> Event {
    Event::new(
        TOPIC,
        vec![store_id],
        &serde_json::json!({ "appointment": id }),
    )
}

/// Gives the place an appointment holds back (a cancellation, a reschedule's old slot);
/// a walk-in holds none.
pub(crate) async fn give_back_place(tx: &mut Tx, a: &AppointmentRow) -> DbResult<()> {
    if a.pool.is_empty() {
        return Ok(());
    }
    sql("UPDATE service_slots SET booked = booked - 1
         WHERE store_id = $1 AND day = $2 AND start_min = $3 AND pool = $4 AND booked > 0")
    .bind(a.store_id)
    .bind(a.day.as_str())
    .bind(a.start_min)
    .bind(a.pool.as_str())
    .execute(&mut *tx)
    .await
    .map(drop)
}

/// Writes an appointment's new status (and a check-in's details), gives its place back
/// when it stops holding one, audits and announces it.
pub(crate) async fn set_status(
    ctx: &Ctx,
    a: AppointmentRow,
    to: AppointmentStatus,
    by: &str,
    check_in: Option<(Option<i64>, String, Option<i64>)>,
) -> Result<(), AppError> {
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let (mileage, notes, advisor) = check_in.unwrap_or((None, String::new(), a.advisor_id));
    let checked_in = to == AppointmentStatus::CheckedIn;
    let done = sql(
        "UPDATE appointments SET status = $2, updated_at = $3, updated_by = $4, version = version + 1,
             checked_in_at = CASE WHEN $5 THEN $3 ELSE checked_in_at END,
             checkin_mileage = CASE WHEN $5 THEN $6 ELSE checkin_mileage END,
             checkin_notes = CASE WHEN $5 THEN $7 ELSE checkin_notes END,
             advisor_id = CASE WHEN $5 THEN $8 ELSE advisor_id END,
             completed_at = CASE WHEN $2 = 'completed' THEN $3 ELSE completed_at END
         WHERE id = $1 AND version = $9",
    )
    .bind(a.id)
    .bind(to.code())
    .bind(now)
    .bind(by)
    .bind(checked_in)
    .bind(mileage)
    .bind(notes.as_str())
    .bind(advisor)
    .bind(a.version)
    .execute(&mut tx)
    .await?;
    if done != 1 {
        tx.rollback().await?;
        return Err(AppError::Conflict(
            ctx.t("service.booking.changed_meanwhile").into(),
        ));
    }
    // A booking that will not come (cancelled, no-show) frees its place; one that came
    // keeps it (the bay is in use).
    if matches!(to, AppointmentStatus::Cancelled | AppointmentStatus::NoShow)
        && a.status.holds_place()
    {
        give_back_place(&mut tx, &a).await?;
    }
    // A completed visit asks its customer for a rating (满意度): the link is on the desk.
    if to == AppointmentStatus::Completed {
        super::ratings::invite(
            &mut tx,
            crate::aftersales::domain::rating::RatingSubject::appointment(
                a.id,
                a.store_id,
                advisor,
                a.customer_id,
            ),
            now,
        )
        .await?;
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("appointment.status", "appointment", a.id)
            .store(Some(a.store_id))
            .before(&serde_json::json!({ "status": a.status.code() }))
            .after(&serde_json::json!({ "status": to.code(), "mileage": mileage })),
    )
    .await?;
    let event = changed(a.store_id, a.id);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(())
}
