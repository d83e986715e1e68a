//! Prints inventory figures on SQLite and (when `FORECOURT_TEST_PG` names a server) on
//! PostgreSQL: stock-matrix latency over 100,000 vehicles through the REST API, and
//! intake throughput (batches and one at a time), and how soon an open event stream
//! hears of an intake (on PostgreSQL through NOTIFY / LISTEN).
//!
//! `cargo run --release -p server --example inventory_bench [-- vehicles]`

use app::{
    auth::api_key,
    db::{sql, Db, DbUrl},
    domain::Role,
    inventory::Vin,
};
use server::{config::Config, startup::Application};
use std::time::{Duration, Instant};

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// Fills the vehicles table to `target` rows with multi-row inserts (set-up, not measured).
async fn fill(db: &Db, target: i64) -> anyhow::Result<()> {
    let have: i64 = sql("SELECT COUNT(*) FROM vehicles").scalar(db).await?;
    let catalog: Vec<(i64, i64, i64)> = sql(
        "SELECT t.model_id, t.id, c.id FROM trims t JOIN colors c ON c.model_id = t.model_id ORDER BY t.id, c.id",
    )
    .fetch_all(db)
    .await?;
    let warehouses: Vec<(i64,)> = sql("SELECT id FROM warehouses ORDER BY id")
        .fetch_all(db)
        .await?;
    let statuses = [
        "in_stock",
        "in_stock",
        "in_stock",
        "in_stock",
        "in_stock",
        "in_stock",
        "in_transit",
        "reserved",
        "sold",
        "delivered",
    ];
    let mut n = have;
    let mut serial = 0u32;
    while n < target {
        let mut tx = db.begin().await?;
        for _ in 0..20 {
            let rows = 500.min(target - n);
            if rows <= 0 {
                break;
            }
            let mut text = String::from(
                "INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen, list_price_fen, arrival_date, created_at, updated_at) VALUES ",
            );
            let mut q = Vec::new();
            for r in 0..rows {
                serial += 1;
                let (model, trim, color) = catalog[(serial as usize * 7) % catalog.len()];
                let wh = warehouses[serial as usize % warehouses.len()].0;
                let vin = Vin::with_check_digit("LSVBENCH", &format!("B{serial:07}"))?;
                let day = 1 + serial % 28;
                let b = r * 7;
                text.push_str(&format!(
                    "{}(${}, ${}, ${}, ${}, ${}, ${}, 7000000, 7980000, ${}, 0, 0)",
                    if r == 0 { "" } else { ", " },
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                ));
                q.push((
                    vin.as_str().to_owned(),
                    model,
                    trim,
                    color,
                    wh,
                    statuses[serial as usize % 10],
                    format!("2026-10-{day:02}"),
                ));
            }
            let mut stmt = sql(text);
            for (vin, model, trim, color, wh, status, date) in q {
                stmt = stmt
                    .bind(vin)
                    .bind(model)
                    .bind(trim)
                    .bind(color)
                    .bind(wh)
                    .bind(status)
                    .bind(date);
            }
            stmt.execute(&mut tx).await?;
            n += rows;
        }
        tx.commit().await?;
    }
    sql("ANALYZE").execute(db).await?;
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
    for i in 0..runs + 5 {
        let start = Instant::now();
        let res = client.get(url).bearer_auth(key).send().await?;
        anyhow::ensure!(res.status().is_success(), "{url}: {}", res.status());
        let body: serde_json::Value = res.json().await?;
        if i >= 5 {
            samples.push(start.elapsed());
        }
        total = body["total"].as_i64().unwrap_or(0);
    }
    Ok((
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
        total,
    ))
}

/// One vehicle through `POST /api/v1/vehicles`, at (trim, colour, warehouse).
async fn intake_one(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    vin: &str,
    (trim, color, warehouse): (i64, i64, i64),
) -> anyhow::Result<()> {
    let res = client
        .post(format!("{base}/api/v1/vehicles"))
        .bearer_auth(key)
        .json(
            &serde_json::json!({ "vehicles": [{ "vin": vin, "trim_id": trim, "color_id": color,
            "warehouse_id": warehouse, "cost_fen": 7_000_000 }] }),
        )
        .send()
        .await?;
    anyhow::ensure!(
        res.status().as_u16() == 201,
        "intake: {}",
        res.text().await?
    );
    Ok(())
}

async fn bench(name: &str, url: DbUrl, vehicles: i64) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("forecourt-bench-{}", std::process::id()));
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
    let start = Instant::now();
    fill(&db, vehicles).await?;
    println!(
        "[{name}] filled to {vehicles} vehicles in {:.1} s (set-up)",
        start.elapsed().as_secs_f64()
    );

    let (_, gm) = api_key::create(&db, "bench-gm", Role::GeneralManager, None, None).await?;
    let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&db)
        .await?;
    let (_, clerk) =
        api_key::create(&db, "bench-clerk", Role::InventoryClerk, Some(sh), None).await?;
    let wh: i64 = sql("SELECT MIN(id) FROM warehouses WHERE store_id = $1")
        .bind(sh)
        .scalar(&db)
        .await?;
    let client = reqwest::Client::new();
    for (label, key, query) in [
        ("group, all warehouses, in stock", &gm, ""),
        ("group, all warehouses, on hand", &gm, "?status=on_hand"),
        ("one store (SH01), in stock", &clerk, ""),
        (
            "one warehouse, in stock",
            &clerk,
            &*format!("?warehouse_id={wh}"),
        ),
    ] {
        let (p50, p95, total) = time_get(
            &client,
            &format!("{base}/api/v1/stock/matrix{query}"),
            key,
            50,
        )
        .await?;
        println!("[{name}] stock matrix, {label} ({total} vehicles counted): median {p50:.1} ms, p95 {p95:.1} ms (HTTP, 50 requests)");
    }
    let (p50, p95, _) = time_get(
        &client,
        &format!("{base}/api/v1/vehicles?status=in_stock&warehouse_id={wh}&limit=50"),
        &clerk,
        50,
    )
    .await?;
    println!("[{name}] vehicle list page (50 rows of one warehouse): median {p50:.1} ms, p95 {p95:.1} ms");

    // Intake: batches of 500 through the REST API (validation, audit, alerts included).
    let (trim, color): (i64, i64) = sql("SELECT t.id, c.id FROM trims t JOIN colors c ON c.model_id = t.model_id ORDER BY t.id LIMIT 1")
        .fetch_one(&db)
        .await?;
    let mut serial = 0u32;
    let mut next_vin = || {
        serial += 1;
        Vin::with_check_digit("LSVNTAKE", &format!("N{serial:07}")).map(|v| v.as_str().to_owned())
    };
    let batches = 4;
    let start = Instant::now();
    for _ in 0..batches {
        let vehicles: Vec<serde_json::Value> = (0..500)
            .map(|_| -> anyhow::Result<serde_json::Value> {
                Ok(serde_json::json!({ "vin": next_vin()?, "trim_id": trim, "color_id": color, "warehouse_id": wh, "cost_fen": 7_000_000 }))
            })
            .collect::<anyhow::Result<_>>()?;
        let res = client
            .post(format!("{base}/api/v1/vehicles"))
            .bearer_auth(&clerk)
            .json(&serde_json::json!({ "vehicles": vehicles }))
            .send()
            .await?;
        anyhow::ensure!(
            res.status().as_u16() == 201,
            "intake: {}",
            res.text().await?
        );
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "[{name}] intake in batches of 500: {:.0} vehicles/s ({} vehicles in {secs:.2} s)",
        (batches * 500) as f64 / secs,
        batches * 500
    );
    let singles = 200;
    let start = Instant::now();
    for _ in 0..singles {
        intake_one(&client, &base, &clerk, &next_vin()?, (trim, color, wh)).await?;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "[{name}] intake one at a time: {:.0} vehicles/s ({singles} requests, mean {:.1} ms each)",
        singles as f64 / secs,
        secs * 1000.0 / singles as f64
    );

    // Live stock: an event stream open as a sales tablet's is, timed from the intake's
    // request to the event's arrival, and from the intake's response to it.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let stream = client
        .get(format!("{base}/events"))
        .bearer_auth(&clerk)
        .send()
        .await?;
    anyhow::ensure!(stream.status().is_success(), "events: {}", stream.status());
    tokio::spawn(async move {
        use futures::StreamExt;
        let mut body = stream.bytes_stream();
        while let Some(Ok(chunk)) = body.next().await {
            // One chunk per event here; each event starts with its name.
            for _ in String::from_utf8_lossy(&chunk).matches("event: stock") {
                let _ = tx.send(Instant::now());
            }
        }
    });
    let (mut from_request, mut after_response) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        while rx.try_recv().is_ok() {}
        let start = Instant::now();
        intake_one(&client, &base, &clerk, &next_vin()?, (trim, color, wh)).await?;
        let answered = Instant::now();
        let heard = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await?
            .ok_or_else(|| anyhow::anyhow!("event stream ended"))?;
        from_request.push(heard - start);
        after_response.push(heard.saturating_duration_since(answered));
    }
    println!(
        "[{name}] live stock event, intake request → event heard: median {:.1} ms, p95 {:.1} ms; after the intake's response: median {:.1} ms, p95 {:.1} ms (50 intakes)",
        percentile(&mut from_request, 0.5),
        percentile(&mut from_request, 0.95),
        percentile(&mut after_response, 0.5),
        percentile(&mut after_response, 0.95),
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vehicles: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("forecourt-bench-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    bench(
        "sqlite",
        DbUrl::Sqlite(dir.join("bench.db").to_string_lossy().into_owned()),
        vehicles,
    )
    .await?;
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("FORECOURT_TEST_PG") {
        Ok(base) => {
            let admin = Db::connect(&DbUrl::parse(&base).map_err(anyhow::Error::msg)?).await?;
            let name = format!("fc_bench_{}", std::process::id());
            sql(format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            let (prefix, _) = base
                .rsplit_once('/')
                .ok_or_else(|| anyhow::anyhow!("URL without a database"))?;
            let result = bench(
                "postgres",
                DbUrl::Postgres(format!("{prefix}/{name}")),
                vehicles,
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
