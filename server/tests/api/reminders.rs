//! Reminders on both databases: planned a day and two hours before each booked visit and
//! as follow-ups come due, following a moved or cancelled booking; sent once however many
//! processes run the job; a failed send tried again later, then left failed for the page.

use crate::{
    both_dbs,
    helpers::{ServerProcess, TestApp},
};
use app::{
    aftersales::{
        domain::{reminder::OutboxStatus, BookingInput, CapacityInput, DayHours, PoolBays},
        service::{
            booking::{self, Booker},
            capacity,
            reminders::{self, LogSender, Message, Sender},
        },
    },
    clock,
    ctx::Ctx,
    db::sql,
};
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicU32, Ordering};

static MOBILE: AtomicU32 = AtomicU32::new(0);

fn fresh_mobile() -> String {
    let n = MOBILE.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 1000;
    format!("1381{:07}", n % 10_000_000)
}

/// SH01 books every day 08:00–18:00 in hour slots with 50 shared bays; its id.
async fn open_store(app: &TestApp) -> i64 {
    let advisor = app.ctx_as("sh.service").await;
    let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&app.db)
        .await
        .unwrap();
    let version = capacity::get(&advisor, store)
        .await
        .unwrap()
        .map_or(0, |c| c.version);
    let input = CapacityInput {
        slot_minutes: 60,
        horizon_days: 14,
        cutoff_minutes: 0,
        hours: (0..7).map(|_| DayHours::new("08:00", "18:00")).collect(),
        bays: vec![PoolBays::new("shared", 50)],
        closed_days: String::new(),
        version,
    };
    capacity::set(&advisor, store, &input).await.unwrap();
    store
}

/// The `n`th customer, each from an address of their own.
fn customer(app: &TestApp, n: u32) -> Ctx {
    app.anonymous(&format!("10.90.{}.{}", n / 200, n % 200))
}

fn day_after(app: &TestApp, days: u64) -> String {
    (clock::day_of(app.state.clock.now_ms()) + chrono::Days::new(days)).to_string()
}

async fn book(app: &TestApp, n: u32, day: &str, time: &str) -> booking::Booked {
    let store = app.store_id("SH01").await;
    booking::book(
        &customer(app, n),
        &BookingInput {
            store_id: store,
            service_type: "maintenance".into(),
            day: day.into(),
            time: time.into(),
            name: "韩梅梅".into(),
            mobile: fresh_mobile(),
            plate: "沪A12345".into(),
            ..Default::default()
        },
        Booker::Public,
        "",
    )
    .await
    .unwrap()
}

async fn starts_at(app: &TestApp, id: i64) -> i64 {
    sql("SELECT starts_at FROM appointments WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// Leaves in the outbox only the reminders of appointment `id` (not the demo data's).
async fn only_these(app: &TestApp, id: i64) {
    sql("DELETE FROM outbox WHERE subject_id <> $1 OR kind = 'follow_up_due'")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
}

/// (kind, status) of an appointment's reminders, by kind then due time.
async fn reminders_of(app: &TestApp, id: i64) -> Vec<(String, String)> {
    sql("SELECT kind, status FROM outbox WHERE subject_id = $1 AND kind LIKE 'appointment%' ORDER BY event_at, kind")
        .bind(id)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    visits_get_reminders_a_day_and_two_hours_before_that_follow_the_booking,
    |app| async move {
        app.seed_demo().await;
        open_store(&app).await;
        let b = book(&app, 1, &day_after(&app, 2), "10:00").await;
        let s = starts_at(&app, b.id).await;
        let hour = 3_600_000;

        // Planned 25 hours before: both messages, once however often planning runs.
        reminders::plan(&app.db, s - 25 * hour).await.unwrap();
        reminders::plan(&app.db, s - 25 * hour + 30_000)
            .await
            .unwrap();
        only_these(&app, b.id).await;
        assert_eq!(
            reminders_of(&app, b.id).await,
            [
                ("appointment_day_before".into(), "pending".into()),
                ("appointment_soon".into(), "pending".into())
            ]
        );
        let body: String = sql(
            "SELECT body FROM outbox WHERE subject_id = $1 AND kind = 'appointment_day_before'",
        )
        .bind(b.id)
        .scalar(&app.db)
        .await
        .unwrap();
        assert!(
            body.contains("韩梅梅") && body.contains("10:00的保养服务") && body.contains(&b.code),
            "{body}"
        );

        // A day before, the first goes; the second waits for its time.
        let (sent, failed) = reminders::send_due(&app.db, &LogSender, "w1", s - 24 * hour)
            .await
            .unwrap();
        assert_eq!((sent, failed), (1, 0));
        assert_eq!(reminders_of(&app, b.id).await[0].1, "sent");
        assert_eq!(reminders_of(&app, b.id).await[1].1, "pending");

        // Moved to 14:00: the waiting one is cancelled and the new time gets its own.
        let me = customer(&app, 1);
        booking::reschedule(&me, &b.token, &day_after(&app, 2), "14:00")
            .await
            .unwrap();
        // (Planned once the new time is within a day and two hours.)
        reminders::plan(&app.db, s - 21 * hour).await.unwrap();
        let now = reminders_of(&app, b.id).await;
        assert_eq!(
            now,
            [
                ("appointment_day_before".into(), "sent".into()),
                ("appointment_soon".into(), "cancelled".into()),
                ("appointment_day_before".into(), "pending".into()),
                ("appointment_soon".into(), "pending".into())
            ]
        );
        // Cancelled: nothing more is sent for it.
        booking::cancel(&me, &b.token).await.unwrap();
        reminders::plan(&app.db, s - 20 * hour).await.unwrap();
        let pending: i64 =
            sql("SELECT COUNT(*) FROM outbox WHERE subject_id = $1 AND status = 'pending'")
                .bind(b.id)
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(pending, 0);

        // A booking made an hour before its visit gets no reminder at all.
        let late = book(&app, 2, &day_after(&app, 3), "09:00").await;
        let ls = starts_at(&app, late.id).await;
        reminders::plan(&app.db, ls - hour).await.unwrap();
        assert!(reminders_of(&app, late.id).await.is_empty());
    }
);

both_dbs!(
    a_follow_up_coming_due_messages_its_salesperson,
    |app| async move {
        app.seed_demo().await;
        let (id, due): (i64, i64) =
            sql("SELECT id, due_at FROM follow_ups WHERE done_at IS NULL ORDER BY id LIMIT 1")
                .fetch_one(&app.db)
                .await
                .unwrap();
        reminders::plan(&app.db, due - 5 * 60_000).await.unwrap();
        let (channel, recipient, body): (String, String, String) = sql(
        "SELECT channel, recipient, body FROM outbox WHERE kind = 'follow_up_due' AND subject_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
        let owner: String = sql(
            "SELECT u.username FROM follow_ups f JOIN users u ON u.id = f.owner_id WHERE f.id = $1",
        )
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(
            (channel.as_str(), recipient.as_str()),
            ("wechat", owner.as_str())
        );
        assert!(body.starts_with("【跟进提醒】"), "{body}");
    }
);

/// A gateway that is down.
struct Down;

impl Sender for Down {
    fn send<'a>(&'a self, _: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async { Err("gateway timeout".into()) })
    }
}

both_dbs!(
    a_failed_send_is_tried_again_later_then_left_failed,
    |app| async move {
        app.seed_demo().await;
        open_store(&app).await;
        let b = book(&app, 3, &day_after(&app, 2), "11:00").await;
        let s = starts_at(&app, b.id).await;
        let mut now = s - 24 * 3_600_000;
        reminders::plan(&app.db, now).await.unwrap();
        only_these(&app, b.id).await;
        let mut tries = 0;
        loop {
            let (sent, failed) = reminders::send_due(&app.db, &Down, "w", now).await.unwrap();
            assert_eq!(sent, 0);
            if failed == 0 {
                break;
            }
            tries += 1;
            // Not again before its wait is over…
            assert_eq!(
                reminders::send_due(&app.db, &Down, "w", now + 1)
                    .await
                    .unwrap(),
                (0, 0)
            );
            now += 3 * 3_600_000;
        }
        assert_eq!(tries, 5, "five tries, then it stops");
        let (status, error): (String, String) = sql(
        "SELECT status, last_error FROM outbox WHERE subject_id = $1 AND kind = 'appointment_day_before'",
    )
    .bind(b.id)
    .fetch_one(&app.db)
    .await
    .unwrap();
        assert_eq!(
            (status.as_str(), error.as_str()),
            ("failed", "gateway timeout")
        );

        // The desk's page lists it among the failed, with the reason.
        let advisor = app.ctx_as("sh.service").await;
        let store = app.store_id("SH01").await;
        let failed = reminders::list(&advisor, store, Some(OutboxStatus::Failed))
            .await
            .unwrap();
        assert!(failed
            .iter()
            .any(|m| m.last_error == "gateway timeout" && m.recipient.contains("****")));
        let sales = app.ctx_as("sh.sales").await;
        assert!(reminders::list(&sales, store, None).await.is_err());
        app.login_as("sh.service").await;
        let page = app
            .get("/service/messages?status=failed")
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("gateway timeout"), "{page}");
    }
);

both_dbs!(
    each_reminder_is_sent_once_with_two_server_processes_running_the_job,
    |app| async move {
        app.seed_demo().await;
        open_store(&app).await;
        // Forty visits tomorrow, each with a reminder made due now.
        let day = day_after(&app, 1);
        let mut ids = Vec::new();
        for n in 0..40u32 {
            let time = format!("{:02}:00", 8 + n % 10);
            ids.push(book(&app, 100 + n, &day, &time).await.id);
        }
        let now = app::db::now_ms();
        for id in &ids {
            let s = starts_at(&app, *id).await;
            sql("INSERT INTO outbox (kind, subject_id, event_at, store_id, channel, recipient, body, due_at, status,
                                 next_attempt_at, created_at)
             SELECT 'appointment_soon', a.id, a.starts_at, a.store_id, 'sms', a.mobile, 'test', $2, 'pending', $2, $2
             FROM appointments a WHERE a.id = $1")
        .bind(*id)
        .bind(now - 1000)
        .execute(&app.db)
        .await
        .unwrap();
            assert!(s > now);
        }
        // The job is due again, for the two processes starting now; this process reaches for
        // the same rows at the same time.
        sql("UPDATE jobs SET run_at = 0 WHERE name = 'service.reminders'")
            .execute(&app.db)
            .await
            .unwrap();
        let _servers = [
            ServerProcess::start(&app).await,
            ServerProcess::start(&app).await,
        ];
        let here = (0..3).map(|i| {
            let db = app.db.clone();
            async move {
                reminders::send_due(&db, &LogSender, &format!("test-{i}"), app::db::now_ms())
                    .await
                    .unwrap()
            }
        });
        futures::future::join_all(here).await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let waiting: i64 =
                sql("SELECT COUNT(*) FROM outbox WHERE status <> 'sent' AND body = 'test'")
                    .scalar(&app.db)
                    .await
                    .unwrap();
            if waiting == 0 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{waiting} still unsent"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let deliveries: Vec<(i64,)> = sql("SELECT deliveries FROM outbox WHERE body = 'test'")
            .fetch_all(&app.db)
            .await
            .unwrap();
        assert_eq!(deliveries.len(), 40);
        assert!(
            deliveries.iter().all(|(d,)| *d == 1),
            "each sent once: {deliveries:?}"
        );
    }
);
