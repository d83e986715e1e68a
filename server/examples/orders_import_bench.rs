//! Prints how long the order import (批量导入) takes for a file of 10,000 orders, through
//! the REST API (`POST /api/v1/orders/import`, upload and parsing included), on SQLite and
//! (when `FORECOURT_TEST_PG` names a server) on PostgreSQL: the dry run and the real run of
//! an .xlsx, then of a CSV in GBK.
//!
//! The demo data is filled first (set-up, not measured): 20,000 customers and 6,000 free
//! vehicles over the two stores. Each file's rows alternate the stores; three in ten name
//! a free vehicle by VIN (held by the import), one in ten a new customer (created with the
//! order), the rest a model, trim and colour by name; two in three are submitted, so the
//! stores' approval rules place them (SH01 keeps the default rules; HZ01 asks approval only
//! of a discount over 5% or a total over ¥300,000, so most of its orders are approved at
//! once).
//!
//! `cargo run --release -p server --example orders_import_bench [-- rows]`

use app::{
    auth::api_key,
    crm::service::customers::initials,
    db::{sql, Db, DbUrl},
    domain::Role,
    inventory::Vin,
    orders::domain::import::COLUMNS,
};
use server::{config::Config, startup::Application};
use std::time::Instant;

const CUSTOMERS: i64 = 20_000;
const VEHICLES_PER_FILE: usize = 3_000;
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇"];

/// A store as the bench uses it: id, code, and its warehouses.
struct Store {
    id: i64,
    code: String,
    warehouses: Vec<i64>,
}

/// A catalogue line: model, trim and colour names, and their ids.
#[derive(Clone)]
struct Spec {
    model: String,
    trim: String,
    color: String,
    ids: (i64, i64, i64),
}

async fn stores(db: &Db) -> anyhow::Result<Vec<Store>> {
    let rows: Vec<(i64, String)> = sql("SELECT id, code FROM stores ORDER BY code")
        .fetch_all(db)
        .await?;
    let mut out = Vec::new();
    for (id, code) in rows {
        let warehouses: Vec<(i64,)> = sql("SELECT id FROM warehouses WHERE store_id = $1")
            .bind(id)
            .fetch_all(db)
            .await?;
        out.push(Store {
            id,
            code,
            warehouses: warehouses.into_iter().map(|(w,)| w).collect(),
        });
    }
    Ok(out)
}

async fn specs(db: &Db) -> anyhow::Result<Vec<Spec>> {
    let rows: Vec<(String, String, String, i64, i64, i64)> = sql(
        "SELECT m.name, t.name, c.name, m.id, t.id, c.id FROM trims t JOIN models m ON m.id = t.model_id
         JOIN colors c ON c.model_id = m.id ORDER BY t.id, c.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(model, trim, color, m, t, c)| Spec {
            model,
            trim,
            color,
            ids: (m, t, c),
        })
        .collect())
}

/// 20,000 customers over the stores (`186…` mobiles; customer `n` of store `n % 2`), and
/// `vehicles` free vehicles in stock, in every warehouse: their VINs by store.
async fn fill(
    db: &Db,
    stores: &[Store],
    specs: &[Spec],
    vehicles: usize,
) -> anyhow::Result<Vec<Vec<String>>> {
    let owners: Vec<(i64, i64)> = sql(
        "SELECT store_id, id FROM users WHERE role = 'sales' AND store_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    let mut tx = db.begin().await?;
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(500) {
        let mut text = String::from(
            "INSERT INTO customers (kind, initials, name, mobile, mobile_last4, source, store_id, owner_id, created_at, updated_at) VALUES ",
        );
        for (r, _) in chunk.iter().enumerate() {
            let b = r * 8;
            text.push_str(&format!(
                "{}('person', ${}, ${}, ${}, ${}, 'walk_in', ${}, ${}, ${}, ${})",
                if r == 0 { "" } else { ", " },
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8
            ));
        }
        let mut q = sql(text);
        for n in chunk {
            let name = format!(
                "{}{}",
                SURNAMES[*n as usize % SURNAMES.len()],
                GIVEN[(*n as usize / SURNAMES.len()) % GIVEN.len()]
            );
            let mobile = format!("186{n:08}");
            let store = &stores[*n as usize % stores.len()];
            let owner = owners
                .iter()
                .filter(|(s, _)| *s == store.id)
                .nth(*n as usize / 2 % 2)
                .map(|(_, u)| *u);
            q = q
                .bind(initials(&name))
                .bind(name)
                .bind(mobile.clone())
                .bind(mobile[7..].to_owned())
                .bind(store.id)
                .bind(owner)
                .bind(0i64)
                .bind(0i64);
        }
        q.execute(&mut tx).await?;
    }
    sql(
        "INSERT INTO leads (customer_id, store_id, owner_id, source, stage, created_at, updated_at)
         SELECT c.id, c.store_id, c.owner_id, c.source, 'new', c.created_at, c.created_at
         FROM customers c WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.customer_id = c.id)",
    )
    .execute(&mut tx)
    .await?;
    let today = chrono::Utc::now().date_naive();
    let mut vins: Vec<Vec<String>> = stores.iter().map(|_| Vec::new()).collect();
    let serials: Vec<usize> = (0..vehicles).collect();
    for chunk in serials.chunks(500) {
        let mut text = String::from(
            "INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                   list_price_fen, arrival_date, created_at, updated_at) VALUES ",
        );
        for (r, _) in chunk.iter().enumerate() {
            let b = r * 7;
            text.push_str(&format!(
                "{}(${}, ${}, ${}, ${}, ${}, 'in_stock', 0, ${}, ${}, 0, 0)",
                if r == 0 { "" } else { ", " },
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7
            ));
        }
        let mut q = sql(text);
        for serial in chunk {
            let s = &specs[serial % specs.len()];
            let store = serial % stores.len();
            let warehouses = &stores[store].warehouses;
            let vin = Vin::with_check_digit("LBENCH00", &format!("T{serial:07}"))
                .map_err(|e| anyhow::anyhow!("bench VIN: {e}"))?;
            vins[store].push(vin.as_str().to_owned());
            let arrival = today - chrono::Days::new((serial % 100) as u64);
            q = q
                .bind(vin.as_str())
                .bind(s.ids.0)
                .bind(s.ids.1)
                .bind(s.ids.2)
                .bind(warehouses[serial / stores.len() % warehouses.len()])
                .bind(0i64)
                .bind(arrival.format("%Y-%m-%d").to_string());
        }
        q.execute(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(vins)
}

/// The rows of file `k` (0 or 1): `rows` orders, cells in the template's column order;
/// `taken` counts the VINs of each store's that earlier files used.
fn rows(
    k: usize,
    rows: usize,
    stores: &[Store],
    specs: &[Spec],
    vins: &[Vec<String>],
    taken: &mut [usize],
) -> Vec<Vec<String>> {
    let payments = ["全款", "贷款", "分期"];
    let days = ["2026-12-01", "2026/12/15", "2027年1月8日", "2026-12-20"];
    (0..rows)
        .map(|i| {
            let store = i % stores.len();
            let kind = i % 10;
            let (mobile, name) = if kind == 0 {
                (format!("187{k}{i:07}"), format!("新客户{i}"))
            } else {
                // An existing customer of the same store.
                let n = (i * 7919 + k * 104_729) % CUSTOMERS as usize;
                let n = n - n % stores.len() + store;
                (format!("186{:08}", n % CUSTOMERS as usize), String::new())
            };
            // Three in ten, as many in each store.
            let vin = if (1..=6).contains(&(i % 20)) {
                let v = vins[store].get(taken[store]).cloned().unwrap_or_default();
                taken[store] += 1;
                v
            } else {
                String::new()
            };
            let s = &specs[(i * 31 + k) % specs.len()];
            let by_vin = !vin.is_empty();
            let submit = i % 3 != 0;
            let mut cells: Vec<String> = COLUMNS.iter().map(|_| String::new()).collect();
            let mut set = |key: &str, v: String| {
                if let Some(c) = COLUMNS.iter().position(|(_, en, _)| *en == key) {
                    cells[c] = v;
                }
            };
            set("customer_mobile", mobile);
            set("customer_name", name);
            set("store_code", stores[store].code.clone());
            if !by_vin {
                set("model", s.model.clone());
                set("trim", s.trim.clone());
                set("color", s.color.clone());
            }
            set("vin", vin);
            if i % 5 == 0 {
                set("discount_percent", "6".into());
            } else {
                set("discount", "2000".into());
            }
            set("accessory", "1280".into());
            if i % 2 == 0 {
                set("insurance", "4500".into());
            }
            if by_vin || i % 2 == 0 {
                set("deposit", "5000".into());
                set("deposit_method", "微信".into());
            }
            set("payment_type", payments[i % 3].into());
            set("expected_delivery", days[i % 4].into());
            set("notes", format!("批量导入测试 {i}"));
            set("submit", if submit { "是" } else { "否" }.into());
            cells
        })
        .collect()
}

fn xlsx(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (zh, _, _)) in COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *zh)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// The rows as a CSV saved by a Chinese Excel: GBK, CRLF.
fn gbk_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut text: String = COLUMNS
        .iter()
        .map(|(zh, _, _)| *zh)
        .collect::<Vec<_>>()
        .join(",");
    text.push_str("\r\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    encoding_rs::GBK.encode(&text).0.into_owned()
}

/// Sends a file to the import; its report and the seconds it took.
async fn import(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    file: &[u8],
    name: &str,
    dry_run: bool,
) -> anyhow::Result<(serde_json::Value, f64)> {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file.to_vec()).file_name(name.to_owned()),
    );
    let start = Instant::now();
    let res = client
        .post(format!("{base}/api/v1/orders/import?dry_run={dry_run}"))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await?;
    let status = res.status();
    let body: serde_json::Value = res.json().await?;
    let took = start.elapsed().as_secs_f64();
    let mut shown = body.to_string();
    shown.truncate(shown.floor_char_boundary(600));
    anyhow::ensure!(status.is_success(), "{status}: {shown}");
    Ok((body, took))
}

async fn bench(name: &str, url: DbUrl, n: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("forecourt-import-bench-{}", std::process::id()));
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
    let stores = stores(&db).await?;
    let specs = specs(&db).await?;
    let vins = fill(
        &db,
        &stores,
        &specs,
        VEHICLES_PER_FILE * 2 + stores.len() * 8,
    )
    .await?;
    // HZ01 asks approval only of a discount over 5% (its sales manager) or a total over
    // ¥300,000 (the general manager too): its other submitted orders are approved at once.
    for (position, kind, value, level, role) in [
        (0i64, "discount_over_bp", "5", 1i64, "sales_manager"),
        (1, "total_over", "300000", 2, "general_manager"),
    ] {
        sql("INSERT INTO approval_rules (store_id, position, condition_kind, condition_value, level, role,
                                         updated_at, updated_by)
             SELECT id, $1, $2, $3, $4, $5, 0, 'bench' FROM stores WHERE code = 'HZ01'")
        .bind(position)
        .bind(kind)
        .bind(value)
        .bind(level)
        .bind(role)
        .execute(&db)
        .await?;
    }
    if let app::db::Dialect::Postgres = db.dialect() {
        sql("ANALYZE").execute(&db).await?;
    }
    println!(
        "[{name}] filled with {CUSTOMERS} customers and {} free vehicles in {:.1} s (set-up)",
        vins.iter().map(Vec::len).sum::<usize>(),
        start.elapsed().as_secs_f64()
    );
    let (_, key) = api_key::create(&db, "bench-gm", Role::GeneralManager, None, None).await?;
    let client = reqwest::Client::new();
    let mut taken = vec![0; stores.len()];
    let files = [
        (
            "xlsx",
            xlsx(&rows(0, n, &stores, &specs, &vins, &mut taken))?,
            "orders.xlsx",
        ),
        (
            "GBK csv",
            gbk_csv(&rows(1, n, &stores, &specs, &vins, &mut taken)),
            "orders.csv",
        ),
    ];
    if let Ok(dump) = std::env::var("BENCH_DUMP") {
        for (_, file, file_name) in &files {
            std::fs::write(format!("{dump}/{file_name}"), file)?;
        }
    }
    for (kind, file, file_name) in &files {
        let before: i64 = sql("SELECT COUNT(*) FROM orders").scalar(&db).await?;
        let (report, dry) = import(&client, &base, &key, file, file_name, true).await?;
        let unchanged: i64 = sql("SELECT COUNT(*) FROM orders").scalar(&db).await?;
        anyhow::ensure!(unchanged == before, "the dry run wrote orders");
        let (real, took) = import(&client, &base, &key, file, file_name, false).await?;
        let after: i64 = sql("SELECT COUNT(*) FROM orders").scalar(&db).await?;
        anyhow::ensure!(
            after - before == n as i64,
            "{} orders written",
            after - before
        );
        println!(
            "[{name}] {kind:<7} {n} rows ({:.1} MiB): dry run {dry:.2} s, import {took:.2} s \
             ({} drafts, {} awaiting approval, {} approved; {} new customers; {} vehicles held)",
            file.len() as f64 / (1 << 20) as f64,
            real["drafts"],
            real["pending_approval"],
            real["approved"],
            real["new_customers"],
            real["vehicles_held"],
        );
        let mut stated = real.clone();
        stated["dry_run"] = serde_json::Value::Bool(true);
        anyhow::ensure!(report == stated, "the dry run reported otherwise: {report}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000)
        .min(app::orders::domain::import::MAX_ROWS);
    let dir =
        std::env::temp_dir().join(format!("forecourt-import-bench-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    bench(
        "sqlite",
        DbUrl::Sqlite(dir.join("bench.db").to_string_lossy().into_owned()),
        n,
    )
    .await?;
    let _ = std::fs::remove_dir_all(&dir);
    match std::env::var("FORECOURT_TEST_PG") {
        Ok(base) => {
            let admin = Db::connect(&DbUrl::parse(&base).map_err(anyhow::Error::msg)?).await?;
            let name = format!("fc_import_bench_{}", std::process::id());
            sql(format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await?;
            let (prefix, _) = base
                .rsplit_once('/')
                .ok_or_else(|| anyhow::anyhow!("URL without a database"))?;
            let result = bench("postgres", DbUrl::Postgres(format!("{prefix}/{name}")), n).await;
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
