//! After-sales service booking on both databases: a store's capacity set and refused with
//! its fields named; a customer's booking through the public pages' server functions,
//! found again with code and mobile, rescheduled and cancelled; bookings refused for the
//! past, closed days, odd hours, the horizon and bad contact data with nothing written;
//! the last places of a slot taken by many at once — in one process and across two —
//! exactly; the rate limit and the honeypot; and the desk's day, check-in and walk-ins.

use crate::{
    both_dbs,
    helpers::{ServerProcess, TestApp},
};
use app::{
    aftersales::{
        domain::{AppointmentStep, BookingInput, CapacityInput, DayHours, PoolBays, ServiceType},
        service::{
            booking::{self, Booker},
            capacity, desk,
        },
    },
    clock,
    db::sql,
    error::AppError,
};
use std::sync::atomic::{AtomicU32, Ordering};

static MOBILE: AtomicU32 = AtomicU32::new(0);

/// A mobile no other test of this run uses.
fn fresh_mobile() -> String {
    let n = MOBILE.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 1000;
    format!("1391{:07}", n % 10_000_000)
}

/// Every day 08:00–18:00, hour slots, `shared` shared bays and one of body work, two weeks
/// ahead, no cut-off; closed on `closed` if given.
fn capacity_input(shared: i64, closed: Option<chrono::NaiveDate>) -> CapacityInput {
    CapacityInput {
        slot_minutes: 60,
        horizon_days: 14,
        cutoff_minutes: 0,
        hours: (0..7).map(|_| DayHours::new("08:00", "18:00")).collect(),
        bays: vec![
            PoolBays::new("shared", shared),
            PoolBays::new("body_paint", 1),
        ],
        closed_days: closed.map(|d| format!("{d} 盘点")).unwrap_or_default(),
        version: 0,
    }
}

/// Store SH01 takes bookings (set by its service advisor); its id.
async fn open_store(app: &TestApp, shared: i64) -> i64 {
    let advisor = app.ctx_as("sh.service").await;
    let store = app.store_id("SH01").await;
    let closed = today(app) + chrono::Days::new(3);
    // The demo data gave the store a capacity already: this replaces it.
    let version = capacity::get(&advisor, store)
        .await
        .unwrap()
        .map_or(0, |c| c.version);
    let input = CapacityInput {
        version,
        ..capacity_input(shared, Some(closed))
    };
    capacity::set(&advisor, store, &input).await.unwrap();
    store
}

fn today(app: &TestApp) -> chrono::NaiveDate {
    clock::day_of(app.state.clock.now_ms())
}

fn tomorrow(app: &TestApp) -> String {
    (today(app) + chrono::Days::new(1)).to_string()
}

fn booking(store: i64, day: &str, time: &str) -> BookingInput {
    BookingInput {
        store_id: store,
        service_type: "maintenance".into(),
        day: day.into(),
        time: time.into(),
        name: "李雷".into(),
        mobile: fresh_mobile(),
        plate: "沪A12345".into(),
        mileage: "23000".into(),
        ..Default::default()
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sql(format!("SELECT COUNT(*) FROM {table}"))
        .scalar(&app.db)
        .await
        .unwrap()
}

async fn booked(app: &TestApp, store: i64, day: &str, time_min: i64) -> i64 {
    sql("SELECT CAST(COALESCE(SUM(booked), 0) AS BIGINT) FROM service_slots WHERE store_id = $1 AND day = $2 AND start_min = $3")
        .bind(store)
        .bind(day)
        .bind(time_min)
        .scalar::<i64>(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    capacity_is_set_read_back_and_refused_field_by_field,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let advisor = app.ctx_as("sh.service").await;
        let c = capacity::get(&advisor, store).await.unwrap().unwrap();
        assert_eq!(c.slot_minutes, 60);
        assert_eq!(c.hours.len(), 7);
        assert_eq!(c.bays_in("shared"), 3);
        assert_eq!(c.places(ServiceType::BodyPaint), 1);
        assert_eq!(c.closed.len(), 1);
        assert_eq!(c.version, 2, "the demo data's, then this");

        // Bad input names each field and changes nothing.
        let bad = CapacityInput {
            slot_minutes: 10,
            hours: vec![DayHours::new("18:00", "08:00")],
            version: 2,
            ..capacity_input(3, None)
        };
        let e = capacity::set(&advisor, store, &bad).await.unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["slot_minutes", "closes_1"]);
        assert_eq!(capacity::get(&advisor, store).await.unwrap().unwrap(), c);

        // A form read before someone else's change is refused.
        let stale = CapacityInput {
            version: 0,
            ..capacity_input(5, None)
        };
        assert!(matches!(
            capacity::set(&advisor, store, &stale).await,
            Err(AppError::Conflict(_))
        ));

        // Another store's capacity is as if missing; a salesperson may not set any.
        let hz = app.store_id("HZ01").await;
        assert!(matches!(
            capacity::get(&advisor, hz).await,
            Err(AppError::NotFound(_))
        ));
        let sales = app.ctx_as("sh.sales").await;
        assert!(matches!(
            capacity::set(&sales, store, &capacity_input(9, None)).await,
            Err(AppError::Forbidden(_))
        ));
    }
);

both_dbs!(
    a_customer_books_finds_reschedules_and_cancels_with_the_code,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 2).await;
        let day = tomorrow(&app);

        // The four screens, as a phone without JavaScript sees them.
        let start = app.get("/book").await;
        assert_eq!(start.status(), 200);
        let start = start.text().await.unwrap();
        assert!(start.contains("name=\"store\""), "{start}");
        let slots = app
            .get(&format!(
                "/book/slot?store={store}&type=maintenance&day={day}"
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            slots.contains("value=\"10:00\""),
            "the 10:00 slot is offered"
        );
        let details = app
            .get(&format!(
                "/book/details?store={store}&type=maintenance&day={day}&time=10:00"
            ))
            .await;
        assert_eq!(details.status(), 200);
        let mobile = fresh_mobile();
        let res = app
            .client
            .post(app.url("/sfn/book/book"))
            .header("accept", "text/html")
            .header(
                "referer",
                app.url(&format!(
                    "/book/details?store={store}&type=maintenance&day={day}&time=10:00"
                )),
            )
            .form(&[
                ("store_id", store.to_string().as_str()),
                ("service_type", "maintenance"),
                ("day", day.as_str()),
                ("time", "10:00"),
                ("name", "韩梅梅"),
                ("mobile", mobile.as_str()),
                ("plate", "沪AD12345"),
                ("vin", ""),
                ("mileage", "15000"),
                ("note", "空调异味"),
                ("website", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            302,
            "a plain form is sent on to its confirmation"
        );
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with("/book/a/") && location.ends_with("?new=1"),
            "{location}"
        );
        let page = app.get(&location).await.text().await.unwrap();
        let (code, token): (String, String) =
            sql("SELECT code, access_token FROM appointments WHERE mobile = $1")
                .bind(mobile.as_str())
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert!(page.contains(&code), "the confirmation shows the code");
        assert!(!page.contains(&mobile), "the mobile is masked");
        assert_eq!(code.len(), 8);
        assert_eq!(booked(&app, store, &day, 600).await, 1);

        // The booking joined CRM: a profile with source 网站.
        let (name, source): (String, String) =
            sql("SELECT name, source FROM customers WHERE mobile = $1")
                .bind(mobile.as_str())
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!((name.as_str(), source.as_str()), ("韩梅梅", "website"));

        // The calendar file.
        let ics = app.get(&format!("/book/ics/{token}")).await;
        assert_eq!(
            ics.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let ics = ics.text().await.unwrap();
        assert!(ics.contains("BEGIN:VEVENT") && ics.contains(&code), "{ics}");

        // Found again with code and mobile (any spelling); a wrong pair and an unknown code
        // get the same answer.
        let me = app.anonymous("10.9.0.1");
        let lower = code.to_lowercase();
        assert_eq!(booking::find(&me, &lower, &mobile).await.unwrap(), token);
        let wrong = booking::find(&me, &code, "13900000000").await.unwrap_err();
        let unknown = booking::find(&me, "ZZZZZZZZ", &mobile).await.unwrap_err();
        assert_eq!(wrong.fields(), unknown.fields());
        assert_eq!(wrong.to_string(), unknown.to_string());

        // Rescheduled to 14:00 the next day: the place moves with it.
        let later = (today(&app) + chrono::Days::new(2)).to_string();
        booking::reschedule(&me, &token, &later, "14:00")
            .await
            .unwrap();
        assert_eq!(booked(&app, store, &day, 600).await, 0);
        assert_eq!(booked(&app, store, &later, 840).await, 1);
        // Not to a closed day.
        let closed = (today(&app) + chrono::Days::new(3)).to_string();
        let e = booking::reschedule(&me, &token, &closed, "10:00")
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "day");

        // Cancelled: the place is free, and the booking cannot be changed any more.
        booking::cancel(&me, &token).await.unwrap();
        assert_eq!(booked(&app, store, &later, 840).await, 0);
        let v = booking::view(&me, &token).await.unwrap();
        assert_eq!(v.status.code(), "cancelled");
        assert!(!v.changeable);
        assert!(matches!(
            booking::cancel(&me, &token).await,
            Err(AppError::Conflict(_))
        ));
    }
);

both_dbs!(
    bad_bookings_name_their_field_and_write_nothing,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let me = app.anonymous("10.9.0.2");
        let (before, slots) = (
            count(&app, "appointments").await,
            count(&app, "service_slots").await,
        );
        let t = today(&app);
        let day = |n: i64| (t + chrono::Duration::days(n)).to_string();
        let cases: Vec<(BookingInput, &str)> = vec![
            (booking(store, &day(-1), "10:00"), "day"),
            (booking(store, &day(1), "07:00"), "time"),
            (booking(store, &day(1), "10:30"), "time"),
            (booking(store, &day(3), "10:00"), "day"),
            (booking(store, &day(30), "10:00"), "day"),
            (
                BookingInput {
                    mobile: "1234".into(),
                    ..booking(store, &day(1), "10:00")
                },
                "mobile",
            ),
            (
                BookingInput {
                    plate: "沪A1234O".into(),
                    ..booking(store, &day(1), "10:00")
                },
                "plate",
            ),
            (
                BookingInput {
                    plate: String::new(),
                    ..booking(store, &day(1), "10:00")
                },
                "plate",
            ),
            (
                BookingInput {
                    name: "名".repeat(51),
                    ..booking(store, &day(1), "10:00")
                },
                "name",
            ),
            (booking(999_999, &day(1), "10:00"), "store_id"),
        ];
        for (input, field) in cases {
            let e = booking::book(&me, &input, Booker::Public, "")
                .await
                .unwrap_err();
            assert_eq!(e.fields()[0].field, field, "{input:?}: {e:?}");
            assert_eq!(
                e.input("name"),
                Some(input.name.as_str()),
                "what was typed comes back"
            );
        }
        assert_eq!(count(&app, "appointments").await, before);
        assert_eq!(count(&app, "service_slots").await, slots);
    }
);

both_dbs!(
    fifty_customers_for_the_last_three_places_make_three_bookings,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let day = tomorrow(&app);
        let results = futures::future::join_all((0..50).map(|i| {
            let me = app.anonymous(&format!("10.50.0.{i}"));
            let input = booking(store, &day, "11:00");
            async move { booking::book(&me, &input, Booker::Public, "").await }
        }))
        .await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 3, "exactly the three places are taken");
        for e in results.iter().filter_map(|r| r.as_ref().err()) {
            assert_eq!(e.fields()[0].field, "time", "{e:?}");
            assert!(
                e.to_string().contains("12:00"),
                "the next free slots are offered: {e}"
            );
        }
        assert_eq!(booked(&app, store, &day, 660).await, 3);
        let held: i64 = sql("SELECT COUNT(*) FROM appointments WHERE day = $1 AND start_min = 660")
            .bind(day.as_str())
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(held, 3);
        // The day's page shows the slot full.
        let me = app.anonymous("10.9.0.3");
        let d = booking::slots(
            &me,
            store,
            ServiceType::Maintenance,
            app::aftersales::domain::parse_day(&day),
        )
        .await
        .unwrap();
        let slot = d.slots.iter().find(|s| s.start_min == 660).unwrap();
        assert_eq!(slot.left(), 0);
        assert!(!slot.open());
    }
);

both_dbs!(
    two_server_processes_share_the_last_places_exactly,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let day = tomorrow(&app);
        let servers = [
            ServerProcess::start_with(&app, &[("FORECOURT_TRUSTED_PROXIES", "127.0.0.1")]).await,
            ServerProcess::start_with(&app, &[("FORECOURT_TRUSTED_PROXIES", "127.0.0.1")]).await,
        ];
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let results = futures::future::join_all((0..50).map(|i| {
            let b = booking(store, &day, "15:00");
            let request = client
                .post(format!("{}/sfn/book/book", servers[i % 2].address))
                .header("x-forwarded-for", format!("10.60.0.{i}"))
                .header("accept", "application/json")
                .form(&[
                    ("store_id", b.store_id.to_string()),
                    ("service_type", b.service_type),
                    ("day", b.day),
                    ("time", b.time),
                    ("name", b.name),
                    ("mobile", b.mobile),
                    ("plate", b.plate),
                ]);
            async move {
                let res = request.send().await.unwrap();
                (res.status().as_u16(), res.text().await.unwrap_or_default())
            }
        }))
        .await;
        let ok = results.iter().filter(|(s, _)| *s == 200).count();
        assert_eq!(ok, 3, "{results:?}");
        for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
            assert_eq!(*status, 422, "{body}");
            assert!(body.contains("\"time\""), "{body}");
        }
        assert_eq!(booked(&app, store, &day, 900).await, 3);
    }
);

both_dbs!(
    the_public_booking_is_rate_limited_and_the_honeypot_books_nothing,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 50).await;
        let day = tomorrow(&app);
        let before = count(&app, "appointments").await;
        let bot = app.anonymous("10.70.0.1");
        let filled = booking::book(
            &bot,
            &booking(store, &day, "09:00"),
            Booker::Public,
            "http://spam",
        )
        .await
        .unwrap();
        assert!(filled.token.is_empty(), "looks done, is not");
        assert_eq!(count(&app, "appointments").await, before);

        // One address: 30 booking requests an hour, then 429 with a wait.
        let busy = app.anonymous("10.70.0.2");
        let mut answers = Vec::new();
        for i in 0..31 {
            let hour = 8 + i % 10;
            let r = booking::book(
                &busy,
                &booking(store, &day, &format!("{hour:02}:00")),
                Booker::Public,
                "",
            )
            .await;
            answers.push(r);
        }
        assert!(answers[..30].iter().all(|r| r.is_ok()));
        assert!(
            matches!(answers[30], Err(AppError::TooManyRequests { retry_after_secs, .. }) if retry_after_secs > 0)
        );
        // Through HTTP, the same refusal is 429.
        for _ in 0..30 {
            app.call(
                "book/find",
                &[("code", "ABCDEFGH"), ("mobile", "13800000000")],
            )
            .await;
        }
        let res = app
            .call(
                "book/find",
                &[("code", "ABCDEFGH"), ("mobile", "13800000000")],
            )
            .await;
        assert_eq!(res.status(), 429);

        // One mobile: five bookings a day, from any address.
        let mut b = booking(store, &day, "09:00");
        for i in 0..6 {
            let me = app.anonymous(&format!("10.71.0.{i}"));
            b.time = format!("{:02}:00", 9 + i);
            let r = booking::book(&me, &b, Booker::Public, "").await;
            assert_eq!(r.is_ok(), i < 5, "{i}: {r:?}");
        }
    }
);

both_dbs!(
    the_desk_sees_the_day_checks_in_completes_and_adds_walk_ins,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let advisor = app.ctx_as("sh.service").await;
        let me = app.anonymous("10.80.0.1");
        let today_s = today(&app).to_string();
        // A booking later today (the last slot, so it is not past) and one tomorrow.
        let late = booking(store, &today_s, "17:00");
        let now_min = (app.state.clock.now_ms() - clock::day_start(today(&app))) / 60_000;
        let todays = if now_min < 17 * 60 {
            Some(booking::book(&me, &late, Booker::Public, "").await.unwrap())
        } else {
            None
        };
        let next = booking::book(
            &me,
            &booking(store, &tomorrow(&app), "09:00"),
            Booker::Public,
            "",
        )
        .await
        .unwrap();

        // The desk's day shows it in its slot, with the load.
        let day = desk::day(&advisor, store, today(&app)).await.unwrap();
        assert_eq!(day.slots.len(), 10);
        if let Some(b) = &todays {
            let slot = day.slots.iter().find(|s| s.time == "17:00").unwrap();
            assert_eq!(slot.appointments[0].row.id, b.id);
            assert!(slot
                .load
                .iter()
                .any(|l| (l.pool.as_str(), l.booked, l.places) == ("shared", 1, 3)));
            // Checked in with mileage and notes, then completed.
            let v = slot.appointments[0].row.version;
            let check_in = desk::CheckIn {
                mileage: "23,500".into(),
                notes: "右前轮胎压低".into(),
                advisor_id: None,
            };
            desk::step(&advisor, b.id, AppointmentStep::CheckIn, v, &check_in)
                .await
                .unwrap();
            // The same step from a stale page is refused.
            assert!(matches!(
                desk::step(
                    &advisor,
                    b.id,
                    AppointmentStep::Start,
                    v,
                    &Default::default()
                )
                .await,
                Err(AppError::Conflict(_))
            ));
            let a = desk::get(&advisor, b.id).await.unwrap();
            assert_eq!(a.checkin_mileage, Some(23_500));
            assert_eq!(a.advisor_id, advisor.principal().unwrap().user_id);
            desk::step(
                &advisor,
                b.id,
                AppointmentStep::Complete,
                a.version,
                &Default::default(),
            )
            .await
            .unwrap();
            assert_eq!(
                desk::get(&advisor, b.id).await.unwrap().status.code(),
                "completed"
            );
            // The completed visit asks for a rating, and the desk shows the link.
            let invited: i64 = sql(
                "SELECT COUNT(*) FROM ratings WHERE subject_kind = 'appointment' AND subject_id = $1",
            )
            .bind(b.id)
            .scalar(&app.db)
            .await
            .unwrap();
            assert_eq!(invited, 1);
            let day = desk::day(&advisor, store, today(&app)).await.unwrap();
            let shown = day
                .slots
                .iter()
                .flat_map(|s| &s.appointments)
                .find(|a| a.row.id == b.id)
                .unwrap();
            assert!(shown
                .rating
                .as_ref()
                .is_some_and(|r| r.url.starts_with("/rate/") && !r.answered));
        }
        // Tomorrow's cannot be checked in yet, nor marked a no-show.
        let v = desk::get(&advisor, next.id).await.unwrap().version;
        assert!(matches!(
            desk::step(
                &advisor,
                next.id,
                AppointmentStep::CheckIn,
                v,
                &Default::default()
            )
            .await,
            Err(AppError::Conflict(_))
        ));
        assert!(matches!(
            desk::step(
                &advisor,
                next.id,
                AppointmentStep::NoShow,
                v,
                &Default::default()
            )
            .await,
            Err(AppError::Conflict(_))
        ));
        // The desk cancels it: its place is free again.
        desk::step(
            &advisor,
            next.id,
            AppointmentStep::Cancel,
            v,
            &Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(booked(&app, store, &tomorrow(&app), 540).await, 0);

        // A walk-in: checked in at once, in no slot's count.
        let walk_in = booking::book(
            &advisor,
            &BookingInput {
                time: String::new(),
                ..booking(store, &today_s, "")
            },
            Booker::Desk(app::aftersales::domain::BookingSource::WalkIn),
            "",
        )
        .await;
        assert_eq!(
            walk_in.unwrap_err().fields()[0].field,
            "time",
            "the service asks for a time"
        );
        let w = booking::book(
            &advisor,
            &booking(store, &today_s, "08:05"),
            Booker::Desk(app::aftersales::domain::BookingSource::WalkIn),
            "",
        )
        .await
        .unwrap();
        let a = desk::get(&advisor, w.id).await.unwrap();
        assert_eq!(
            (a.status.code(), a.source.code()),
            ("checked_in", "walk_in")
        );

        // Another store's desk and appointments are as if missing; a salesperson has no desk.
        let hz = app.ctx_as("hz.service").await;
        assert!(matches!(
            desk::get(&hz, w.id).await,
            Err(AppError::NotFound(_))
        ));
        let sales = app.ctx_as("sh.sales").await;
        assert!(matches!(
            desk::day(&sales, store, today(&app)).await,
            Err(AppError::Forbidden(_))
        ));

        // The desk page is drawn on the server with the walk-in on it.
        app.login_as("sh.service").await;
        let page = app
            .get(&format!("/service?day={today_s}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&a.code), "{page}");
    }
);

both_dbs!(
    the_rest_api_books_without_a_key_and_the_desk_needs_one,
    |app| async move {
        app.seed_demo().await;
        let store = open_store(&app, 3).await;
        let day = tomorrow(&app);
        let c = reqwest::Client::new();
        let url = |p: &str| app.url(&format!("/api/v1{p}"));

        // The public side: slots and a booking with no key; a bad plate is a problem naming it.
        let slots: serde_json::Value = c
            .get(url(&format!(
                "/public/slots?store_id={store}&service_type=maintenance&day={day}"
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(slots["day"], day.as_str());
        assert_eq!(slots["slots"].as_array().unwrap().len(), 10);
        let b = booking(store, &day, "13:00");
        let res = c
            .post(url("/public/bookings"))
            .json(&b)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let booked: serde_json::Value = res.json().await.unwrap();
        let code = booked["code"].as_str().unwrap().to_owned();
        let bad = BookingInput {
            plate: "沪A1234O".into(),
            ..booking(store, &day, "13:00")
        };
        let res = c
            .post(url("/public/bookings"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "plate");
        let found: serde_json::Value = c
            .post(url("/public/bookings/lookup"))
            .json(&serde_json::json!({ "code": code, "mobile": b.mobile }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["booking"]["time"], "13:00");
        assert!(found["booking"]["mobile"]
            .as_str()
            .unwrap()
            .contains("****"));

        // The desk's side needs a key; with one, the booking is on the day.
        assert_eq!(
            c.get(url(&format!("/appointments?store_id={store}&day={day}")))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        let (_, key) = app::auth::api_key::create(
            &app.db,
            "desk",
            app::domain::Role::ServiceAdvisor,
            Some(store),
            None,
        )
        .await
        .unwrap();
        let desk: serde_json::Value = c
            .get(url(&format!("/appointments?store_id={store}&day={day}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let slot = desk["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["time"] == "13:00")
            .unwrap();
        assert_eq!(slot["appointments"][0]["code"], code.as_str());
        let capacity: serde_json::Value = c
            .get(url(&format!("/stores/{store}/service-capacity")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(capacity["slot_minutes"], 60);
        assert_eq!(capacity["hours"][0]["opens"], "08:00");
    }
);
