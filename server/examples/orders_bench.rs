//! Prints, on SQLite and (when `FORECOURT_TEST_PG` names a server) on PostgreSQL:
//!
//! 1. Order entry over REST — `POST /api/v1/orders` with an `Idempotency-Key`, each order
//!    checked, numbered, holding a vehicle against its deposit and audited — in orders per
//!    second, one request at a time and eight at a time, against a bare loop that inserts
//!    the same order rows and their deposits (one transaction per order, no checks) on the
//!    same database. The ratio's goal is at least 0.30.
//! 2. The order list over REST at a dealer group's volume (1,000,000 orders, 200,000
//!    customers, 100,000 vehicles): median and p95 of each filter and search the list
//!    page offers. The budget is a median under 100 ms.
//! 3. The analytics reports over REST at that volume (the sales report over a month, a
//!    year and two years, by each breakdown; the outlook, the dashboard, cycle times,
//!    customers and turnover): median and p95, the same budget. The volume is the demo's
//!    two-year sales history (`seed-demo --orders`): customers and their leads, orders
//!    through every step, cars sold and on hand; its triggers fill the summaries the
//!    reports read. Then the dashboard page's full server time, signed in.
//!
//! `cargo run --release -p server --example orders_bench [-- orders entries]` (0 orders:
//! order entry only)

use app::{
    auth::api_key,
    db::{sql, Db, DbUrl},
    domain::Role,
};
use server::{config::Config, startup::Application};
use std::time::{Duration, Instant};

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// A numbers table of `1..=n` as a common table expression both databases read.
fn numbers(n: i64) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})")
}

/// The first trim with a colour of its model, the SH01 showroom, and its store.
async fn spec(db: &Db) -> anyhow::Result<(i64, i64, i64, i64, i64)> {
    let (model, trim, color): (i64, i64, i64) = sql(
        "SELECT t.model_id, t.id, c.id FROM trims t JOIN colors c ON c.model_id = t.model_id
         ORDER BY t.id, c.id LIMIT 1",
    )
    .fetch_one(db)
    .await?;
    let (warehouse, store): (i64, i64) = sql(
        "SELECT w.id, w.store_id FROM warehouses w JOIN stores s ON s.id = w.store_id
         WHERE s.code = 'SH01' ORDER BY w.id LIMIT 1",
    )
    .fetch_one(db)
    .await?;
    Ok((model, trim, color, warehouse, store))
}

/// `count` new vehicles in stock of the spec, VINs starting with `prefix` (set-up).
async fn add_vehicles(db: &Db, prefix: &str, count: i64, status: &str) -> anyhow::Result<()> {
    let (model, trim, color, warehouse, _) = spec(db).await?;
    let now = chrono::Utc::now().timestamp_millis();
    sql(format!(
        "{} INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                 list_price_fen, arrival_date, created_at, updated_at)
         SELECT '{prefix}' || substr(CAST(1000000000 + i AS TEXT), 2, 9), $1, $2, $3, $4, $5, 14000000, 15980000,
                '2026-09-01', $6, $6 FROM n",
        numbers(count)
    ))
    .bind(model)
    .bind(trim)
    .bind(color)
    .bind(warehouse)
    .bind(status)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// `count` customers of SH01 with mobiles from `base` on (set-up).
async fn add_customers(db: &Db, count: i64, base: i64) -> anyhow::Result<()> {
    let (_, _, _, _, store) = spec(db).await?;
    let now = chrono::Utc::now().timestamp_millis();
    sql(format!(
        "{} INSERT INTO customers (kind, initials, name, mobile, mobile_last4, source, store_id,
                                  consent, created_at, updated_at)
         SELECT 'person', 'kh', '客户' || i, CAST({base} + i AS TEXT),
                substr(CAST(10000 + ({base} + i) % 10000 AS TEXT), 2, 4), 'walk_in', $1, FALSE, $2, $2 FROM n",
        numbers(count)
    ))
    .bind(store)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// As the hourly job (SQLite) or autovacuum (PostgreSQL) would by the time of the
/// measurement, after a set-up that filled tables at once.
async fn statistics(db: &Db) -> anyhow::Result<()> {
    match db.dialect() {
        app::db::Dialect::Sqlite => db.optimize().await?,
        app::db::Dialect::Postgres => {
            sql("VACUUM ANALYZE").execute(db).await?;
        }
    }
    Ok(())
}

/// An entered order's row as the bare loop writes it again: store, customer,
/// salesperson, model, trim, colour, list price, discount, total.
type EntryRow = (i64, i64, Option<i64>, i64, i64, i64, i64, i64, i64);

/// Order entry: REST against a bare insert loop.
async fn entry(name: &str, db: &Db, base: &str, entries: i64) -> anyhow::Result<()> {
    let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(db)
        .await?;
    let (_, key) = api_key::create(db, "bench-entry", Role::SalesManager, Some(sh), None).await?;
    add_vehicles(db, "LBENCHRS", entries * 2, "in_stock").await?;
    add_customers(db, entries * 2, 18_600_000_000).await?;
    statistics(db).await?;
    let vehicles: Vec<(i64,)> =
        sql("SELECT id FROM vehicles WHERE vin LIKE 'LBENCHRS%' ORDER BY id")
            .fetch_all(db)
            .await?;
    let customers: Vec<(i64,)> =
        sql("SELECT id FROM customers WHERE mobile LIKE '186000%' ORDER BY id")
            .fetch_all(db)
            .await?;
    let client = reqwest::Client::new();
    let post = |n: usize| {
        let body = serde_json::json!({
            "customer_id": customers[n].0.to_string(),
            "vehicle_id": vehicles[n].0.to_string(),
            "list_price": "159800",
            "discount": "3000",
            "deposit": "5000",
            "deposit_method": "wechat",
            "payment_type": "full",
        });
        let request = client
            .post(format!("{base}/api/v1/orders"))
            .bearer_auth(&key)
            .header("Idempotency-Key", format!("bench-{name}-{n}"))
            .json(&body);
        async move {
            let res = request.send().await?;
            anyhow::ensure!(
                res.status() == 201,
                "{}: {}",
                res.status(),
                res.text().await?
            );
            Ok(())
        }
    };
    let n = entries as usize;
    // One at a time.
    let start = Instant::now();
    for i in 0..n {
        post(i).await?;
    }
    let one = n as f64 / start.elapsed().as_secs_f64();
    // Eight at a time.
    let start = Instant::now();
    let mut next = n;
    while next < 2 * n {
        let batch: Vec<_> = (next..(next + 8).min(2 * n)).map(post).collect();
        for r in futures::future::join_all(batch).await {
            r?;
        }
        next += 8;
    }
    let eight = n as f64 / start.elapsed().as_secs_f64();

    // The same rows, bare: the order and its deposit, one transaction each.
    let rows: Vec<EntryRow> = sql(
        "SELECT store_id, customer_id, salesperson_id, model_id, trim_id, color_id, list_price, discount, total
         FROM orders WHERE number LIKE 'SH01-%' ORDER BY id DESC LIMIT $1",
    )
    .bind(entries)
    .fetch_all(db)
    .await?;
    let start = Instant::now();
    for (i, &(store, customer, salesperson, model, trim, color, list, discount, total)) in
        rows.iter().enumerate()
    {
        let now = chrono::Utc::now().timestamp_millis();
        let mut tx = db.begin().await?;
        let id: i64 = sql(
            "INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                                 trim_id, color_id, list_price, discount, discount_bp, extras_total, total,
                                 paid, payment_type, created_at, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $4, 'draft', $5, $6, $7, $8, $9, 0, 0, $10, 500000, 'full', $11, $11, 'bench')
             RETURNING id",
        )
        .bind(format!("BARE-{name}-{i}"))
        .bind(store)
        .bind(customer)
        .bind(salesperson)
        .bind(model)
        .bind(trim)
        .bind(color)
        .bind(list)
        .bind(discount)
        .bind(total)
        .bind(now)
        .scalar(&mut tx)
        .await?;
        sql(
            "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
             VALUES ($1, 500000, 'wechat', $2, '定金', 'bench')",
        )
        .bind(id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
    }
    let bare = rows.len() as f64 / start.elapsed().as_secs_f64();
    println!(
        "[{name}] order entry over REST (checks, number, hold, audit, idempotency key): \
         {one:.0}/s one at a time, {eight:.0}/s eight at a time"
    );
    println!(
        "[{name}] bare insert loop of the same rows (order + deposit, one transaction each): {bare:.0}/s"
    );
    println!(
        "[{name}] ratio REST / bare: {:.2} one at a time, {:.2} eight at a time (goal >= 0.30)",
        one / bare,
        eight / bare
    );
    Ok(())
}

async fn time_get(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    runs: usize,
) -> anyhow::Result<(f64, f64, i64)> {
    let mut samples = Vec::with_capacity(runs);
    let mut total = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let res = client.get(url).bearer_auth(key).send().await?;
        anyhow::ensure!(res.status().is_success(), "{url}: {}", res.status());
        let body: serde_json::Value = res.json().await?;
        samples.push(start.elapsed());
        total = body["total"].as_i64().unwrap_or_default();
    }
    Ok((
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
        total,
    ))
}

async fn bench(name: &str, url: DbUrl, orders: i64, entries: i64) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("forecourt-orders-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let app = Application::build(Config {
        database: url,
        addr: "127.0.0.1:0".parse()?,
        site_root: dir.join("site"),
        sessions: Default::default(),
        trusted_proxies: Default::default(),
    })
    .await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    server::demo::seed(&db).await?;
    entry(name, &db, &base, entries).await?;
    if orders == 0 {
        // Order entry only.
        return Ok(());
    }

    let start = Instant::now();
    let loaded = server::history::load(&db, orders).await?;
    println!("[{name}] {loaded}");
    statistics(&db).await?;
    let total: i64 = sql("SELECT COUNT(*) FROM orders").scalar(&db).await?;
    println!(
        "[{name}] filled to {total} orders in {:.1} s (set-up, then the planner's statistics)",
        start.elapsed().as_secs_f64()
    );
    let (_, gm) = api_key::create(&db, "bench-gm", Role::GeneralManager, None, None).await?;
    let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&db)
        .await?;
    let (_, manager) =
        api_key::create(&db, "bench-manager", Role::SalesManager, Some(sh), None).await?;
    let salesperson: i64 =
        sql("SELECT id FROM users WHERE role = 'sales' AND store_id = $1 ORDER BY id LIMIT 1")
            .bind(sh)
            .scalar(&db)
            .await?;
    let (model,): (i64,) = sql("SELECT model_id FROM orders ORDER BY id LIMIT 1")
        .fetch_one(&db)
        .await?;
    let customer: i64 = sql("SELECT customer_id FROM orders ORDER BY id DESC LIMIT 1")
        .scalar(&db)
        .await?;
    let number: String = sql("SELECT number FROM orders WHERE id = 1234")
        .scalar(&db)
        .await
        .unwrap_or_else(|_| "SH01".into());
    let today = chrono::Utc::now().date_naive();
    let month_ago = today - chrono::Days::new(30);
    let client = reqwest::Client::new();
    let queries: Vec<(String, &String, String)> = vec![
        ("group: first page".into(), &gm, String::new()),
        (
            "group: 待审核".into(),
            &gm,
            "?status=pending_approval".into(),
        ),
        (
            "group: last 30 days".into(),
            &gm,
            format!("?from={month_ago}&to={today}"),
        ),
        ("group: one model".into(), &gm, format!("?model_id={model}")),
        (
            "group: one customer".into(),
            &gm,
            format!("?customer_id={customer}"),
        ),
        (
            "group: search an order number".into(),
            &gm,
            format!("?q={number}"),
        ),
        (
            "group: search a mobile".into(),
            &gm,
            "?q=13900001234".into(),
        ),
        (
            "group: search a VIN (tail)".into(),
            &gm,
            "?q=00012345".into(),
        ),
        ("store SH01: first page".into(), &manager, String::new()),
        (
            "store SH01: 已审核".into(),
            &manager,
            "?status=approved".into(),
        ),
        (
            "store SH01: one salesperson".into(),
            &manager,
            format!("?salesperson_id={salesperson}"),
        ),
        (
            "store SH01: page 50".into(),
            &manager,
            "?offset=1000".into(),
        ),
    ];
    for (label, key, query) in queries {
        let url = format!("{base}/api/v1/orders{query}");
        time_get(&client, &url, key, 3).await?; // warm-up
        let (p50, p95, total) = time_get(&client, &url, key, 20).await?;
        println!("[{name}] {label:<34} median {p50:6.1} ms  p95 {p95:6.1} ms  ({total} orders)");
    }
    let year_ago = today - chrono::Days::new(365);
    let two_years_ago = today - chrono::Days::new(730);
    let reports: Vec<(String, &String, String)> = vec![
        ("sales: this month by model".into(), &gm, "sales".into()),
        (
            "sales: 30 days by salesperson, daily".into(),
            &gm,
            format!("sales?from={month_ago}&to={today}&by=salesperson&bucket=day"),
        ),
        (
            "sales: a year by store, monthly".into(),
            &gm,
            format!("sales?from={year_ago}&to={today}&by=store"),
        ),
        (
            "sales: two years by colour, weekly".into(),
            &gm,
            format!("sales?from={two_years_ago}&to={today}&by=color&bucket=week"),
        ),
        (
            "sales: SH01, a year by payment type".into(),
            &manager,
            format!("sales?from={year_ago}&to={today}&by=payment_type"),
        ),
        ("outlook: group".into(), &gm, "outlook".into()),
        ("outlook: SH01".into(), &manager, "outlook".into()),
        ("dashboard: group".into(), &gm, "dashboard".into()),
        ("dashboard: SH01".into(), &manager, "dashboard".into()),
        ("cycle: last 12 months".into(), &gm, "cycle".into()),
        (
            "cycle: SH01, two years".into(),
            &manager,
            format!(
                "cycle?from={}&to={}",
                &two_years_ago.to_string()[..7],
                &today.to_string()[..7]
            ),
        ),
        ("customers: this month".into(), &gm, "customers".into()),
        (
            "customers: a year".into(),
            &gm,
            format!("customers?from={year_ago}&to={today}"),
        ),
        ("turnover: 90 days".into(), &gm, "turnover".into()),
        (
            "turnover: SH01, 365 days".into(),
            &manager,
            "turnover?days=365".into(),
        ),
    ];
    for (label, key, query) in reports {
        let url = format!("{base}/api/v1/analytics/{query}");
        time_get(&client, &url, key, 3).await?; // warm-up
        let (p50, p95, _) = time_get(&client, &url, key, 20).await?;
        println!("[{name}] {label:<34} median {p50:6.1} ms  p95 {p95:6.1} ms");
    }
    // The dashboard page as the general manager's phone asks for it: signed in, the
    // whole server-rendered page read to its end.
    let browser = reqwest::Client::builder().cookie_store(true).build()?;
    let res = browser
        .post(format!("{base}/sfn/login"))
        .header("accept", "application/json")
        .form(&[
            ("username", "gm"),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "sign-in: {}", res.status());
    for (label, path) in [
        ("page /analytics (group)", "/analytics".to_owned()),
        (
            "page /analytics (SH01)",
            format!("/analytics?store_id={sh}"),
        ),
    ] {
        let mut samples = Vec::new();
        let mut bytes = 0;
        for run in 0..23 {
            let start = Instant::now();
            let res = browser.get(format!("{base}{path}")).send().await?;
            anyhow::ensure!(res.status().is_success(), "{path}: {}", res.status());
            let body = res.bytes().await?;
            anyhow::ensure!(
                body.windows(14).any(|w| w == b"dashboard-live"),
                "{path}: the dashboard"
            );
            if run >= 3 {
                samples.push(start.elapsed());
            }
            bytes = body.len();
        }
        let (p50, p95) = (
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95),
        );
        println!(
            "[{name}] {label:<34} median {p50:6.1} ms  p95 {p95:6.1} ms  ({} KiB of HTML)",
            bytes / 1024
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let orders: i64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let entries: i64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000);
    let dir =
        std::env::temp_dir().join(format!("forecourt-orders-bench-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    bench(
        "sqlite",
        DbUrl::Sqlite(dir.join("bench.db").to_string_lossy().into_owned()),
        orders,
        entries,
    )
    .await?;
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("FORECOURT_TEST_PG") {
        Ok(base) => {
            let admin = Db::connect(&DbUrl::parse(&base).map_err(anyhow::Error::msg)?).await?;
            let name = format!("fc_orders_bench_{}", std::process::id());
            sql(format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            let (prefix, _) = base
                .rsplit_once('/')
                .ok_or_else(|| anyhow::anyhow!("URL without a database"))?;
            let result = bench(
                "postgres",
                DbUrl::Postgres(format!("{prefix}/{name}")),
                orders,
                entries,
            )
            .await;
            sql(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&admin)
                .await?;
            result?;
        }
        Err(_) => println!(
            "[postgres] skipped: set FORECOURT_TEST_PG (scripts/pg-cluster.sh start prints it)"
        ),
    }
    Ok(())
}
