//! Complaints (投诉) and satisfaction ratings (满意度) on both databases: staff entry through
//! the page's server function and REST; the public form that proves the customer by a
//! booking code or order number with its mobile (a wrong pair told exactly what an
//! unknown one is), its rate limit and honeypot; deadlines across Shanghai midnight; the
//! escalation that happens once however many workers run it; and rating links — made on
//! an order's completion, answered once, refused once expired, a low score opening a
//! complaint draft.

use crate::{both_dbs, helpers::TestApp};
use app::{
    aftersales::{
        domain::{
            complaint::{ComplaintFilter, ComplaintInput, ComplaintStatus, StepInput},
            rating::{RatingInput, RatingSubject, VALID_MS},
        },
        service::{complaints, ratings},
    },
    auth::{api_key, Principal},
    clock::{self, Clock},
    ctx::Ctx,
    db::sql,
    domain::Role,
    i18n::Lang,
    server::RequestInfo,
};
use serde_json::{json, Value};

const HOUR: i64 = 3_600_000;

/// 22:30 on 27 November 2026 in Shanghai.
fn late_evening() -> i64 {
    clock::day_start(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()) + 22 * HOUR + HOUR / 2
}

/// A context for a demo user whose clock stands at `now`.
async fn ctx_at(app: &TestApp, username: &str, now: i64) -> Ctx {
    let (id, display_name, role, store_id): (i64, String, String, Option<i64>) =
        sql("SELECT id, display_name, role, store_id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let mut state = app.state.clone();
    state.clock = Clock::Fixed(now);
    Ctx::for_principal(
        state,
        Principal {
            user_id: Some(id),
            api_key_id: None,
            name: username.into(),
            display_name,
            role: role.parse().unwrap(),
            store_id,
        },
        Lang::En,
    )
}

/// A caller without an account (the public pages) at `now`.
fn anonymous_at(app: &TestApp, now: i64) -> Ctx {
    let mut state = app.state.clone();
    state.clock = Clock::Fixed(now);
    Ctx::new(
        state,
        None,
        Lang::En,
        RequestInfo {
            request_id: "test".into(),
            ip: "203.0.113.7".into(),
            ..Default::default()
        },
    )
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sql(format!("SELECT COUNT(*) FROM {table}"))
        .scalar(&app.db)
        .await
        .unwrap()
}

/// An appointment of SH01 with booking code `code` for `mobile`.
async fn appointment(app: &TestApp, code: &str, mobile: &str) -> i64 {
    let sh = app.store_id("SH01").await;
    sql("INSERT INTO appointments (code, access_token, store_id, service_type, pool, day, start_min,
             starts_at, ends_at, status, source, name, mobile, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, 'maintenance', 'shared', '2026-11-27', 540, 0, 0, 'completed', 'online',
                 '周先生', $4, 0, 0, 'test')
         RETURNING id")
    .bind(code)
    .bind(format!("token-{code}"))
    .bind(sh)
    .bind(mobile)
    .scalar(&app.db)
    .await
    .unwrap()
}

/// An API key of `role` for SH01.
async fn sh_key(app: &TestApp, role: Role) -> String {
    let sh = app.store_id("SH01").await;
    api_key::create(&app.db, "complaints", role, Some(sh), None)
        .await
        .unwrap()
        .1
}

fn staff_input(severity: &str) -> ComplaintInput {
    ComplaintInput {
        category: "waiting".into(),
        severity: severity.into(),
        description: "等了三个小时".into(),
        customer_name: "周先生".into(),
        ..Default::default()
    }
}

both_dbs!(
    staff_enter_complaints_by_page_and_by_rest,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.service").await;
        let code = "K7M2QX9D";
        appointment(&app, code, "13900001111").await;
        // The page's form: a link by booking code, written as a customer reads it out.
        let res = app
            .call(
                "complaints/create",
                &[
                    ("category", "repair_quality"),
                    ("severity", "serious"),
                    ("description", "保养后异响"),
                    ("appointment_code", "k7m2-qx9d"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        let (status, mobile, appointment_code): (String, String, Option<i64>) =
            sql("SELECT status, mobile, appointment_id FROM complaints ORDER BY id DESC LIMIT 1")
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(status, "open");
        assert_eq!(mobile, "13900001111", "taken from the booking");
        assert!(appointment_code.is_some());
        // Bad input names each field and writes nothing.
        let before = count(&app, "complaints").await;
        let res = app
            .call(
                "complaints/create",
                &[
                    ("category", "nonsense"),
                    ("severity", "urgent"),
                    ("description", ""),
                    ("order_number", "SH01-20991231-0001"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        let text = body.to_string();
        assert!(
            text.contains("category") && text.contains("description"),
            "{text}"
        );
        assert_eq!(count(&app, "complaints").await, before);

        // REST with a key: 201 and where it lives; then the steps.
        let key = sh_key(&app, Role::ServiceAdvisor).await;
        let c = app.new_client();
        let res = c
            .post(app.url("/api/v1/complaints"))
            .bearer_auth(&key)
            .json(&json!({"category": "price", "severity": "urgent", "description": "多收费"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let created: Value = res.json().await.unwrap();
        let id = created["complaint"]["id"].as_i64().unwrap();
        assert_eq!(location, format!("/api/v1/complaints/{id}"));
        assert_eq!(created["complaint"]["severity"], "urgent");
        let due = created["complaint"]["due_at"].as_i64().unwrap();
        let made = created["complaint"]["created_at"].as_i64().unwrap();
        assert_eq!(due - made, 4 * HOUR, "urgent: four hours");
        let step = |body: Value| {
            let c = c.clone();
            let key = key.clone();
            let url = app.url(&format!("/api/v1/complaints/{id}/steps"));
            async move {
                c.post(url)
                    .bearer_auth(key)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        // Closing an open complaint skips its answer: refused, naming the step.
        let res = step(json!({"step": "close"})).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            res.json::<Value>().await.unwrap()["errors"][0]["field"],
            "step"
        );
        assert_eq!(step(json!({"step": "start"})).await.status(), 200);
        let res = step(json!({"step": "resolve"})).await;
        assert_eq!(res.status(), 422, "a resolution needs its note");
        assert_eq!(
            res.json::<Value>().await.unwrap()["errors"][0]["field"],
            "note"
        );
        assert_eq!(
            step(json!({"step": "resolve", "note": "退还多收的 600 元"}))
                .await
                .status(),
            200
        );
        assert_eq!(step(json!({"step": "close"})).await.status(), 200);
        let res = step(json!({"step": "reopen", "note": "客户又来电", "version": 1})).await;
        assert_eq!(res.status(), 409, "an old version is a conflict");
        let res = step(json!({"step": "reopen", "note": "客户又来电"})).await;
        assert_eq!(res.status(), 200);
        let detail: Value = res.json().await.unwrap();
        assert_eq!(detail["complaint"]["status"], "in_progress");
        assert!(detail["complaint"]["closed_at"].is_null());
        let kinds: Vec<&str> = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["created", "start", "resolve", "close", "reopen"]);
        assert_eq!(detail["complaint"]["resolution"], "退还多收的 600 元");

        // Another store's complaint is as missing; a role that does not meet customers is 403.
        let hz = app.ctx_as("hz.manager").await;
        let e = complaints::get(&hz, id).await.unwrap_err();
        assert_eq!(e.status_code(), 404);
        let clerk = app.ctx_as("sh.clerk").await;
        assert_eq!(
            complaints::create(&clerk, &staff_input("normal"))
                .await
                .unwrap_err()
                .status_code(),
            403
        );
    }
);

both_dbs!(
    a_public_complaint_needs_the_right_pair_and_tells_nothing_else,
    |app| async move {
        app.seed_demo().await;
        appointment(&app, "ABCD2345", "13900002222").await;
        let (number, mobile): (String, String) = sql(
            "SELECT o.number, c.mobile FROM orders o JOIN customers c ON c.id = o.customer_id
             ORDER BY o.id LIMIT 1",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        let c = app.new_client();
        let send = |body: Value| {
            let c = c.clone();
            let url = app.url("/api/v1/public/complaints");
            async move { c.post(url).json(&body).send().await.unwrap() }
        };
        let body = |reference: &str, mobile: &str| {
            json!({"reference": reference, "mobile": mobile, "category": "waiting",
                   "description": "等太久了", "name": "周先生"})
        };
        // No key needed: the right booking code and mobile.
        let res = send(body("abcd 2345", "139 0000 2222")).await;
        assert_eq!(res.status(), 202);
        let reference = res.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let (source, appointment_id): (String, Option<i64>) =
            sql("SELECT source, appointment_id FROM complaints WHERE reference = $1")
                .bind(&reference)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(source, "public");
        assert!(appointment_id.is_some());
        // The right order number and its customer's mobile.
        let res = send(body(&number.to_lowercase(), &mobile)).await;
        assert_eq!(res.status(), 202);
        let before = count(&app, "complaints").await;
        // A wrong mobile and an unknown code: the same answer, word for word.
        let wrong = send(body("ABCD2345", "13900009999")).await;
        let unknown = send(body("ZZZZ2345", "13900002222")).await;
        let wrong_order = send(body(&number, "13900009999")).await;
        assert_eq!(wrong.status(), 422);
        assert_eq!(unknown.status(), 422);
        assert_eq!(wrong_order.status(), 422);
        let (a, b, o): (Value, Value, Value) = (
            wrong.json().await.unwrap(),
            unknown.json().await.unwrap(),
            wrong_order.json().await.unwrap(),
        );
        assert_eq!(a, b);
        assert_eq!(a, o);
        assert_eq!(a["errors"][0]["field"], "reference");
        assert_eq!(count(&app, "complaints").await, before, "nothing written");
        // The page's form without JavaScript keeps what was typed.
        let res = app
            .call(
                "complain",
                &[
                    ("reference", "ABCD2345"),
                    ("mobile", "13900009999"),
                    ("category", "waiting"),
                    ("description", "等太久了"),
                    ("name", ""),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let e: Value = res.json().await.unwrap();
        assert!(
            e.to_string().contains("等太久了"),
            "the input comes back: {e}"
        );
        // The public route is in the OpenAPI document, needing no key.
        let doc: Value = app
            .client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let op = &doc["paths"]["/api/v1/public/complaints"]["post"];
        assert_eq!(op["security"], json!([{}]));
        assert!(op["responses"]["401"].is_null());
        assert!(!doc["paths"]["/api/v1/complaints"]["post"]["responses"]["401"].is_null());
        // Staff routes still need a key.
        let res = c.get(app.url("/api/v1/complaints")).send().await.unwrap();
        assert_eq!(res.status(), 401);
    }
);

both_dbs!(
    public_complaints_are_limited_per_address_and_robots_are_dropped,
    |app| async move {
        app.seed_demo().await;
        appointment(&app, "ABCD2345", "13900002222").await;
        let c = app.new_client();
        let before = count(&app, "complaints").await;
        // A robot fills the hidden field: answered as received, nothing written.
        let res = c
            .post(app.url("/api/v1/public/complaints"))
            .json(
                &json!({"reference": "ABCD2345", "mobile": "13900002222", "category": "other",
                          "description": "buy cheap watches", "website": "http://spam.example"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
        let res = app
            .call(
                "complain",
                &[
                    ("reference", "ABCD2345"),
                    ("mobile", "13900002222"),
                    ("category", "other"),
                    ("description", "spam"),
                    ("name", ""),
                    ("website", "spam"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            count(&app, "complaints").await,
            before,
            "the honeypot writes nothing"
        );
        // Ten tries an hour from one address (two made above); the eleventh is 429.
        for i in 0..8 {
            let res = c
                .post(app.url("/api/v1/public/complaints"))
                .json(&json!({"reference": "ZZZZ2345", "mobile": "13900002222",
                              "category": "other", "description": format!("try {i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 422, "try {i}");
        }
        let res = c
            .post(app.url("/api/v1/public/complaints"))
            .json(&json!({"reference": "ABCD2345", "mobile": "13900002222",
                          "category": "other", "description": "right pair, too late"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        let p: Value = res.json().await.unwrap();
        assert!(p["retry_after_secs"].as_i64().unwrap() > 0);
        assert_eq!(count(&app, "complaints").await, before);
    }
);

both_dbs!(
    deadlines_and_overdue_follow_the_shanghai_clock_across_midnight,
    |app| async move {
        app.seed_demo().await;
        let made = late_evening();
        let ctx = ctx_at(&app, "sh.service", made).await;
        let urgent = complaints::create(&ctx, &staff_input("urgent"))
            .await
            .unwrap();
        let normal = complaints::create(&ctx, &staff_input("normal"))
            .await
            .unwrap();
        let d = complaints::get(&ctx, urgent).await.unwrap();
        assert_eq!(clock::local_time(d.complaint.due_at), "2026-11-28 02:30:00");
        assert_eq!(
            clock::local_time(
                complaints::get(&ctx, normal)
                    .await
                    .unwrap()
                    .complaint
                    .due_at
            ),
            "2026-11-30 22:30:00"
        );
        // 02:29 the next morning: not yet; 02:30: overdue, and listed as such.
        let before = ctx_at(&app, "sh.service", made + 4 * HOUR - 60_000).await;
        assert!(!complaints::get(&before, urgent).await.unwrap().overdue);
        let overdue_only = ComplaintFilter {
            overdue: true,
            ..Default::default()
        };
        let ids = |rows: Vec<app::aftersales::domain::complaint::ComplaintRow>| {
            rows.into_iter().map(|c| c.id).collect::<Vec<_>>()
        };
        assert!(!ids(complaints::list(&before, &overdue_only).await.unwrap()).contains(&urgent));
        let at = ctx_at(&app, "sh.service", made + 4 * HOUR).await;
        assert!(complaints::get(&at, urgent).await.unwrap().overdue);
        let listed = ids(complaints::list(&at, &overdue_only).await.unwrap());
        assert!(listed.contains(&urgent));
        assert!(!listed.contains(&normal));
        // Taken up: no longer overdue, whatever the hour.
        complaints::step(
            &at,
            urgent,
            &StepInput {
                step: "start".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let later = ctx_at(&app, "sh.service", made + 10 * HOUR).await;
        assert!(!complaints::get(&later, urgent).await.unwrap().overdue);
        // A store's own hours apply to complaints made after they are set.
        let manager = ctx_at(&app, "sh.manager", made).await;
        complaints::set_rules(
            &manager,
            None,
            app::aftersales::domain::complaint::ResponseHours {
                urgent_hours: 2,
                serious_hours: 8,
                normal_hours: 48,
            },
        )
        .await
        .unwrap();
        let quick = complaints::create(&ctx, &staff_input("urgent"))
            .await
            .unwrap();
        assert_eq!(
            clock::local_time(complaints::get(&ctx, quick).await.unwrap().complaint.due_at),
            "2026-11-28 00:30:00"
        );
        let advisor = ctx_at(&app, "sh.service", made).await;
        let e = complaints::set_rules(&advisor, None, Default::default())
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 403);
    }
);

both_dbs!(
    an_overdue_complaint_is_escalated_once_however_many_workers_run,
    |app| async move {
        app.seed_demo().await;
        // Away from the demo's own complaints: a clock far in the future escalates
        // those too; count only ours.
        let made = late_evening() + 400 * 24 * HOUR;
        let ctx = ctx_at(&app, "sh.service", made).await;
        let id = complaints::create(&ctx, &staff_input("urgent"))
            .await
            .unwrap();
        let escalated_events = || async {
            sql("SELECT COUNT(*) FROM complaint_events WHERE complaint_id = $1 AND kind = 'escalated'")
                .bind(id)
                .scalar::<i64>(&app.db)
                .await
                .unwrap()
        };
        // Everything due before ours goes first (the demo's).
        complaints::escalate_overdue(&app.db, made).await.unwrap();
        assert_eq!(escalated_events().await, 0, "not yet due");
        let due = made + 4 * HOUR;
        let runs = (0..6).map(|_| {
            let db = app.db.clone();
            async move { complaints::escalate_overdue(&db, due).await.unwrap() }
        });
        let total: usize = futures::future::join_all(runs).await.into_iter().sum();
        assert_eq!(total, 1, "six workers, one escalation");
        assert_eq!(escalated_events().await, 1);
        assert_eq!(
            complaints::escalate_overdue(&app.db, due + HOUR)
                .await
                .unwrap(),
            0,
            "and never again"
        );
        let note: String =
            sql("SELECT note FROM complaint_events WHERE complaint_id = $1 AND kind = 'escalated'")
                .bind(id)
                .scalar(&app.db)
                .await
                .unwrap();
        assert!(
            note.contains("李明"),
            "the store's manager is named: {note}"
        );
        // The manager's badge and escalated list hold it; the advisor's badge is nothing.
        let manager = ctx_at(&app, "sh.manager", due).await;
        assert!(complaints::escalated_count(&manager).await.unwrap() >= 1);
        let list = complaints::list(
            &manager,
            &ComplaintFilter {
                escalated: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(list
            .iter()
            .any(|c| c.id == id && c.escalated_at == Some(due)));
        assert_eq!(complaints::escalated_count(&ctx).await.unwrap(), 0);
        // The job is registered with the server's jobs.
        assert!(server::startup::jobs()
            .iter()
            .any(|j| j.name == "complaints.escalate"));
    }
);

both_dbs!(
    a_completed_order_asks_for_a_rating_answered_once,
    |app| async move {
        app.seed_demo().await;
        let (order, store_id): (i64, i64) = sql(
            "SELECT o.id, o.store_id FROM orders o JOIN stores s ON s.id = o.store_id
             WHERE o.status = 'shipped' AND s.code = 'SH01' ORDER BY o.id LIMIT 1",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        let sales = app.ctx_as("sh.sales").await;
        app::orders::service::orders::complete(&sales, order)
            .await
            .unwrap();
        let (token, staff, expires, created): (String, Option<i64>, i64, i64) =
            sql("SELECT token, staff_id, expires_at, created_at FROM ratings
             WHERE subject_kind = 'order' AND subject_id = $1")
            .bind(order)
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(token.len(), 32);
        assert!(staff.is_some(), "the salesperson is rated");
        assert_eq!(expires - created, VALID_MS);
        // One link per event: asking again gives the same token.
        let mut tx = app.db.begin().await.unwrap();
        let again = ratings::invite(
            &mut tx,
            RatingSubject::order(order, store_id, staff, 0),
            created + 1000,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(again, token);
        // Staff see the link on the order.
        let link = ratings::order_link(&sales, order).await.unwrap().unwrap();
        assert_eq!(link.path, format!("/rate/{token}"));
        assert!(!link.answered);
        // The page opens without signing in.
        let res = app
            .new_client()
            .get(app.url(&format!("/rate/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // Answered once, without a key; the second answer is refused.
        let c = app.new_client();
        let url = app.url(&format!("/api/v1/public/ratings/{token}"));
        let answer = json!({"stars": "5", "nps": "10", "comment": "很满意"});
        let res = c.post(&url).json(&answer).send().await.unwrap();
        assert_eq!(res.status(), 204);
        let res = c.post(&url).json(&answer).send().await.unwrap();
        assert_eq!(res.status(), 409);
        let res = c
            .post(app.url(&format!("/api/v1/public/ratings/{}", "0".repeat(32))))
            .json(&answer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        // Not a low score: no complaint.
        let drafts: i64 = sql("SELECT COUNT(*) FROM complaints WHERE order_id = $1")
            .bind(order)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(drafts, 0);
        // The scores count it, for the store and the salesperson.
        let summary = ratings::summary(&app.ctx_as("sh.manager").await, None)
            .await
            .unwrap();
        assert!(summary
            .stores
            .iter()
            .any(|s| s.id == store_id && s.answers >= 1));
        assert!(summary.salespeople.iter().any(|s| Some(s.id) == staff));
        assert!(summary
            .recent
            .iter()
            .any(|r| r.subject_id == order && r.stars == 5));
    }
);

both_dbs!(
    an_expired_link_is_refused_and_a_low_score_opens_a_draft,
    |app| async move {
        app.seed_demo().await;
        // The advisor's scores below are this test's alone (not the demo visits').
        sql("DELETE FROM ratings WHERE subject_kind = 'appointment'")
            .execute(&app.db)
            .await
            .unwrap();
        let sh = app.store_id("SH01").await;
        let advisor: i64 = sql("SELECT id FROM users WHERE username = 'sh.service'")
            .scalar(&app.db)
            .await
            .unwrap();
        let visit = appointment(&app, "QRST2345", "13900003333").await;
        let made = late_evening();
        let mut tx = app.db.begin().await.unwrap();
        let token = ratings::invite(
            &mut tx,
            RatingSubject::appointment(visit, sh, Some(advisor), None),
            made,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let low = RatingInput {
            stars: "4".into(),
            nps: "5".into(),
            comment: "等待时间太长".into(),
            website: String::new(),
        };
        // Thirty days on, to the millisecond: expired.
        let e = ratings::answer(&anonymous_at(&app, made + VALID_MS), &token, &low)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 409);
        assert_eq!(e.to_string(), Lang::En.t("rating.expired"));
        // Bad answers are refused on their fields and change nothing.
        let bad = RatingInput {
            stars: "9".into(),
            ..low.clone()
        };
        let e = ratings::answer(&anonymous_at(&app, made + 1000), &token, &bad)
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "stars");
        // A moment before: accepted; NPS 5 is a detractor, so a draft for the manager.
        ratings::answer(&anonymous_at(&app, made + VALID_MS - 1), &token, &low)
            .await
            .unwrap();
        let (status, source, severity, appointment_id, mobile): (
            String,
            String,
            String,
            Option<i64>,
            String,
        ) = sql(
            "SELECT c.status, c.source, c.severity, c.appointment_id, c.mobile FROM complaints c
             JOIN ratings r ON r.complaint_id = c.id WHERE r.token = $1",
        )
        .bind(&token)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(status, ComplaintStatus::Draft.code());
        assert_eq!(source, "rating");
        assert_eq!(severity, "normal");
        assert_eq!(appointment_id, Some(visit));
        assert_eq!(mobile, "13900003333");
        let e = ratings::answer(&anonymous_at(&app, made + 2000), &token, &low)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 409, "one answer per visit");
        // The draft is the manager's to accept: the advisor may not.
        let draft: i64 = sql("SELECT complaint_id FROM ratings WHERE token = $1")
            .bind(&token)
            .scalar(&app.db)
            .await
            .unwrap();
        let confirm = StepInput {
            step: "confirm".into(),
            ..Default::default()
        };
        let e = complaints::step(&app.ctx_as("sh.service").await, draft, &confirm)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 403);
        complaints::step(&app.ctx_as("sh.manager").await, draft, &confirm)
            .await
            .unwrap();
        // The advisor's score counts it.
        let summary = ratings::summary(&app.ctx_as("sh.manager").await, None)
            .await
            .unwrap();
        let mine = summary
            .advisors
            .iter()
            .find(|s| s.id == advisor)
            .expect("the advisor is scored");
        assert_eq!((mine.answers, mine.avg_stars, mine.nps), (1, 4.0, -100));
        // A high score opens nothing.
        let other = appointment(&app, "WXYZ2345", "13900004444").await;
        let mut tx = app.db.begin().await.unwrap();
        let token2 = ratings::invite(
            &mut tx,
            RatingSubject::appointment(other, sh, Some(advisor), None),
            made,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let before = count(&app, "complaints").await;
        let glad = RatingInput {
            stars: "3".into(),
            nps: "7".into(),
            ..low
        };
        ratings::answer(&anonymous_at(&app, made + HOUR), &token2, &glad)
            .await
            .unwrap();
        assert_eq!(count(&app, "complaints").await, before);
    }
);

/// Follows a form post's redirect (an absolute or a site path) and reads the page.
async fn follow(app: &TestApp, client: &reqwest::Client, res: reqwest::Response) -> String {
    assert_eq!(res.status(), 302, "a plain form post is redirected");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let url = if location.starts_with('/') {
        app.url(&location)
    } else {
        location
    };
    let page = client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

both_dbs!(
    the_customer_pages_work_without_javascript_or_an_account,
    |app| async move {
        app.seed_demo().await;
        appointment(&app, "ABCD2345", "13900002222").await;
        let c = app.new_client();
        let page = c.get(app.url("/complain")).send().await.unwrap();
        assert_eq!(page.status(), 200, "no sign-in needed");
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"complain-form\""));
        for name in [
            "reference",
            "mobile",
            "category",
            "description",
            "name",
            "website",
        ] {
            assert!(
                html.contains(&format!("for=\"complain-{name}\"")),
                "{name} has a label"
            );
        }
        let post = |form: Vec<(&'static str, &'static str)>, referer: String, url: String| {
            let c = c.clone();
            async move {
                c.post(url)
                    .header("accept", "text/html")
                    .header("referer", referer)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let form = |mobile: &'static str| {
            vec![
                ("reference", "ABCD2345"),
                ("mobile", mobile),
                ("category", "waiting"),
                ("description", "等了两个小时"),
                ("name", ""),
                ("website", ""),
            ]
        };
        // A wrong pair comes back to the form: the message beside the field, the typed text kept.
        let res = post(
            form("13900009999"),
            app.url("/complain"),
            app.url("/sfn/complain"),
        )
        .await;
        let html = follow(&app, &c, res).await;
        assert!(html.contains("等了两个小时"), "what was typed stays");
        assert!(
            html.contains("aria-invalid=\"true\""),
            "the field is marked"
        );
        assert!(html.contains(Lang::ZhCn.t("complaint.public.not_found")));
        // The right pair: received, with the reference to quote.
        let res = post(
            form("13900002222"),
            app.url("/complain"),
            app.url("/sfn/complain"),
        )
        .await;
        let html = follow(&app, &c, res).await;
        assert!(
            html.contains("data-testid=\"complaint-received\""),
            "{html}"
        );
        let reference: String = sql("SELECT reference FROM complaints ORDER BY id DESC LIMIT 1")
            .scalar(&app.db)
            .await
            .unwrap();
        assert!(html.contains(&reference));

        // The rating page: a bad answer comes back marked; a good one thanks.
        let sh = app.store_id("SH01").await;
        let visit = appointment(&app, "QRST2345", "13900003333").await;
        let mut tx = app.db.begin().await.unwrap();
        let token = ratings::invite(
            &mut tx,
            RatingSubject::appointment(visit, sh, None, None),
            app::db::now_ms(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let rate_url = app.url(&format!("/rate/{token}"));
        let html = c.get(&rate_url).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"rate-form\""));
        assert!(
            html.contains("for=\"rate-stars-5\""),
            "each choice has a label"
        );
        let token: &'static str = Box::leak(token.into_boxed_str());
        let answer = |stars: &'static str| {
            vec![
                ("token", token),
                ("stars", stars),
                ("nps", "9"),
                ("comment", "师傅很耐心"),
                ("website", ""),
            ]
        };
        let res = post(answer(""), rate_url.clone(), app.url("/sfn/rate/answer")).await;
        let html = follow(&app, &c, res).await;
        assert!(html.contains("师傅很耐心"), "the comment stays");
        assert!(html.contains("aria-invalid=\"true\""));
        let res = post(answer("5"), rate_url.clone(), app.url("/sfn/rate/answer")).await;
        let html = follow(&app, &c, res).await;
        assert!(html.contains("data-testid=\"rate-thanks\""), "{html}");
        let html = c
            .get(app.url(&format!("/rate/{}", "f".repeat(32))))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"rate-missing\""));
    }
);

both_dbs!(
    the_staff_pages_draw_complaints_scores_and_the_rating_link,
    |app| async move {
        app.seed_demo().await;
        // The demo's overdue complaint reaches the manager at the server's first job run.
        complaints::escalate_overdue(&app.db, app::db::now_ms())
            .await
            .unwrap();
        app.login_as("sh.manager").await;
        let html = app.get("/complaints").await.text().await.unwrap();
        assert!(html.contains("data-testid=\"complaints-table\""));
        assert!(
            html.contains("data-testid=\"complaint-overdue\""),
            "the overdue one is marked"
        );
        assert!(
            html.contains("data-testid=\"complaint-badge\""),
            "the manager's badge"
        );
        assert!(html.contains("data-testid=\"complaint-rules\""));
        let html = app
            .get("/complaints?escalated=1")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"complaint-escalated\""));
        let html = app.get("/complaints/new").await.text().await.unwrap();
        assert!(html.contains("data-testid=\"complaint-form\""));
        let id: i64 = sql("SELECT MIN(id) FROM complaints WHERE status = 'open'")
            .scalar(&app.db)
            .await
            .unwrap();
        let html = app
            .get(&format!("/complaints/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"step-start\""));
        assert!(html.contains("data-testid=\"complaint-timeline\""));
        // The demo's low rating waits as a draft for the manager.
        let html = app
            .get("/complaints?status=draft")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"complaint-row\""));
        let html = app.get("/ratings").await.text().await.unwrap();
        assert!(html.contains("data-testid=\"scores-stores\""));
        assert!(html.contains("data-testid=\"rating-row\""));
        // A completed order shows its rating link to copy.
        let order: i64 = sql(
        "SELECT o.id FROM orders o JOIN ratings r ON r.subject_kind = 'order' AND r.subject_id = o.id
         WHERE o.store_id = (SELECT id FROM stores WHERE code = 'SH01') ORDER BY o.id LIMIT 1",
    )
    .scalar(&app.db)
    .await
    .unwrap();
        let html = app
            .get(&format!("/orders/{order}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-testid=\"rating-link-card\""), "{html}");
        // Staff pages still need a sign-in.
        let res = app
            .new_client()
            .get(app.url("/complaints"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
    }
);
