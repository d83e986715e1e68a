//! Analytics on both databases: the sales report against figures worked out by hand on a
//! fixed set of orders (a month boundary in China time, a cancelled and an unapproved
//! order, another store, the previous period and last year), the daily summary following
//! each change to an order, margins only for those who may see cost, and the REST report.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin},
};
use app::{
    analytics::{domain::sales::SalesQuery, service::sales},
    auth::api_key,
    db::sql,
    domain::Role,
    orders::{domain::status::PaymentMethod, service::orders},
};
use chrono::{NaiveDate, TimeZone};
use serde_json::Value;

/// UTC milliseconds of a China-time moment (UTC+8).
fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .timestamp_millis()
}

struct Order {
    store: &'static str,
    status: &'static str,
    total: i64,
    paid: i64,
    discount: i64,
    payment_type: &'static str,
    created_at: i64,
    with_vehicle: bool,
}

/// Stores an order as it would stand after its moves (the summary's triggers see the
/// insert as any write). Its vehicle, when it has one, cost ¥70,000.
async fn insert(app: &TestApp, n: usize, o: Order) -> i64 {
    let ids = ids(app).await;
    let (store, salesperson): (i64, i64) = sql(
        "SELECT s.id, u.id FROM stores s JOIN users u ON u.store_id = s.id AND u.role = 'sales'
         WHERE s.code = $1 ORDER BY u.id LIMIT 1",
    )
    .bind(o.store)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let customer: i64 = sql("SELECT MIN(id) FROM customers WHERE store_id = $1")
        .bind(store)
        .scalar(&app.db)
        .await
        .unwrap();
    let vehicle = if o.with_vehicle {
        let warehouse = if o.store == "SH01" {
            ids.sh_showroom
        } else {
            ids.hz_warehouse
        };
        let v = insert_vehicle(app, &new_vin(), warehouse, &ids, ids.color).await;
        sql("UPDATE vehicles SET status = 'reserved' WHERE id = $1")
            .bind(v)
            .execute(&app.db)
            .await
            .unwrap();
        Some(v)
    } else {
        None
    };
    let id = sql("INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                             trim_id, color_id, vehicle_id, list_price, discount, discount_bp, extras_total,
                             total, paid, payment_type, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, $12, $13, $14, $15, $15, 'test')
         RETURNING id")
    .bind(format!("{}-T-{n:04}", o.store))
    .bind(store)
    .bind(customer)
    .bind(salesperson)
    .bind(o.status)
    .bind(ids.model)
    .bind(ids.trim)
    .bind(ids.color)
    .bind(vehicle)
    .bind(o.total + o.discount)
    .bind(o.discount)
    .bind(o.total)
    .bind(o.paid)
    .bind(o.payment_type)
    .bind(o.created_at)
    .scalar(&app.db)
    .await
    .unwrap();
    if o.paid > 0 {
        sql(
            "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
             VALUES ($1, $2, 'transfer', $3, '', 'test')",
        )
        .bind(id)
        .bind(o.paid)
        .bind(o.created_at)
        .execute(&app.db)
        .await
        .unwrap();
    }
    id
}

fn order(store: &'static str, status: &'static str, total: i64, created_at: i64) -> Order {
    Order {
        store,
        status,
        total,
        paid: 0,
        discount: 0,
        payment_type: "full",
        created_at,
        with_vehicle: false,
    }
}

fn october(store: Option<i64>) -> SalesQuery {
    SalesQuery {
        from: "2024-10-01".into(),
        to: "2024-10-31".into(),
        store_id: store.map(|s| s.to_string()).unwrap_or_default(),
        by: String::new(),
        bucket: "week".into(),
    }
}

async fn store_id(app: &TestApp, code: &str) -> i64 {
    sql("SELECT id FROM stores WHERE code = $1")
        .bind(code)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// The fixed orders: October 2024 in China time, the month before, October 2023.
async fn fixture(app: &TestApp) -> (i64, i64) {
    // 00:30 on 1 October in China is still 30 September in UTC: October's.
    let first = insert(
        app,
        1,
        Order {
            paid: 2_000_000,
            discount: 300_000,
            with_vehicle: true,
            ..order("SH01", "approved", 10_000_000, china(2024, 10, 1, 0, 30))
        },
    )
    .await;
    let last = insert(
        app,
        2,
        Order {
            paid: 12_000_000,
            payment_type: "loan",
            with_vehicle: true,
            ..order("SH01", "completed", 12_000_000, china(2024, 10, 31, 23, 30))
        },
    )
    .await;
    // 00:10 on 1 November in China is still 31 October in UTC: November's.
    insert(
        app,
        3,
        order("SH01", "shipped", 9_000_000, china(2024, 11, 1, 0, 10)),
    )
    .await;
    // Never sales: cancelled, a draft, one waiting for approval, one rejected.
    insert(
        app,
        4,
        order("SH01", "cancelled", 11_000_000, china(2024, 10, 15, 10, 0)),
    )
    .await;
    insert(
        app,
        5,
        order("SH01", "draft", 11_000_000, china(2024, 10, 16, 10, 0)),
    )
    .await;
    insert(
        app,
        6,
        order(
            "SH01",
            "pending_approval",
            11_000_000,
            china(2024, 10, 16, 11, 0),
        ),
    )
    .await;
    insert(
        app,
        7,
        order("SH01", "rejected", 11_000_000, china(2024, 10, 16, 12, 0)),
    )
    .await;
    // Another store.
    insert(
        app,
        8,
        order("HZ01", "approved", 8_000_000, china(2024, 10, 20, 15, 0)),
    )
    .await;
    // The previous period (31 August – 30 September) and last year.
    insert(
        app,
        9,
        order("SH01", "approved", 7_000_000, china(2024, 9, 15, 10, 0)),
    )
    .await;
    insert(
        app,
        10,
        order("SH01", "completed", 5_000_000, china(2023, 10, 10, 10, 0)),
    )
    .await;
    (first, last)
}

both_dbs!(
    the_sales_report_matches_figures_worked_out_by_hand,
    |app| async move {
        app.seed_demo().await;
        let (sh, hz) = (store_id(&app, "SH01").await, store_id(&app, "HZ01").await);
        fixture(&app).await;
        let gm = app.ctx_as("gm").await;

        let r = sales::report(&gm, &october(Some(sh))).await.unwrap();
        let t = r.totals;
        assert_eq!(
            (t.units, t.revenue, t.paid, t.discount),
            (2, 22_000_000, 14_000_000, 300_000)
        );
        // (100,000 − 70,000) + (120,000 − 70,000) yuan.
        assert_eq!((t.margin, t.margin_units), (Some(8_000_000), Some(2)));
        assert_eq!(
            r.previous_range.from,
            NaiveDate::from_ymd_opt(2024, 8, 31).unwrap()
        );
        assert_eq!((r.previous.units, r.previous.revenue), (1, 7_000_000));
        assert_eq!((r.last_year.units, r.last_year.revenue), (1, 5_000_000));
        // +100 %, (220,000 − 70,000) / 70,000 = +214.2 %, (220,000 − 50,000) / 50,000 = +340 %.
        assert_eq!(r.units_vs_previous, Some(1000));
        assert_eq!(r.revenue_vs_previous, Some(2142));
        assert_eq!(r.revenue_vs_last_year, Some(3400));
        // One model: one line with all of it.
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].figures.units, 2);
        assert_eq!(r.rows[0].share_permille, Some(1000));
        // Weeks from Monday, the first cut at 1 October (a Tuesday): five buckets, the
        // sales in the first and the last, the weeks between empty.
        let weeks: Vec<(String, i64)> = r
            .trend
            .iter()
            .map(|p| (p.label.clone(), p.figures.units))
            .collect();
        assert_eq!(
            weeks,
            [
                ("2024-W40".to_owned(), 1),
                ("2024-W41".to_owned(), 0),
                ("2024-W42".to_owned(), 0),
                ("2024-W43".to_owned(), 0),
                ("2024-W44".to_owned(), 1)
            ]
        );
        // Last year's 10 October falls in this year's week of 7 October.
        assert_eq!(r.trend[1].last_year.units, 1);

        // By payment type, and every store together.
        let by_payment = sales::report(
            &gm,
            &SalesQuery {
                by: "payment_type".into(),
                ..october(Some(sh))
            },
        )
        .await
        .unwrap();
        let lines: Vec<(String, String, i64)> = by_payment
            .rows
            .iter()
            .map(|r| (r.key.clone(), r.label.clone(), r.figures.revenue))
            .collect();
        assert_eq!(
            lines,
            [
                ("loan".to_owned(), "Loan".to_owned(), 12_000_000),
                ("full".to_owned(), "Full payment".to_owned(), 10_000_000)
            ]
        );
        let all = sales::report(
            &gm,
            &SalesQuery {
                by: "store".into(),
                ..october(None)
            },
        )
        .await
        .unwrap();
        assert_eq!((all.totals.units, all.totals.revenue), (3, 30_000_000));
        assert_eq!(all.rows.len(), 2);

        // A store without sales in a month: zeros, no lines, every bucket there.
        let empty = sales::report(
            &gm,
            &SalesQuery {
                from: "2024-11-01".into(),
                to: "2024-11-30".into(),
                store_id: hz.to_string(),
                bucket: "month".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(empty.totals.units, 0);
        assert!(empty.rows.is_empty());
        assert_eq!(empty.trend.len(), 1);
        // Its one sale of 20 October was in the previous period: down 100 %.
        assert_eq!(empty.units_vs_previous, Some(-1000));

        // A sales manager sees their own store whatever they ask, and no margins.
        let manager = app.ctx_as("hz.manager").await;
        let r = sales::report(&manager, &october(Some(sh))).await.unwrap();
        assert_eq!(r.store_id, Some(hz));
        assert_eq!((r.totals.units, r.totals.revenue), (1, 8_000_000));
        assert_eq!(r.totals.margin, None);
    }
);

both_dbs!(
    the_summary_follows_every_change_to_an_order,
    |app| async move {
        app.seed_demo().await;
        let sh = store_id(&app, "SH01").await;
        let (first, last) = fixture(&app).await;
        let gm = app.ctx_as("gm").await;
        let manager = app.ctx_as("sh.manager").await;
        let totals = || async { sales::report(&gm, &october(Some(sh))).await.unwrap().totals };
        assert_eq!(totals().await.paid, 14_000_000);

        // A refund of ¥10,000 on the completed order: collected, net of it.
        orders::add_payment(&manager, last, -1_000_000, PaymentMethod::Transfer, "退款")
            .await
            .unwrap();
        let t = totals().await;
        assert_eq!((t.units, t.revenue, t.paid), (2, 22_000_000, 13_000_000));

        // Cancelling the approved order takes it out, vehicle, margin and all.
        orders::cancel(&manager, first, "客户改买他车")
            .await
            .unwrap();
        let t = totals().await;
        assert_eq!((t.units, t.revenue, t.paid), (1, 12_000_000, 11_000_000));
        assert_eq!((t.margin, t.margin_units), (Some(5_000_000), Some(1)));

        // A vehicle's cost corrected after the sale: the margin follows.
        sql("UPDATE vehicles SET cost_fen = cost_fen + 500000
             WHERE id = (SELECT vehicle_id FROM orders WHERE id = $1)")
        .bind(last)
        .execute(&app.db)
        .await
        .unwrap();
        assert_eq!(totals().await.margin, Some(4_500_000));

        // The summary holds exactly what the orders say, row for row.
        let from_orders: i64 = sql("SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders
         WHERE status IN ('approved', 'shipped', 'completed')")
        .scalar(&app.db)
        .await
        .unwrap();
        let from_summary: i64 =
            sql("SELECT CAST(COALESCE(SUM(revenue), 0) AS BIGINT) FROM sales_daily")
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(from_orders, from_summary);
    }
);

both_dbs!(
    the_sales_report_over_rest_names_a_bad_field_and_hides_margins,
    |app| async move {
        app.seed_demo().await;
        let sh = store_id(&app, "SH01").await;
        fixture(&app).await;
        let client = app.new_client();
        let get = |key: String, query: &'static str| {
            client
                .get(app.url(&format!("/api/v1/analytics/sales?{query}")))
                .bearer_auth(key)
                .send()
        };
        let (_, manager) = api_key::create(&app.db, "reports", Role::SalesManager, Some(sh), None)
            .await
            .unwrap();
        let (_, gm) = api_key::create(&app.db, "reports", Role::GeneralManager, None, None)
            .await
            .unwrap();
        let (_, sales) = api_key::create(&app.db, "reports", Role::Sales, Some(sh), None)
            .await
            .unwrap();

        let res = get(manager.clone(), "from=2024-10-01&to=2024-10-31")
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["totals"]["units"], 2);
        assert_eq!(body["totals"]["revenue"], 22_000_000);
        assert!(body["totals"]["margin"].is_null());

        let body: Value = get(gm, "from=2024-10-01&to=2024-10-31&by=salesperson")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["totals"]["margin"], 8_000_000);
        assert_eq!(body["rows"].as_array().unwrap().len(), 2);

        let res = get(manager, "from=2024-11-01&to=2024-10-01").await.unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "from");
        assert_eq!(get(sales, "").await.unwrap().status(), 403);
    }
);

/// A model of its own (a trim, a colour), so the demo's sales and stock stay out of it.
pub(crate) async fn new_model(app: &TestApp) -> (i64, i64, i64) {
    let brand: i64 = sql("SELECT MIN(id) FROM brands")
        .scalar(&app.db)
        .await
        .unwrap();
    let model: i64 = sql(
        "INSERT INTO models (brand_id, name, name_en, body_type, fuel_type)
                          VALUES ($1, '测试车型', 'Test model', 'suv', 'ev') RETURNING id",
    )
    .bind(brand)
    .scalar(&app.db)
    .await
    .unwrap();
    let trim: i64 = sql(
        "INSERT INTO trims (model_id, name, msrp_fen) VALUES ($1, '标准版', 10000000) RETURNING id",
    )
    .bind(model)
    .scalar(&app.db)
    .await
    .unwrap();
    let color: i64 = sql("INSERT INTO colors (model_id, name, name_en, hex) VALUES ($1, '白', 'White', '#ffffff') RETURNING id")
        .bind(model)
        .scalar(&app.db)
        .await
        .unwrap();
    (model, trim, color)
}

both_dbs!(
    the_outlook_forecasts_steady_sales_and_explains_its_suggestion,
    |app| async move {
        app.seed_demo().await;
        let sh = store_id(&app, "SH01").await;
        let (model, trim, color) = new_model(&app).await;
        let (salesperson, customer): (i64, i64) = sql(
            "SELECT u.id, (SELECT MIN(id) FROM customers WHERE store_id = $1) FROM users u
             WHERE u.username = 'sh.sales'",
        )
        .bind(sh)
        .fetch_one(&app.db)
        .await
        .unwrap();
        // Three sold in each of the last twenty whole weeks (on their Wednesdays).
        let today = app::clock::day_of(chrono::Utc::now().timestamp_millis());
        let monday = app::analytics::domain::sales::Bucket::Week.start(today);
        let mut n = 0;
        for week in 1..=20 {
            let day = monday - chrono::Duration::weeks(week) + chrono::Duration::days(2);
            let at = app::clock::day_start(day) + 12 * 3_600_000;
            for _ in 0..3 {
                n += 1;
                sql("INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status,
                                         model_id, trim_id, color_id, list_price, discount, discount_bp,
                                         extras_total, total, paid, payment_type, created_at, updated_at, updated_by)
                     VALUES ($1, $2, $3, $4, $4, 'completed', $5, $6, $7, 10000000, 0, 0, 0, 10000000, 0, 'full',
                             $8, $8, 'test')")
                .bind(format!("SH01-W-{n:04}"))
                .bind(sh)
                .bind(customer)
                .bind(salesperson)
                .bind(model)
                .bind(trim)
                .bind(color)
                .bind(at)
                .execute(&app.db)
                .await
                .unwrap();
            }
        }
        // Three in the showroom, four on their way.
        let showroom: i64 = sql("SELECT id FROM warehouses WHERE code = 'SH01-S'")
            .scalar(&app.db)
            .await
            .unwrap();
        for k in 0..7 {
            let status = if k < 3 { "in_stock" } else { "in_transit" };
            sql("INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                       list_price_fen, arrival_date, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 9000000, 10000000, '2026-01-01', 0, 0)")
            .bind(new_vin())
            .bind(model)
            .bind(trim)
            .bind(color)
            .bind(showroom)
            .bind(status)
            .execute(&app.db)
            .await
            .unwrap();
        }
        // One order waiting for approval and a car.
        sql("INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status,
                                 model_id, trim_id, color_id, list_price, discount, discount_bp,
                                 extras_total, total, paid, payment_type, created_at, updated_at, updated_by)
             VALUES ('SH01-W-WAIT', $1, $2, $3, $3, 'pending_approval', $4, $5, $6, 10000000, 0, 0, 0,
                     10000000, 0, 'full', $7, $7, 'test')")
        .bind(sh)
        .bind(customer)
        .bind(salesperson)
        .bind(model)
        .bind(trim)
        .bind(color)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(&app.db)
        .await
        .unwrap();
        let manager = app.ctx_as("sh.manager").await;
        let outlook = app::analytics::service::outlook::outlook(&manager, &Default::default())
            .await
            .unwrap();
        let m = outlook.models.iter().find(|m| m.model_id == model).unwrap();
        assert_eq!(m.history, vec![3; 20]);
        assert_eq!(m.forecast, vec![3.0; 12]);
        // 4 weeks × 3 = 12, less 3 in stock and 4 in transit, plus 1 waiting.
        assert_eq!(m.backlog, 1);
        assert_eq!(m.suggestion.quantity, 6);
        assert_eq!(
            m.reason,
            "24 sold in the last 8 weeks; forecast 12 over 4 weeks + 0 safety stock; \
             3 in stock, 4 in transit, 1 awaiting allocation → order 6"
        );
        // A low threshold of 15 raises it; another store's outlook does not see these.
        sql(
            "INSERT INTO stock_thresholds (warehouse_id, model_id, low_qty, updated_at, updated_by)
             VALUES ($1, $2, 15, 0, 'test')",
        )
        .bind(showroom)
        .bind(model)
        .execute(&app.db)
        .await
        .unwrap();
        let outlook = app::analytics::service::outlook::outlook(&manager, &Default::default())
            .await
            .unwrap();
        let m = outlook.models.iter().find(|m| m.model_id == model).unwrap();
        // 15 − (3 + 4 − 1).
        assert_eq!(m.suggestion.quantity, 9);
        assert!(
            m.reason.ends_with("(raised to the low threshold of 15)"),
            "{}",
            m.reason
        );
        let hz = app.ctx_as("hz.manager").await;
        let theirs = app::analytics::service::outlook::outlook(&hz, &Default::default())
            .await
            .unwrap();
        assert!(theirs.models.iter().all(|m| m.model_id != model));
    }
);
