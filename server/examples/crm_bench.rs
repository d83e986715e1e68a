//! Prints customer-search latency over 200,000 customers through the REST API, on SQLite
//! and (when `FORECOURT_TEST_PG` names a server) on PostgreSQL: by the last four digits,
//! by pinyin initials, by a name, by a whole mobile, and the first page of a store's list.
//!
//! `cargo run --release -p server --example crm_bench [-- customers]`

use app::{
    auth::api_key,
    crm::service::customers::initials,
    db::{sql, Db, DbUrl},
    domain::Role,
};
use server::{config::Config, startup::Application};
use std::time::{Duration, Instant};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东",
];

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// Fills the customers table to `target` rows with multi-row inserts (set-up, not
/// measured): names from common surnames and given names, unique mobiles, spread over
/// the stores and their salespeople.
async fn fill(db: &Db, target: i64) -> anyhow::Result<()> {
    let owners: Vec<(i64, i64)> = sql(
        "SELECT store_id, id FROM users WHERE role = 'sales' AND store_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    let have: i64 = sql("SELECT COUNT(*) FROM customers").scalar(db).await?;
    let mut n = have;
    let mut serial: i64 = 0;
    while n < target {
        let mut tx = db.begin().await?;
        for _ in 0..20 {
            let rows = 500.min(target - n);
            if rows <= 0 {
                break;
            }
            let mut text = String::from(
                "INSERT INTO customers (kind, initials, name, mobile, mobile_last4, source, store_id, owner_id, consent, created_at, updated_at) VALUES ",
            );
            let mut q = Vec::new();
            for r in 0..rows {
                serial += 1;
                let name = format!(
                    "{}{}",
                    SURNAMES[serial as usize % SURNAMES.len()],
                    GIVEN[(serial as usize / SURNAMES.len()) % GIVEN.len()]
                );
                let mobile = format!("186{:08}", serial);
                let (store, owner) = owners[serial as usize % owners.len()];
                let b = r * 8;
                text.push_str(&format!(
                    "{}('person', ${}, ${}, ${}, ${}, 'walk_in', ${}, ${}, ${}, ${}, ${})",
                    if r == 0 { "" } else { ", " },
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 8
                ));
                q.push((name, mobile, store, owner, serial % 3 == 0, serial));
            }
            let mut stmt = sql(text);
            for (name, mobile, store, owner, consent, stamp) in q {
                let last4 = mobile[7..].to_owned();
                stmt = stmt
                    .bind(initials(&name))
                    .bind(name)
                    .bind(mobile)
                    .bind(last4)
                    .bind(store)
                    .bind(owner)
                    .bind(consent)
                    .bind(stamp);
            }
            stmt.execute(&mut tx).await?;
            n += rows;
        }
        tx.commit().await?;
    }
    // Every customer has a lead, spread over the stages (one in five never contacted),
    // and every fourth an open follow-up from ten days ago to ten days ahead.
    sql("INSERT INTO leads (customer_id, store_id, owner_id, source, stage, last_contact_at, created_at, updated_at)
         SELECT c.id, c.store_id, c.owner_id, c.source,
            CASE c.id % 6 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'test_drive'
                WHEN 3 THEN 'negotiating' WHEN 4 THEN 'won' ELSE 'lost' END,
            CASE WHEN c.id % 5 = 0 THEN NULL ELSE c.created_at END, c.created_at, c.created_at
         FROM customers c WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id)")
    .execute(db)
    .await?;
    let now = chrono::Utc::now().timestamp_millis();
    sql("INSERT INTO follow_ups (customer_id, store_id, owner_id, due_at, channel, goal, created_at, created_by)
         SELECT c.id, c.store_id, c.owner_id, $1 + (c.id % 21 - 10) * 86400000, 'call', '回访', c.created_at, 'bench'
         FROM customers c
         WHERE c.id % 4 = 0 AND c.owner_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.customer_id = c.id)")
    .bind(now)
    .execute(db)
    .await?;
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

async fn bench(name: &str, url: DbUrl, customers: i64) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("forecourt-crm-bench-{}", std::process::id()));
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
    fill(&db, customers).await?;
    // As the hourly job (SQLite) or autovacuum (PostgreSQL) would by the time of a search.
    match db.dialect() {
        app::db::Dialect::Sqlite => db.optimize().await?,
        app::db::Dialect::Postgres => {
            sql("ANALYZE").execute(&db).await?;
        }
    }
    println!(
        "[{name}] filled to {customers} customers in {:.1} s (set-up, then the planner's statistics)",
        start.elapsed().as_secs_f64()
    );
    let (_, gm) = api_key::create(&db, "bench-gm", Role::GeneralManager, None, None).await?;
    let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&db)
        .await?;
    let (_, manager) =
        api_key::create(&db, "bench-manager", Role::SalesManager, Some(sh), None).await?;
    let client = reqwest::Client::new();
    for (label, key, query) in [
        ("group: last 4 digits", &gm, "?q=0042"),
        ("group: pinyin initials (zw)", &gm, "?q=zw"),
        ("group: a name (张伟)", &gm, "?q=%E5%BC%A0%E4%BC%9F"),
        ("group: a whole mobile", &gm, "?q=186%200000%200042"),
        ("group: first page, no search", &gm, ""),
        ("store SH01: initials (wf)", &manager, "?q=wf"),
        (
            "store SH01: consenting only",
            &manager,
            "?consent_only=true",
        ),
    ] {
        let url = format!("{base}/api/v1/customers{query}");
        time_get(&client, &url, key, 3).await?; // warm-up
        let (p50, p95, total) = time_get(&client, &url, key, 30).await?;
        println!("[{name}] {label:<34} median {p50:6.1} ms  p95 {p95:6.1} ms  ({total} matches)");
    }
    for (label, key, query) in [
        ("leads, group: newest first", &gm, ""),
        ("leads, group: 30 days quiet", &gm, "?quiet_days=30"),
        ("leads, group: follow-up overdue", &gm, "?next=overdue"),
        ("leads, store SH01: 试驾", &manager, "?stage=test_drive"),
        (
            "leads, store SH01: none planned",
            &manager,
            "?next=unplanned",
        ),
        (
            "leads, store SH01: auto-show source",
            &manager,
            "?source=auto_show",
        ),
    ] {
        let url = format!("{base}/api/v1/leads{query}");
        time_get(&client, &url, key, 3).await?; // warm-up
        let (p50, p95, _) = time_get(&client, &url, key, 30).await?;
        println!("[{name}] {label:<34} median {p50:6.1} ms  p95 {p95:6.1} ms");
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let customers: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let dir = std::env::temp_dir().join(format!("forecourt-crm-bench-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    bench(
        "sqlite",
        DbUrl::Sqlite(dir.join("bench.db").to_string_lossy().into_owned()),
        customers,
    )
    .await?;
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("FORECOURT_TEST_PG") {
        Ok(base) => {
            let admin = Db::connect(&DbUrl::parse(&base).map_err(anyhow::Error::msg)?).await?;
            let name = format!("fc_crm_bench_{}", std::process::id());
            sql(format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            let (prefix, _) = base
                .rsplit_once('/')
                .ok_or_else(|| anyhow::anyhow!("URL without a database"))?;
            let result = bench(
                "postgres",
                DbUrl::Postgres(format!("{prefix}/{name}")),
                customers,
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
