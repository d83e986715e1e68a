//! Analytics, second part, on both databases: the order steps and cycle times following an
//! order through the app's own services, every bucket boundary, the cycle, customer and
//! turnover reports against figures worked out by hand, the dashboard's figures against
//! the lists they lead to, targets and settings (who may set them, every bad field named),
//! the summaries agreeing with the orders after a history load and changes, REST and the
//! .xlsx exports.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin},
};
use app::{
    analytics::{
        domain::{
            cycle::{CycleQuery, CycleStep},
            dashboard::{DashboardQuery, Links},
            period::PeriodQuery,
            targets::{SettingsInput, TargetInput},
            turnover::TurnoverQuery,
        },
        service::{customers, cycle, dashboard, targets, turnover},
    },
    auth::api_key,
    crm::{
        domain::{customer::CustomerInput, follow_up::DueView, lead::StageMove},
        service::{customers as crm_customers, follow_ups, leads},
    },
    db::sql,
    domain::Role,
    error::AppError,
    inventory::domain::vehicle::{StatusFilter, VehicleFilter},
    orders::{
        domain::{OrderFilter, OrderInput},
        service::{approvals, orders},
    },
};
use chrono::TimeZone;
use serde_json::Value;

const H: i64 = 3_600_000;
const D: i64 = 24 * H;

/// UTC milliseconds of a China-time moment (UTC+8).
fn china(y: i32, m: u32, d: u32, h: u32) -> i64 {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .timestamp_millis()
}

/// A store's first salesperson and first customer.
async fn seller(app: &TestApp, store: &str) -> (i64, i64, i64) {
    sql(
        "SELECT s.id, u.id, (SELECT MIN(c.id) FROM customers c WHERE c.store_id = s.id)
         FROM stores s JOIN users u ON u.store_id = s.id AND u.role = 'sales'
         WHERE s.code = $1 ORDER BY u.id LIMIT 1",
    )
    .bind(store)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// Stores an order that went through its steps at the times given (each optional).
async fn stepped(
    app: &TestApp,
    number: &str,
    store: &str,
    status: &str,
    created: i64,
    steps: [Option<i64>; 3],
) -> i64 {
    let ids = ids(app).await;
    let (store, salesperson, customer) = seller(app, store).await;
    sql("INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                             trim_id, color_id, list_price, discount, discount_bp, extras_total, total, paid,
                             payment_type, created_at, updated_at, updated_by, approved_at, shipped_at,
                             completed_at)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, 10000000, 0, 0, 0, 10000000, 0, 'full', $9, $9, 'test',
                 $10, $11, $12) RETURNING id")
    .bind(number)
    .bind(store)
    .bind(customer)
    .bind(salesperson)
    .bind(status)
    .bind(ids.model)
    .bind(ids.trim)
    .bind(ids.color)
    .bind(created)
    .bind(steps[0])
    .bind(steps[1])
    .bind(steps[2])
    .scalar(&app.db)
    .await
    .unwrap()
}

async fn customer_of(app: &TestApp, ctx: &app::ctx::Ctx, mobile: &str) -> i64 {
    let _ = app;
    crm_customers::create(
        ctx,
        &CustomerInput {
            name: "周期测试".into(),
            mobile: mobile.into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

both_dbs!(
    an_orders_steps_and_cycle_times_follow_it_through_the_services,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let manager = app.ctx_as("sh.manager").await;
        let customer = customer_of(&app, &sales, "13912340001").await;
        let vehicle = insert_vehicle(&app, &new_vin(), ids.sh_showroom, &ids, ids.color).await;
        let id = orders::create(
            &sales,
            &OrderInput {
                customer_id: customer.to_string(),
                trim_id: ids.trim.to_string(),
                color_id: ids.color.to_string(),
                list_price: "79800".into(),
                payment_type: "full".into(),
                ..Default::default()
            },
            true,
        )
        .await
        .unwrap();
        let steps = || async {
            sql("SELECT approved_at, shipped_at, completed_at FROM orders WHERE id = $1")
                .bind(id)
                .fetch_one::<(Option<i64>, Option<i64>, Option<i64>)>(&app.db)
                .await
                .unwrap()
        };
        let backlog = || async {
            sql("SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) FROM order_backlog WHERE model_id = $1")
                .bind(ids.model)
                .scalar::<i64>(&app.db)
                .await
                .unwrap()
        };
        let waiting = backlog().await;
        assert_eq!(steps().await, (None, None, None));
        approvals::approve(&manager, id, "同意", None)
            .await
            .unwrap();
        let (approved, shipped, completed) = steps().await;
        assert!(approved.is_some() && shipped.is_none() && completed.is_none());
        // Approved without a car: it waits for one; holding one ends the wait.
        orders::allocate(&sales, id, vehicle).await.unwrap();
        assert_eq!(backlog().await, waiting - 1);
        orders::ship(&sales, id).await.unwrap();
        orders::complete(&sales, id).await.unwrap();
        let (a, s, c) = steps().await;
        assert_eq!(a, approved);
        assert!(s.unwrap() >= a.unwrap() && c.unwrap() >= s.unwrap());
        // The vehicle left stock when it was sold.
        let sold_at: Option<i64> = sql("SELECT sold_at FROM vehicles WHERE id = $1")
            .bind(vehicle)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(sold_at, s);
        // One order in each step of this month; the customer bought once.
        let gm = app.ctx_as("gm").await;
        let r = cycle::report(&gm, &CycleQuery::default()).await.unwrap();
        let month = r.trend.last().unwrap();
        for step in &month.steps {
            assert!(step.orders >= 1, "{:?}", step.step);
        }
        let units: i64 = sql("SELECT units FROM customer_purchases WHERE customer_id = $1")
            .bind(customer)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(units, 1);
        // The lead the completion won remembers how far it got, and when.
        let (stage, reached, closed): (String, i64, Option<i64>) =
            sql("SELECT stage, reached, closed_at FROM leads WHERE customer_id = $1")
                .bind(customer)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!((stage.as_str(), reached), ("won", 5));
        assert!(closed.is_some());
    }
);

both_dbs!(
    every_cycle_bucket_counts_its_own_first_and_last_moment,
    |app| async move {
        app.seed_demo().await;
        let buckets: Vec<(i64, i64, i64)> =
            sql("SELECT bucket, lo_ms, hi_ms FROM cycle_buckets ORDER BY bucket")
                .fetch_all(&app.db)
                .await
                .unwrap();
        assert_eq!(buckets.len(), 51);
        let created = china(2024, 3, 1, 10);
        for (k, (bucket, lo, hi)) in buckets.iter().enumerate() {
            for (j, took) in [*lo, hi - 1].into_iter().enumerate() {
                let id = stepped(
                    &app,
                    &format!("SH01-B-{k:02}-{j}"),
                    "SH01",
                    "approved",
                    created,
                    [Some(created + took), None, None],
                )
                .await;
                // Each order alone in its month: the summary's row for it is this one.
                let month = app::clock::day_of(created + took)
                    .format("%Y-%m")
                    .to_string();
                let got: Vec<i64> = sql(
                    "SELECT bucket FROM order_cycles WHERE stage = 'approval' AND month = $1
                                         AND orders > 0 ORDER BY bucket",
                )
                .bind(month)
                .fetch_all::<(i64,)>(&app.db)
                .await
                .unwrap()
                .into_iter()
                .map(|(b,)| b)
                .collect();
                assert!(got.contains(bucket), "{took} ms: {got:?}, not {bucket}");
                sql("DELETE FROM orders WHERE id = $1")
                    .bind(id)
                    .execute(&app.db)
                    .await
                    .unwrap();
            }
        }
        // Deleting them took each out again.
        let left: i64 = sql("SELECT CAST(COALESCE(SUM(orders), 0) AS BIGINT) FROM order_cycles WHERE month < '2026-06'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
    }
);

both_dbs!(
    the_cycle_report_matches_figures_worked_out_by_hand,
    |app| async move {
        app.seed_demo().await;
        let gm = app.ctx_as("gm").await;
        // Approvals of 2 h, 5 h and 30 h in March 2024; the last at 23:30 on 31 March in
        // China time (still 31 March) and one at 00:30 on 1 April (April's).
        let t = china(2024, 3, 10, 10);
        stepped(
            &app,
            "SH01-C-1",
            "SH01",
            "completed",
            t,
            [Some(t + 2 * H), Some(t + 3 * D), Some(t + 5 * D)],
        )
        .await;
        stepped(
            &app,
            "SH01-C-2",
            "SH01",
            "approved",
            t,
            [Some(t + 5 * H), None, None],
        )
        .await;
        let late = china(2024, 3, 30, 17) + 30 * 60_000;
        stepped(
            &app,
            "HZ01-C-3",
            "HZ01",
            "approved",
            late,
            [Some(late + 30 * H), None, None],
        )
        .await;
        let april = china(2024, 4, 1, 0) + 30 * 60_000;
        stepped(
            &app,
            "SH01-C-4",
            "SH01",
            "approved",
            april - 10 * H,
            [Some(april), None, None],
        )
        .await;
        // Neither counts: cancelled, and waiting for approval.
        stepped(
            &app,
            "SH01-C-5",
            "SH01",
            "cancelled",
            t,
            [Some(t + H), None, None],
        )
        .await;
        stepped(
            &app,
            "SH01-C-6",
            "SH01",
            "pending_approval",
            t,
            [None, None, None],
        )
        .await;
        // February, the month before: one approval of 8 h.
        let feb = china(2024, 2, 10, 10);
        stepped(
            &app,
            "SH01-C-7",
            "SH01",
            "approved",
            feb,
            [Some(feb + 8 * H), None, None],
        )
        .await;

        let q = |from: &str, to: &str, store: Option<i64>| CycleQuery {
            from: from.into(),
            to: to.into(),
            store_id: store.map(|s| s.to_string()).unwrap_or_default(),
        };
        let r = cycle::report(&gm, &q("2024-03", "2024-03", None))
            .await
            .unwrap();
        let approval = r
            .totals
            .iter()
            .find(|s| s.step == CycleStep::Approval)
            .unwrap();
        assert_eq!(approval.orders, 3);
        // Three in [2 h, 3 h), [5 h, 6 h), [1 d, 2 d): the median is half-way into the second.
        assert_eq!(approval.median_hours, Some(5.5));
        assert_eq!(approval.mean_hours, Some(12.3));
        // p90: 2.7 of 3, 70 % into the last bucket's day.
        assert_eq!(approval.p90_hours, Some(40.8));
        let total = r
            .totals
            .iter()
            .find(|s| s.step == CycleStep::Total)
            .unwrap();
        assert_eq!(
            (total.orders, total.median_hours),
            (1, Some(5.0 * 24.0 + 12.0))
        );
        // The month before had one approval of 8 h.
        let before = r
            .previous
            .iter()
            .find(|s| s.step == CycleStep::Approval)
            .unwrap();
        assert_eq!((before.orders, before.median_hours), (1, Some(8.5)));
        assert_eq!(r.previous_months.first_label(), "2024-02");
        // By store: SH01 had two, HZ01 one.
        let sh = app.store_id("SH01").await;
        let hz = app.store_id("HZ01").await;
        let of = |key: i64| {
            r.stores
                .iter()
                .find(|l| l.key == key)
                .map(|l| l.steps[0].orders)
                .unwrap_or(0)
        };
        assert_eq!((of(sh), of(hz)), (2, 1));
        assert!(!r.salespeople.is_empty());
        // April's approval is April's; March to April is two months, each there.
        let two = cycle::report(&gm, &q("2024-03", "2024-04", None))
            .await
            .unwrap();
        let months: Vec<(String, i64)> = two
            .trend
            .iter()
            .map(|m| (m.month.clone(), m.steps[0].orders))
            .collect();
        assert_eq!(months, vec![("2024-03".into(), 3), ("2024-04".into(), 1)]);
        // A store-bound manager sees their own store whatever they ask.
        let hz_manager = app.ctx_as("hz.manager").await;
        let theirs = cycle::report(&hz_manager, &q("2024-03", "2024-03", Some(sh)))
            .await
            .unwrap();
        assert_eq!(theirs.store_id, Some(hz));
        assert_eq!(theirs.totals[0].orders, 1);
        // Bad months are named.
        let e = cycle::report(&gm, &q("2024-13", "", None))
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "from");
        let e = cycle::report(&gm, &q("2020-01", "2024-03", None))
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "from");
        // Salespeople may not read it.
        let sales = app.ctx_as("sh.sales").await;
        assert!(matches!(
            cycle::report(&sales, &CycleQuery::default()).await,
            Err(AppError::Forbidden(_))
        ));
    }
);

/// A lead opened at `created` for a fresh customer of `store`, at `stage` having reached
/// `reached`, closed `closed_after` later when won or lost.
#[allow(clippy::too_many_arguments)]
async fn lead(
    app: &TestApp,
    n: u32,
    store: i64,
    owner: Option<i64>,
    source: &str,
    stage: &str,
    reached: i64,
    reason: &str,
    created: i64,
    closed_after: i64,
    budget: &str,
) {
    let customer: i64 = sql("INSERT INTO customers (store_id, kind, name, initials, mobile, mobile_last4, source,
                                                    owner_id, budget, fuel, preferred_models, created_at, updated_at)
             VALUES ($1, 'person', '客户', 'kh', $2, '0000', $3, $4, $5, 'electric', 'Model Y', $6, $6) RETURNING id")
        .bind(store)
        .bind(format!("1770000{n:04}"))
        .bind(source)
        .bind(owner)
        .bind(budget)
        .bind(created)
        .scalar(&app.db)
        .await
        .unwrap();
    let closed = matches!(stage, "won" | "lost").then_some(created + closed_after);
    sql("INSERT INTO leads (customer_id, store_id, owner_id, stage, reached, lost_reason, source, closed_at,
                            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
    .bind(customer)
    .bind(store)
    .bind(owner)
    .bind(stage)
    .bind(reached)
    .bind(reason)
    .bind(source)
    .bind(closed)
    .bind(created)
    .execute(&app.db)
    .await
    .unwrap();
}

both_dbs!(
    the_customer_report_matches_figures_worked_out_by_hand,
    |app| async move {
        app.seed_demo().await;
        let gm = app.ctx_as("gm").await;
        let (sh, owner, _) = seller(&app, "SH01").await;
        let hz = app.store_id("HZ01").await;
        let t = china(2024, 5, 10, 10);
        // SH01 in May 2024: ten leads.
        let mut n = 0;
        let mut add = |source: &'static str,
                       stage: &'static str,
                       reached: i64,
                       reason: &'static str,
                       closed_days: i64,
                       budget: &'static str| {
            n += 1;
            (n, source, stage, reached, reason, closed_days, budget)
        };
        let rows = vec![
            add("walk_in", "new", 1, "", 0, "15-20万"),
            add("walk_in", "contacted", 2, "", 0, "20万左右"),
            add("walk_in", "test_drive", 3, "", 0, "30w"),
            add("website", "negotiating", 4, "", 0, "15-20万"),
            add("website", "won", 5, "", 10, "15-20万"),
            add("website", "won", 5, "", 20, ""),
            add("referral", "won", 5, "", 30, "看情况"),
            add("referral", "lost", 3, "price", 5, "8万"),
            add("referral", "lost", 1, "unreachable", 5, "8万"),
            add("referral", "lost", 3, "price", 5, "60万"),
        ];
        for (n, source, stage, reached, reason, days, budget) in rows {
            lead(
                &app,
                n,
                sh,
                Some(owner),
                source,
                stage,
                reached,
                reason,
                t + n as i64 * H,
                days * D,
                budget,
            )
            .await;
        }
        // Outside: HZ01's, and April's.
        lead(&app, 20, hz, None, "walk_in", "won", 5, "", t, D, "").await;
        lead(
            &app,
            21,
            sh,
            Some(owner),
            "walk_in",
            "won",
            5,
            "",
            china(2024, 4, 30, 10),
            D,
            "",
        )
        .await;

        let q = PeriodQuery {
            from: "2024-05-01".into(),
            to: "2024-05-31".into(),
            store_id: sh.to_string(),
        };
        let r = customers::report(&gm, &q).await.unwrap();
        assert_eq!((r.leads, r.won, r.lost), (10, 3, 3));
        assert_eq!(r.win_permille, Some(300));
        let reached: Vec<i64> = r.funnel.iter().map(|s| s.reached).collect();
        // Everyone is new; a lost lead counts as far as it got (two after a test drive).
        assert_eq!(reached, vec![10, 8, 7, 4, 3]);
        assert_eq!(r.funnel[4].from_previous_permille, Some(750));
        let sources: Vec<(String, i64, Option<i64>)> = r
            .sources
            .iter()
            .map(|s| (s.key.clone(), s.count, s.won))
            .collect();
        assert_eq!(
            sources,
            vec![
                ("referral".into(), 4, Some(1)),
                ("walk_in".into(), 3, Some(0)),
                ("website".into(), 3, Some(2))
            ]
        );
        let reasons: Vec<(String, i64)> = r
            .lost_reasons
            .iter()
            .map(|s| (s.key.clone(), s.count))
            .collect();
        assert_eq!(
            reasons,
            vec![("price".into(), 2), ("unreachable".into(), 1)]
        );
        // Wins after 10, 20 and 30 days: the median is half-way into day 20.
        assert_eq!(r.days_to_win_median, Some(20.5));
        assert_eq!(r.salespeople.len(), 1);
        assert_eq!(r.salespeople[0].leads, 10);
        // Budgets as said: 15-20万 ×3 and 20万左右, 30w, 8万 ×2, 60万, and two unread.
        let bands: Vec<(String, i64)> =
            r.budgets.iter().map(|s| (s.key.clone(), s.count)).collect();
        assert_eq!(
            bands,
            vec![
                ("under_10".into(), 2),
                ("15_20".into(), 3),
                ("20_30".into(), 1),
                ("30_50".into(), 1),
                ("over_50".into(), 1),
                ("unknown".into(), 2)
            ]
        );
        assert_eq!(r.new_customers, 10);
        assert_eq!(
            r.models.first().map(|m| (m.label.as_str(), m.count)),
            Some(("Model Y", 10))
        );
        assert_eq!(
            r.fuels.first().map(|f| (f.key.as_str(), f.count)),
            Some(("electric", 10))
        );

        // A move lost after a test drive keeps how far it got.
        let sales = app.ctx_as("sh.sales").await;
        let c = customer_of(&app, &sales, "13912340002").await;
        let lead_id: i64 = sql("SELECT id FROM leads WHERE customer_id = $1")
            .bind(c)
            .scalar(&app.db)
            .await
            .unwrap();
        for to in ["test_drive", "lost"] {
            leads::move_stage(
                &sales,
                lead_id,
                &StageMove {
                    to: to.into(),
                    lost_reason: "price".into(),
                    lost_note: "太贵".into(),
                    version: None,
                },
            )
            .await
            .unwrap();
        }
        let (reached, closed): (i64, Option<i64>) =
            sql("SELECT reached, closed_at FROM leads WHERE id = $1")
                .bind(lead_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(reached, 3);
        assert!(closed.is_some());
        // Taken up again, it is open once more: not closed.
        leads::move_stage(
            &sales,
            lead_id,
            &StageMove {
                to: "contacted".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (reached, closed): (i64, Option<i64>) =
            sql("SELECT reached, closed_at FROM leads WHERE id = $1")
                .bind(lead_id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!((reached, closed), (3, None));
    }
);

both_dbs!(
    the_turnover_report_matches_figures_worked_out_by_hand,
    |app| async move {
        app.seed_demo().await;
        let gm = app.ctx_as("gm").await;
        let sh = app.store_id("SH01").await;
        let showroom: i64 = sql("SELECT id FROM warehouses WHERE code = 'SH01-S'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (model, trim, color) = crate::analytics::new_model(&app).await;
        let today = app::clock::day_of(chrono::Utc::now().timestamp_millis());
        let now = chrono::Utc::now().timestamp_millis();
        let day = |ago: i64| {
            (today - chrono::Duration::days(ago))
                .format("%Y-%m-%d")
                .to_string()
        };
        // In stock 10, 40, 70 and 300 days (¥100,000 each, one of them reserved); one on its
        // way; three sold in the last 90 days after 20, 30 and 40 days in stock; one sold
        // long ago. Two of those on hand were entered within the window.
        let car = |status: &'static str, arrived: Option<String>, created: i64| {
            let db = app.db.clone();
            async move {
                sql("INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                           list_price_fen, arrival_date, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 10000000, 12000000, $7, $8, $8) RETURNING id")
                .bind(new_vin())
                .bind(model)
                .bind(trim)
                .bind(color)
                .bind(showroom)
                .bind(status)
                .bind(arrived)
                .bind(created)
                .scalar::<i64>(&db)
                .await
                .unwrap()
            }
        };
        let old = now - 400 * D;
        car("in_stock", Some(day(10)), now - 12 * D).await;
        car("in_stock", Some(day(40)), now - 45 * D).await;
        car("reserved", Some(day(70)), old).await;
        car("in_stock", Some(day(300)), old).await;
        car("in_transit", None, old).await;
        for (arrived, sold_ago) in [(30, 10), (50, 20), (80, 40)] {
            let v = car("in_stock", Some(day(arrived)), old).await;
            // Sold `sold_ago` days ago, as a status move stamps it.
            sql("UPDATE vehicles SET status = 'sold', updated_at = $1 WHERE id = $2")
                .bind(app::clock::day_start(today - chrono::Duration::days(sold_ago)) + 12 * H)
                .bind(v)
                .execute(&app.db)
                .await
                .unwrap();
        }
        let v = car("in_stock", Some(day(400)), old).await;
        sql("UPDATE vehicles SET status = 'sold', updated_at = $1 WHERE id = $2")
            .bind(now - 300 * D)
            .bind(v)
            .execute(&app.db)
            .await
            .unwrap();

        let r = turnover::report(&gm, &TurnoverQuery::default())
            .await
            .unwrap();
        assert_eq!((r.days, r.holding_rate_ppm), (90, 300));
        let m = r
            .models
            .iter()
            .find(|l| l.key == model.to_string())
            .unwrap();
        assert_eq!((m.on_hand, m.in_transit, m.value), (5, 1, 50_000_000));
        assert_eq!(m.aged, vec![1, 1, 1, 1]);
        assert_eq!(m.sold, 3);
        // Days in stock of those sold: 20, 30, 40.
        assert_eq!(m.days_in_stock, Some(30.0));
        // Start of the window: 5 on hand + 3 sold − 2 entered = 6; average 5.5; 3 sold in
        // 90 days is 2.2 turns a year; 5 cars at 3 per 90 days last 150 days.
        assert_eq!(m.average_stock, 5.5);
        assert_eq!(m.turnover, Some(2.2));
        assert_eq!(m.days_of_supply, Some(150.0));
        // Held 10 + 40 + 70 + 300 days at ¥100,000 and 0.03 % a day: ¥12,600.
        assert_eq!(m.holding_cost, 1_260_000);
        // Slow: 4 in stock against 3 sold in 90 days is 120 days of supply; oldest 300 days.
        let slow = r.slow.iter().find(|s| s.model_id == model).unwrap();
        assert_eq!((slow.on_hand, slow.sold, slow.oldest_days), (4, 3, 300));
        assert_eq!(slow.store_id, sh);

        // A higher rate, set by the general manager, raises the estimate.
        targets::set_settings(
            &gm,
            &SettingsInput {
                holding_rate_percent: "0.06".into(),
            },
        )
        .await
        .unwrap();
        let r = turnover::report(&gm, &TurnoverQuery::default())
            .await
            .unwrap();
        let m = r
            .models
            .iter()
            .find(|l| l.key == model.to_string())
            .unwrap();
        assert_eq!(m.holding_cost, 2_520_000);
        // The window is one of the listed ones.
        let e = turnover::report(
            &gm,
            &TurnoverQuery {
                days: "45".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "days");
        // Another store's manager does not see these cars.
        let hz = app.ctx_as("hz.manager").await;
        let theirs = turnover::report(&hz, &TurnoverQuery::default())
            .await
            .unwrap();
        assert!(theirs.models.iter().all(|l| l.key != model.to_string()));
    }
);

both_dbs!(
    each_dashboard_figure_counts_exactly_the_list_it_leads_to,
    |app| async move {
        app.seed_demo().await;
        for who in ["gm", "sh.manager", "hz.manager"] {
            let ctx = app.ctx_as(who).await;
            let d = dashboard::dashboard(&ctx, &DashboardQuery::default())
                .await
                .unwrap();
            let store = d.store_id;
            let lists = |href: String| {
                let query = href
                    .split_once('?')
                    .map(|q| q.1.to_owned())
                    .unwrap_or_default();
                form_urlencoded::parse(query.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect::<Vec<(String, String)>>()
            };
            let get = |pairs: &[(String, String)], k: &str| {
                pairs.iter().find(|p| p.0 == k).map(|p| p.1.clone())
            };
            // Orders today, and today's sold ones: the order list with the same filter.
            let pairs = lists(Links::orders_today(d.today, store));
            let f = app::orders::pages::list::filter_of(|k| get(&pairs, k));
            let listed = orders::list(&ctx, &f).await.unwrap();
            assert_eq!(Some(listed.total), d.orders_today, "{who}: orders today");
            let pairs = lists(Links::sold_today(d.today, store));
            let f = app::orders::pages::list::filter_of(|k| get(&pairs, k));
            assert_eq!(f.sold, Some(true));
            let listed = orders::list(&ctx, &f).await.unwrap();
            assert_eq!(listed.total, d.sold_today.units, "{who}: sold today");
            let pending = orders::list(
                &ctx,
                &OrderFilter {
                    status: Some(app::orders::domain::OrderStatus::PendingApproval),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(Some(pending.total), d.pending_approvals, "{who}: pending");
            // Stock and aged cars: the vehicle list as the links read.
            let pairs = lists(Links::stock(store));
            let f = VehicleFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            assert_eq!(f.status, Some(StatusFilter::OnHand));
            let stock = app::inventory::service::vehicles::list(&ctx, &f)
                .await
                .unwrap();
            assert_eq!(stock.total, d.stock_units, "{who}: stock");
            let pairs = lists(Links::aged(store));
            let f = VehicleFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let aged = app::inventory::service::vehicles::list(&ctx, &f)
                .await
                .unwrap();
            assert_eq!(aged.total, d.aged_units, "{who}: aged");
            assert!(d.aged_units > 0, "the demo has aged stock");
            // Overdue follow-ups: the team's overdue view.
            let overdue = follow_ups::list(&ctx, DueView::Overdue, true, store)
                .await
                .unwrap();
            assert_eq!(
                Some(overdue.len() as i64),
                d.overdue_follow_ups,
                "{who}: overdue"
            );
            // Open complaints: the complaints not settled.
            let open = app::aftersales::service::complaints::list(
                &ctx,
                &app::aftersales::domain::complaint::ComplaintFilter {
                    status: "live".into(),
                    store_id: store,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(
                Some(open.len() as i64),
                d.open_complaints,
                "{who}: complaints"
            );
            // The demo's targets for this month are there.
            assert!(d.month.target_units.is_some());
            assert_eq!(d.trend.len(), 12);
            assert_eq!(d.aging.len(), 4);
        }
        // One store, for the general manager: the same counts as that store's manager's.
        let sh = app.store_id("SH01").await;
        let gm = app.ctx_as("gm").await;
        let manager = app.ctx_as("sh.manager").await;
        let one = dashboard::dashboard(
            &gm,
            &DashboardQuery {
                store_id: sh.to_string(),
            },
        )
        .await
        .unwrap();
        let theirs = dashboard::dashboard(&manager, &DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!(one.store_id, Some(sh));
        assert_eq!(
            (
                one.orders_today,
                one.stock_units,
                one.aged_units,
                one.overdue_follow_ups
            ),
            (
                theirs.orders_today,
                theirs.stock_units,
                theirs.aged_units,
                theirs.overdue_follow_ups
            )
        );
        // A figure whose list the reader may not open is left out.
        let clerk = app.ctx_as("sh.clerk").await;
        let d = dashboard::dashboard(&clerk, &DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!(
            (d.orders_today, d.overdue_follow_ups, d.open_complaints),
            (None, None, None)
        );
        let admin = app.ctx_as("admin").await;
        let d = dashboard::dashboard(&admin, &DashboardQuery::default())
            .await
            .unwrap();
        assert!(d.orders_today.is_some() && d.open_complaints.is_none());
        let sales = app.ctx_as("sh.sales").await;
        assert!(matches!(
            dashboard::dashboard(&sales, &DashboardQuery::default()).await,
            Err(AppError::Forbidden(_))
        ));
    }
);

both_dbs!(
    targets_are_set_by_the_groups_management_and_every_bad_field_is_named,
    |app| async move {
        app.seed_demo().await;
        let gm = app.ctx_as("gm").await;
        let sh = app.store_id("SH01").await;
        let month = app::clock::day_of(chrono::Utc::now().timestamp_millis())
            .format("%Y-%m")
            .to_string();
        let input = |units: &str, revenue: &str| TargetInput {
            store_id: sh.to_string(),
            month: month.clone(),
            units: units.into(),
            revenue: revenue.into(),
        };
        let t = targets::set(&gm, &input("45", "9,000,000")).await.unwrap();
        assert_eq!((t.units, t.revenue), (45, 900_000_000));
        let listed = targets::list(&gm).await.unwrap();
        assert!(listed
            .iter()
            .any(|t| t.store_id == sh && t.month == month && t.units == 45));
        // The dashboard measures the month against it.
        let d = dashboard::dashboard(
            &gm,
            &DashboardQuery {
                store_id: sh.to_string(),
            },
        )
        .await
        .unwrap();
        assert_eq!(d.month.target_units, Some(45));
        assert_eq!(d.month.target_revenue, Some(900_000_000));
        // Audited with what it was before.
        let audited: i64 = sql(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'analytics.target'
                                AND before_json IS NOT NULL",
        )
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(audited, 1);
        // Every bad field at once, and nothing written.
        let e = targets::set(
            &gm,
            &TargetInput {
                store_id: "x".into(),
                month: "2026-13".into(),
                units: "-1".into(),
                revenue: "many".into(),
            },
        )
        .await
        .unwrap_err();
        let fields: Vec<String> = e.fields().iter().map(|f| f.field.clone()).collect();
        assert_eq!(fields, vec!["store_id", "month", "units", "revenue"]);
        let e = targets::set(
            &gm,
            &TargetInput {
                store_id: "99999".into(),
                ..input("1", "1")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "store_id");
        let t = targets::list(&gm).await.unwrap();
        assert_eq!(
            t.iter()
                .find(|t| t.store_id == sh && t.month == month)
                .unwrap()
                .units,
            45
        );
        // A sales manager reads them, and may not set them.
        let manager = app.ctx_as("sh.manager").await;
        assert!(!targets::list(&manager).await.unwrap().is_empty());
        assert!(matches!(
            targets::set(&manager, &input("1", "1")).await,
            Err(AppError::Forbidden(_))
        ));
        let e = targets::set_settings(
            &gm,
            &SettingsInput {
                holding_rate_percent: "2".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "holding_rate_percent");
    }
);

both_dbs!(
    the_summaries_agree_with_the_orders_after_a_history_and_changes,
    |app| async move {
        app.seed_demo().await;
        let message = server::history::load(&app.db, 3_000).await.unwrap();
        assert!(message.contains("3000 orders"), "{message}");
        // Loaded once.
        let again = server::history::load(&app.db, 3_000).await.unwrap();
        assert!(again.contains("already"));
        // A few changes through the services: a cancellation, an approval.
        let manager = app.ctx_as("sh.manager").await;
        let sh = app.store_id("SH01").await;
        let approved: i64 =
            sql("SELECT MIN(id) FROM orders WHERE status = 'approved' AND store_id = $1")
                .bind(sh)
                .scalar(&app.db)
                .await
                .unwrap();
        orders::cancel(&manager, approved, "客户放弃")
            .await
            .unwrap();

        // Backlog: orders waiting for a car.
        let backlog: Vec<(i64, i64, i64)> = sql("SELECT store_id, model_id, COUNT(*) FROM orders
             WHERE vehicle_id IS NULL AND status IN ('pending_approval', 'approved')
             GROUP BY store_id, model_id ORDER BY 1, 2")
        .fetch_all(&app.db)
        .await
        .unwrap();
        let kept: Vec<(i64, i64, i64)> = sql(
            "SELECT store_id, model_id, orders FROM order_backlog WHERE orders <> 0 ORDER BY 1, 2",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(backlog, kept);
        // Purchases per customer.
        let bought: Vec<(i64, i64)> = sql(
            "SELECT customer_id, COUNT(*) FROM orders WHERE status IN ('approved', 'shipped', 'completed')
             GROUP BY customer_id ORDER BY 1",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        let kept: Vec<(i64, i64)> =
            sql("SELECT customer_id, units FROM customer_purchases WHERE units <> 0 ORDER BY 1")
                .fetch_all(&app.db)
                .await
                .unwrap();
        assert_eq!(bought, kept);
        // Cycle times: each step's orders and time summed.
        let steps: Vec<(String, i64, i64)> = sql(
            "SELECT s.stage, COUNT(*), CAST(SUM(s.ended - s.started) AS BIGINT) FROM (
               SELECT 'approval' AS stage, created_at AS started, approved_at AS ended, status FROM orders
               UNION ALL SELECT 'shipping', approved_at, shipped_at, status FROM orders
               UNION ALL SELECT 'delivery', shipped_at, completed_at, status FROM orders
               UNION ALL SELECT 'total', created_at, completed_at, status FROM orders) s
             WHERE s.started IS NOT NULL AND s.ended IS NOT NULL
               AND s.status IN ('approved', 'shipped', 'completed')
             GROUP BY s.stage ORDER BY 1",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        let kept: Vec<(String, i64, i64)> = sql(
            "SELECT stage, CAST(SUM(orders) AS BIGINT), CAST(SUM(total_ms) AS BIGINT) FROM order_cycles
             GROUP BY stage ORDER BY 1",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(steps, kept);
        assert!(steps.iter().all(|s| s.1 > 1000), "{steps:?}");
        // The history's cars agree with their orders, and every VIN is valid.
        let mismatched: i64 = sql(
            "SELECT COUNT(*) FROM orders o JOIN vehicles v ON v.id = o.vehicle_id
             WHERE NOT ((o.status = 'completed' AND v.status = 'delivered') OR (o.status = 'shipped' AND v.status = 'sold')
                     OR (o.status IN ('approved', 'pending_approval', 'draft') AND v.status = 'reserved'))",
        )
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(mismatched, 0);
        let vins: Vec<(String,)> = sql("SELECT vin FROM vehicles")
            .fetch_all(&app.db)
            .await
            .unwrap();
        assert!(vins
            .iter()
            .all(|(v,)| app::inventory::Vin::parse(v).is_ok()));
        // The sales report still matches the orders.
        let revenue: i64 = sql("SELECT CAST(SUM(total) AS BIGINT) FROM orders WHERE status IN ('approved', 'shipped', 'completed')")
            .scalar(&app.db)
            .await
            .unwrap();
        let summed: i64 = sql("SELECT CAST(SUM(revenue) AS BIGINT) FROM sales_daily")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(revenue, summed);
    }
);

both_dbs!(
    the_reports_over_rest_and_as_workbooks_say_what_the_services_do,
    |app| async move {
        app.seed_demo().await;
        let sh = app.store_id("SH01").await;
        let (_, gm) = api_key::create(&app.db, "reports", Role::GeneralManager, None, None)
            .await
            .unwrap();
        let (_, sales) = api_key::create(&app.db, "reports", Role::Sales, Some(sh), None)
            .await
            .unwrap();
        let client = app.new_client();
        let get = |key: &str, path: &str| {
            client
                .get(app.url(&format!("/api/v1/analytics/{path}")))
                .bearer_auth(key.to_owned())
                .send()
        };
        for path in [
            "dashboard",
            "cycle",
            "customers",
            "turnover",
            "targets",
            "settings",
        ] {
            assert_eq!(get(&gm, path).await.unwrap().status(), 200, "{path}");
            assert_eq!(get(&sales, path).await.unwrap().status(), 403, "{path}");
        }
        for (path, field) in [
            ("cycle?from=2026-13", "from"),
            ("customers?store_id=x", "store_id"),
            ("turnover?days=45", "days"),
            ("dashboard?store_id=-3", "store_id"),
        ] {
            let res = get(&gm, path).await.unwrap();
            assert_eq!(res.status(), 422, "{path}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["errors"][0]["field"], field, "{path}");
        }
        let d: Value = get(&gm, "dashboard").await.unwrap().json().await.unwrap();
        let ctx = app.ctx_as("gm").await;
        let direct = dashboard::dashboard(&ctx, &DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!(d["stock_units"], direct.stock_units);
        assert_eq!(d["pending_approvals"], direct.pending_approvals.unwrap());
        // Targets over REST: put, then read back.
        let month = direct.today.format("%Y-%m").to_string();
        let res = client
            .put(app.url("/api/v1/analytics/targets"))
            .bearer_auth(&gm)
            .json(&serde_json::json!({ "store_id": sh.to_string(), "month": month, "units": "33", "revenue": "7000000" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let t: Value = res.json().await.unwrap();
        assert_eq!(t["revenue"], 700_000_000);
        let res = client
            .put(app.url("/api/v1/analytics/targets"))
            .bearer_auth(&sales)
            .json(&serde_json::json!({ "store_id": sh.to_string(), "month": month, "units": "1", "revenue": "1" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);

        // The workbooks, signed in: their figures are the page's.
        app.login_as("gm").await;
        for name in [
            "dashboard",
            "sales",
            "cycle",
            "customers",
            "turnover",
            "outlook",
        ] {
            let res = app.get(&format!("/analytics/{name}.xlsx")).await;
            assert_eq!(res.status(), 200, "{name}");
            assert!(res
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("spreadsheetml"));
            let bytes = res.bytes().await.unwrap();
            use calamine::{Data, Reader, Xlsx};
            let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
            assert!(!wb.sheet_names().is_empty(), "{name}");
            if name == "dashboard" {
                let first = wb.sheet_names()[0].clone();
                let range = wb.worksheet_range(&first).unwrap();
                let stock = range
                    .rows()
                    .find(|r| {
                        r.first() == Some(&Data::String("库存台数".into()))
                            || r.first() == Some(&Data::String("Cars on hand".into()))
                    })
                    .and_then(|r| r.get(1).cloned());
                assert_eq!(stock, Some(Data::Float(direct.stock_units as f64)));
            }
        }
        // Pages: drawn on the server, each chart with its title and data table.
        for path in [
            "/analytics",
            "/analytics/sales",
            "/analytics/cycle",
            "/analytics/customers",
            "/analytics/turnover",
            "/analytics/outlook",
            "/analytics/targets",
        ] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            let html = res.text().await.unwrap();
            assert!(!html.contains("error-note"), "{path}");
        }
        let html = app.get("/analytics").await.text().await.unwrap();
        for id in ["chart-trend", "chart-models", "chart-funnel", "chart-aging"] {
            assert!(
                html.contains(&format!("aria-labelledby=\"{id}-t {id}-d\"")),
                "{id}"
            );
        }
        assert!(html.contains("data-testid=\"kpi-stock\""));
        assert!(html.contains("data-live-topics=\"sales\""));
        // Without the right role: the dashboard is refused.
        let mut other = app.clone_handle();
        other.client = other.new_client();
        other.login_as("sh.sales").await;
        let html = other.get("/analytics").await.text().await.unwrap();
        assert!(!html.contains("data-testid=\"kpi-stock\""));
    }
);
