//! Reminders (提醒): the outbox's planning, sending and listing.
//!
//! The background job [`run`] plans what is due soon — a message the day before and two
//! hours before each booked appointment (SMS to the customer), and one for each follow-up
//! task as it comes due (WeChat to its salesperson) — and sends what is due through a
//! [`Sender`]. A process takes a batch by marking it `sending` under its own name in one
//! statement (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two processes take different
//! rows; SQLite has one writer), so each message is sent once however many processes run
//! the job. A failed send is tried again with a growing wait, then left failed.

use crate::{
    aftersales::domain::{
        hhmm,
        reminder::{
            appointment_text, backoff_ms, follow_up_text, AppointmentText, OutboxRow, OutboxStatus,
            ReminderChannel, ReminderKind, LEASE_MS, MAX_ATTEMPTS,
        },
        ServiceType,
    },
    auth::Action,
    clock,
    ctx::Ctx,
    db::{sql, Db, DbResult, Dialect},
    error::AppError,
    i18n::Lang,
};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Message {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ReminderKind,
    #[sqlx(try_from = "String")]
    pub channel: ReminderChannel,
    pub recipient: String,
    pub body: String,
    pub attempts: i64,
}

/// Where messages go: an SMS gateway, WeChat's template messages… The default,
/// [`LogSender`], writes each to the log; the outbox row records it as sent.
pub trait Sender: Send + Sync {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), String>>;
}

/// Writes each message to the log (the outbox keeps it, marked sent).
pub struct LogSender;

impl Sender for LogSender {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::info!(
                message = m.id,
                kind = m.kind.code(),
                channel = m.channel.code(),
                recipient = %masked(&m.recipient),
                body = %m.body,
                "reminder sent"
            );
            Ok(())
        })
    }
}

fn masked(recipient: &str) -> String {
    if recipient.len() == 11 && recipient.bytes().all(|b| b.is_ascii_digit()) {
        crate::aftersales::domain::masked_mobile(recipient)
    } else {
        recipient.to_owned()
    }
}

/// How far ahead appointments are planned for (the day-before message and a margin).
const PLAN_AHEAD_MS: i64 = 26 * 3_600_000;

/// Plans the reminders due soon, and cancels those whose appointment was cancelled or
/// moved. Returns how many were planned.
pub async fn plan(db: &Db, now: i64) -> DbResult<u64> {
    // An appointment no longer booked, or moved, keeps no pending reminder.
    sql("UPDATE outbox SET status = 'cancelled'
         WHERE status = 'pending' AND kind IN ('appointment_day_before', 'appointment_soon')
           AND NOT EXISTS (SELECT 1 FROM appointments a
                           WHERE a.id = outbox.subject_id AND a.status = 'booked' AND a.starts_at = outbox.event_at)")
    .execute(db)
    .await?;
    sql("UPDATE outbox SET status = 'cancelled'
         WHERE status = 'pending' AND kind = 'follow_up_due'
           AND NOT EXISTS (SELECT 1 FROM follow_ups f
                           WHERE f.id = outbox.subject_id AND f.done_at IS NULL AND f.due_at = outbox.event_at)")
    .execute(db)
    .await?;

    let mut planned = 0;
    type Visit = (
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
    );
    let visits: Vec<Visit> = sql(
        "SELECT a.id, a.store_id, s.name, a.name, a.mobile, a.service_type, a.day, a.start_min, a.starts_at, a.code
         FROM appointments a JOIN stores s ON s.id = a.store_id
         WHERE a.status = 'booked' AND a.starts_at > $1 AND a.starts_at <= $2",
    )
    .bind(now)
    .bind(now + PLAN_AHEAD_MS)
    .fetch_all(db)
    .await?;
    for (id, store_id, store, name, mobile, service, day, start_min, starts_at, code) in visits {
        let service = ServiceType::parse(&service).map_or("", |t| Lang::ZhCn.t(t.label_key()));
        let time = hhmm(start_min);
        for kind in [
            ReminderKind::AppointmentDayBefore,
            ReminderKind::AppointmentSoon,
        ] {
            if !kind.worth_planning(starts_at, now) {
                continue;
            }
            let body = appointment_text(
                kind,
                &AppointmentText {
                    store: &store,
                    name: &name,
                    service,
                    day: &day,
                    time: &time,
                    code: &code,
                },
            );
            planned += enqueue(
                db,
                kind,
                id,
                starts_at,
                store_id,
                ReminderChannel::Sms,
                &mobile,
                &body,
                now,
            )
            .await?;
        }
    }

    let tasks: Vec<(i64, i64, i64, String, String, String, String)> = sql(
        "SELECT f.id, f.store_id, f.due_at, u.username, c.name, f.channel, f.goal
         FROM follow_ups f JOIN users u ON u.id = f.owner_id JOIN customers c ON c.id = f.customer_id
         WHERE f.done_at IS NULL AND f.due_at > $1 AND f.due_at <= $2",
    )
    .bind(now - crate::aftersales::domain::reminder::STALE_MS)
    .bind(now + 10 * 60_000)
    .fetch_all(db)
    .await?;
    for (id, store_id, due_at, username, customer, channel, goal) in tasks {
        let channel = crate::crm::domain::follow_up::Channel::parse(&channel)
            .map_or(channel.clone(), |c| Lang::ZhCn.t(c.label_key()).to_owned());
        let due = clock::local_time(due_at);
        let body = follow_up_text(&customer, &channel, &due[5..16], &goal);
        planned += enqueue(
            db,
            ReminderKind::FollowUpDue,
            id,
            due_at,
            store_id,
            ReminderChannel::Wechat,
            &username,
            &body,
            now,
        )
        .await?;
    }
    Ok(planned)
}

#[allow(clippy::too_many_arguments)]
async fn enqueue(
    db: &Db,
    kind: ReminderKind,
    subject_id: i64,
    event_at: i64,
    store_id: i64,
    channel: ReminderChannel,
    recipient: &str,
    body: &str,
    now: i64,
) -> DbResult<u64> {
    let due = kind.due_at(event_at);
    sql("INSERT INTO outbox (kind, subject_id, event_at, store_id, channel, recipient, body, due_at, status,
                             next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $8, $9)
         ON CONFLICT (kind, subject_id, event_at) DO NOTHING")
    .bind(kind.code())
    .bind(subject_id)
    .bind(event_at)
    .bind(store_id)
    .bind(channel.code())
    .bind(recipient)
    .bind(body)
    .bind(due)
    .bind(now)
    .execute(db)
    .await
}

/// How many messages one pass takes at most.
const BATCH: i64 = 100;

/// Takes the messages due at `now` (and those another process took and never finished)
/// for `worker`, and sends them. Returns (sent, failed) counts.
pub async fn send_due(
    db: &Db,
    sender: &dyn Sender,
    worker: &str,
    now: i64,
) -> DbResult<(u64, u64)> {
    let pick = match db.dialect() {
        Dialect::Postgres => {
            "SELECT id FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1)
             ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED"
        }
        Dialect::Sqlite => {
            "SELECT id FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1)
             ORDER BY next_attempt_at LIMIT $4"
        }
    };
    let taken: Vec<Message> = sql(format!(
        "UPDATE outbox SET status = 'sending', claimed_by = $2, claimed_until = $3, attempts = attempts + 1
         WHERE id IN ({pick})
         RETURNING id, kind, channel, recipient, body, attempts"
    ))
    .bind(now)
    .bind(worker)
    .bind(now + LEASE_MS)
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    let (mut sent, mut failed) = (0, 0);
    for m in taken {
        match sender.send(&m).await {
            Ok(()) => {
                sql("UPDATE outbox SET status = 'sent', sent_at = $3, deliveries = deliveries + 1, last_error = ''
                     WHERE id = $1 AND claimed_by = $2 AND status = 'sending'")
                .bind(m.id)
                .bind(worker)
                .bind(now)
                .execute(db)
                .await?;
                sent += 1;
            }
            Err(e) => {
                let give_up = m.attempts >= MAX_ATTEMPTS;
                let error: String = e.chars().take(300).collect();
                tracing::warn!(message = m.id, attempts = m.attempts, error = %error, "reminder not sent");
                sql(
                    "UPDATE outbox SET status = $3, next_attempt_at = $4, last_error = $5
                     WHERE id = $1 AND claimed_by = $2 AND status = 'sending'",
                )
                .bind(m.id)
                .bind(worker)
                .bind(if give_up { "failed" } else { "pending" })
                .bind(now + backoff_ms(m.attempts))
                .bind(error)
                .execute(db)
                .await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// The job's work: plan, then send through the default sender.
pub async fn run(db: &Db, worker: &str, now: i64) -> DbResult<String> {
    let planned = plan(db, now).await?;
    let (sent, failed) = send_due(db, &LogSender, worker, now).await?;
    Ok(format!("{planned} planned, {sent} sent, {failed} failed"))
}

/// A store's messages, newest due first (500 at most), optionally of one status.
pub async fn list(
    ctx: &Ctx,
    store_id: i64,
    status: Option<OutboxStatus>,
) -> Result<Vec<OutboxRow>, AppError> {
    ctx.require(Action::ViewService)?;
    ctx.require_store(store_id, "service.store.not_found")?;
    let rows: Vec<OutboxRow> = sql(
        "SELECT id, kind, channel, recipient, body, due_at, status, attempts, sent_at, last_error FROM outbox
         WHERE store_id = $1 AND ($2 = '' OR status = $2)
         ORDER BY due_at DESC, id DESC LIMIT 500",
    )
    .bind(store_id)
    .bind(status.map_or("", |s| s.code()))
    .fetch_all(ctx.db())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxRow {
            recipient: masked(&r.recipient),
            ..r
        })
        .collect())
}
