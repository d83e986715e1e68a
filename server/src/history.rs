//! A dealer group's sales history on top of the demo data (`forecourt seed-demo --orders
//! N`): two years of orders with the market's seasons (the year-end rush, the Spring
//! Festival lull, 金九银十), weekends busier than weekdays, a growing business that handles
//! orders faster as time goes on; the customers who placed them and their leads through
//! every stage; the cars they bought (valid VINs, delivered, sold or reserved) and the
//! stock on hand of every age; ratings of completed orders; and each store's monthly
//! targets. Written in bulk, each statement inserting many rows, so a million orders load
//! in minutes; every summary the reports read fills itself through its triggers.
//!
//! Volumes follow the orders asked for: customers and leads one for every five orders (at
//! least 90 % of orders for small histories, at most 200,000), cars for the most recent
//! sold orders up to 95,000, and 5,000 (or a tenth as many as cars) on hand.

use app::{
    audit::{self, Actor, AuditEntry},
    db::{now_ms, sql, Db, Tx},
    inventory::Vin,
};
use chrono::{Datelike, NaiveDate};

/// Days of history.
pub const DAYS: i64 = 730;
/// The most customers (and leads) a history adds.
pub const MAX_CUSTOMERS: i64 = 200_000;
/// The most cars held by history orders, and the most on hand.
pub const MAX_SOLD_CARS: i64 = 95_000;
pub const MAX_ON_HAND: i64 = 5_000;
/// The most orders one call loads.
pub const MAX_ORDERS: i64 = 5_000_000;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
/// China time is UTC+8.
const OFFSET_MS: i64 = 8 * HOUR_MS;

/// Sales by month of the year, as Chinese dealers see them: the Spring Festival lull in
/// February, 金九银十 in September and October, the year-end rush.
const MONTH_WEIGHT: [f64; 12] = [
    1.0, 0.65, 0.95, 0.9, 0.95, 1.05, 0.88, 0.92, 1.12, 1.15, 1.18, 1.35,
];

/// How many orders fall on each of the `DAYS` days ending `today`, summing to `orders`.
pub fn orders_per_day(orders: i64, today: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let days: Vec<NaiveDate> = (0..DAYS)
        .rev()
        .map(|k| today - chrono::Duration::days(k))
        .collect();
    let weight = |i: usize, d: NaiveDate| {
        let season = MONTH_WEIGHT[d.month0() as usize];
        let weekend = if d.weekday().num_days_from_monday() >= 5 {
            1.45
        } else {
            0.85
        };
        // A business that grows by half over the two years.
        let growth = 0.8 + 0.4 * i as f64 / DAYS as f64;
        season * weekend * growth
    };
    let weights: Vec<f64> = days
        .iter()
        .enumerate()
        .map(|(i, d)| weight(i, *d))
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<(NaiveDate, i64)> = Vec::with_capacity(days.len());
    let mut given = 0i64;
    let mut carried = 0.0;
    for (d, w) in days.iter().zip(&weights) {
        let exact = orders as f64 * w / sum + carried;
        let n = exact.floor() as i64;
        carried = exact - n as f64;
        given += n;
        out.push((*d, n));
    }
    // What rounding left goes to the last day.
    if let Some(last) = out.last_mut() {
        last.1 += orders - given;
    }
    out
}

/// How slow the business was on day `i` of the history, in percent of today's pace: 135
/// two years ago, 90 now (orders handled about a third faster).
pub fn pace_percent(i: i64) -> i64 {
    135 - 45 * i / DAYS.max(1)
}

fn china_day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - OFFSET_MS)
        .unwrap_or(0)
}

/// A numbers table `n(i)` of `1..=count`.
fn numbers(count: i64) -> String {
    format!("n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})")
}

struct Spec {
    model: i64,
    trim: i64,
    color: i64,
    price: i64,
    wmi: String,
    vds: String,
    name: String,
}

struct Seller {
    user: i64,
    store: i64,
    store_index: i64,
}

/// Loads the history. The demo data must be there (its stores, staff and catalog).
pub async fn load(db: &Db, orders: i64) -> anyhow::Result<String> {
    anyhow::ensure!(
        (1..=MAX_ORDERS).contains(&orders),
        "--orders is 1 to {MAX_ORDERS}"
    );
    let have: i64 = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.history'")
        .scalar(db)
        .await?;
    if have > 0 {
        return Ok("the sales history is loaded already".to_owned());
    }
    let now = now_ms();
    let today = app::clock::day_of(now);
    let started = std::time::Instant::now();
    // All or nothing: a history half loaded is no history.
    let mut txn = db.begin().await?;
    let tx = &mut txn;

    let stores: Vec<(i64, String)> = sql("SELECT id, code FROM stores ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    anyhow::ensure!(!stores.is_empty(), "load the demo data first (seed-demo)");
    let n_stores = stores.len() as i64;
    let warehouses: Vec<(i64, i64)> =
        sql("SELECT id, store_id FROM warehouses WHERE active ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    let specs: Vec<Spec> = sql(
        "SELECT t.model_id, t.id, c.id, t.msrp_fen, b.wmi, m.name FROM trims t
         JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = m.brand_id
         JOIN colors c ON c.model_id = t.model_id ORDER BY t.id, c.id",
    )
    .fetch_all::<(i64, i64, i64, i64, String, String)>(&mut *tx)
    .await?
    .into_iter()
    .enumerate()
    .map(|(k, (model, trim, color, price, wmi, name))| Spec {
        model,
        trim,
        color,
        price,
        wmi,
        // A descriptor of the model's own, five characters a VIN may hold.
        vds: format!("H{:04}", model * 10 + (k as i64 % 10)),
        name,
    })
    .collect();
    anyhow::ensure!(!specs.is_empty(), "the catalog is empty");

    // More salespeople, so the reports have a team to compare (password as the demo's).
    let hash: String = sql("SELECT password_hash FROM users WHERE username = 'sh.sales'")
        .scalar(&mut *tx)
        .await?;
    const NAMES: [&str; 12] = [
        "陈晨", "林峰", "何静", "高远", "罗敏", "郭涛", "马丽", "朱军", "胡杰", "徐娟", "孙磊",
        "周洋",
    ];
    for (k, (store, code)) in stores.iter().enumerate() {
        for j in 0..6 {
            let username = format!("{}.sales{}", code.to_lowercase(), j + 10);
            let name = NAMES[(k * 6 + j) % NAMES.len()];
            sql("INSERT INTO users (username, display_name, role, store_id, password_hash, created_at, updated_at)
                 VALUES ($1, $2, 'sales', $3, $4, $5, $5)")
            .bind(username)
            .bind(name)
            .bind(*store)
            .bind(hash.clone())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    let sellers: Vec<Seller> = sql(
        "SELECT u.id, u.store_id FROM users u WHERE u.role = 'sales' AND u.active AND u.store_id IS NOT NULL
         ORDER BY u.id",
    )
    .fetch_all::<(i64, i64)>(&mut *tx)
    .await?
    .into_iter()
    .map(|(user, store)| Seller {
        user,
        store,
        store_index: stores.iter().position(|s| s.0 == store).unwrap_or(0) as i64,
    })
    .collect();

    let customers =
        customers_and_leads(tx, orders, n_stores, &stores, &sellers, &specs, now).await?;
    let (c_min, per_store) = customers;

    // Orders, day by day. Popular specs come up more often (the first trims, white).
    let spec_rows: Vec<String> = (0..100)
        .map(|k| {
            // A skewed pick: k² spreads the first specs over more slots.
            let s = &specs[(k * k / 100 * specs.len() / 100).min(specs.len() - 1)];
            format!("({k}, {}, {}, {}, {})", s.model, s.trim, s.color, s.price)
        })
        .collect();
    let seller_rows: Vec<String> = sellers
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let code = stores
                .iter()
                .find(|st| st.0 == s.store)
                .map(|st| st.1.as_str())
                .unwrap_or("X");
            format!(
                "({k}, {}, {}, {}, '{code}')",
                s.user, s.store, s.store_index
            )
        })
        .collect();
    let n_sellers = sellers.len() as i64;
    let mut offset = 0i64;
    for (i, (day, count)) in orders_per_day(orders, today).into_iter().enumerate() {
        if count == 0 {
            continue;
        }
        let pace = pace_percent(i as i64);
        let start = china_day_start(day);
        // Showroom hours, 09:00 to 20:00; today only up to a minute ago.
        let latest = (start + 20 * HOUR_MS).min(now - 60_000);
        let (open_ms, open_span) = if latest > start + 9 * HOUR_MS {
            (9 * HOUR_MS, latest - start - 9 * HOUR_MS)
        } else {
            (0, (latest - start).max(1))
        };
        let code = day.format("%Y%m%d").to_string();
        let q = format!(
            "WITH RECURSIVE {numbers},
                 specs(k, model_id, trim_id, color_id, price) AS (VALUES {specs}),
                 sp(k, user_id, store_id, store_index, code) AS (VALUES {sellers})
             INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                                 trim_id, color_id, list_price, discount, discount_bp, extras_total, total, paid,
                                 payment_type, cancel_reason, approval_round, approval_levels, created_at,
                                 updated_at, updated_by,
                                 approved_at, shipped_at, completed_at)
             SELECT sp.code || '-{code}-H' || CAST(z.g AS TEXT), sp.store_id,
                    {c_min} + ((z.g * 2654435761) % {per_store}) * {n_stores} + sp.store_index,
                    sp.user_id, sp.user_id, z.status, specs.model_id, specs.trim_id, specs.color_id,
                    specs.price, specs.price * z.off / 100, z.off * 100, 0, specs.price - specs.price * z.off / 100,
                    CASE WHEN z.status IN ('shipped', 'completed') THEN specs.price - specs.price * z.off / 100
                         WHEN z.status = 'approved' THEN 500000 ELSE 0 END,
                    CASE z.g % 10 WHEN 6 THEN 'loan' WHEN 7 THEN 'loan' WHEN 8 THEN 'loan'
                                  WHEN 9 THEN 'instalment' ELSE 'full' END,
                    CASE WHEN z.status = 'cancelled' THEN '客户改变购车计划' ELSE '' END,
                    CASE WHEN z.status IN ('draft') THEN 0 ELSE 1 END,
                    CASE WHEN z.status <> 'pending_approval' THEN ''
                         WHEN z.off > 5 THEN '1:sales_manager,2:general_manager' ELSE '1:sales_manager' END,
                    z.at,
                    CASE WHEN z.status = 'completed' THEN z.co WHEN z.status = 'shipped' THEN z.sh
                         WHEN z.status = 'approved' THEN z.ap ELSE z.at END,
                    'system:history',
                    CASE WHEN z.status IN ('approved', 'shipped', 'completed') THEN z.ap END,
                    CASE WHEN z.status IN ('shipped', 'completed') THEN z.sh END,
                    CASE WHEN z.status = 'completed' THEN z.co END
             FROM (
                 SELECT y.*, CASE WHEN y.r < 5 THEN 'cancelled' WHEN y.r < 7 THEN 'rejected'
                                  WHEN y.co <= $1 THEN 'completed' WHEN y.sh <= $1 THEN 'shipped'
                                  WHEN y.ap <= $1 THEN 'approved'
                                  WHEN y.r < 20 THEN 'draft' ELSE 'pending_approval' END AS status
                 FROM (
                     SELECT x.g, x.at, x.r, x.off, x.at + x.ah AS ap, x.at + x.ah + x.sd AS sh,
                            x.at + x.ah + x.sd + x.dd AS co
                     FROM (
                         SELECT w.g, w.at, (w.g * 2246822519) % 100 AS r, (w.g * 3266489917) % 9 AS off,
                                ({hour} + (w.g * 668265263) % {approve_span}) * {pace} / 100 AS ah,
                                ({day_ms} + (w.g * 374761393) % {ship_span}) * {pace} / 100 AS sd,
                                ({hour} + (w.g * 1103515245) % {deliver_span}) * {pace} / 100 AS dd
                         FROM (SELECT CAST({offset} + i AS BIGINT) AS g,
                                      {start} + {open_ms} + (CAST({offset} + i AS BIGINT) * 2891336453) % {open_span} AS at
                               FROM n) w
                     ) x
                 ) y
             ) z
             JOIN specs ON specs.k = (z.g * 1597334677) % 100
             JOIN sp ON sp.k = (z.g * 3812015801) % {n_sellers}",
            numbers = numbers(count),
            specs = spec_rows.join(", "),
            sellers = seller_rows.join(", "),
            hour = HOUR_MS,
            day_ms = DAY_MS,
            approve_span = 40 * HOUR_MS,
            ship_span = 14 * DAY_MS,
            deliver_span = 5 * DAY_MS,
        );
        sql(q).bind(now).execute(&mut *tx).await?;
        offset += count;
    }
    // Each paid order's payment.
    sql(
        "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
         SELECT id, paid, CASE id % 3 WHEN 0 THEN 'wechat' WHEN 1 THEN 'transfer' ELSE 'card' END,
                created_at, '', 'system:history'
         FROM orders WHERE updated_by = 'system:history' AND paid > 0",
    )
    .execute(&mut *tx)
    .await?;

    let cars = cars(tx, &specs, &warehouses, now, today).await?;
    let ratings = ratings(tx, now).await?;
    targets(tx, &stores, orders, today, now).await?;
    audit::record(
        &mut *tx,
        Actor::System("seed-demo"),
        AuditEntry::new("demo.history", "dealer_group", 0)
            .after(&serde_json::json!({ "orders": orders })),
        None,
    )
    .await?;
    let message = format!(
        "history loaded in {:.1} s: {orders} orders over {DAYS} days, {} customers with leads, {cars} cars, {ratings} ratings, monthly targets for {n_stores} stores",
        started.elapsed().as_secs_f64(),
        per_store * n_stores,
    );
    txn.commit().await?;
    Ok(message)
}

/// Customers (alternating between the stores, so customer `c_min + k·stores + s` is store
/// `s`'s) and one lead each, opened over the two years. Returns the first customer's id
/// and how many each store has.
async fn customers_and_leads(
    tx: &mut Tx,
    orders: i64,
    n_stores: i64,
    stores: &[(i64, String)],
    sellers: &[Seller],
    specs: &[Spec],
    now: i64,
) -> anyhow::Result<(i64, i64)> {
    let wanted = (orders / 5).max(orders * 9 / 10).min(MAX_CUSTOMERS);
    let wanted = if orders > 100_000 {
        (orders / 5).min(MAX_CUSTOMERS)
    } else {
        wanted
    };
    let per_store = (wanted / n_stores).max(1);
    let total = per_store * n_stores;
    const SURNAMES: [&str; 20] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
        "郭", "何", "林", "高", "罗",
    ];
    const GIVEN: [&str; 25] = [
        "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明",
        "超", "秀英", "华", "平", "刚", "婷", "晨", "浩然", "子涵", "欣怡",
    ];
    let names: Vec<String> = (0..500)
        .map(|k| {
            let name = format!("{}{}", SURNAMES[k % 20], GIVEN[k / 20 % 25]);
            let initials = app::crm::service::customers::initials(&name);
            format!("({k}, '{name}', '{initials}')")
        })
        .collect();
    let budgets = [
        "8-10万",
        "10-15万",
        "15-20万",
        "20万左右",
        "20-30万",
        "30w",
        "30-50万",
        "50万以上",
        "",
        "看情况",
    ];
    let budget_rows: Vec<String> = budgets
        .iter()
        .enumerate()
        .map(|(k, b)| format!("({k}, '{b}')"))
        .collect();
    let mut model_names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    model_names.dedup();
    let model_rows: Vec<String> = model_names
        .iter()
        .enumerate()
        .map(|(k, m)| format!("({k}, '{}')", m.replace('\'', "''")))
        .collect();
    let n_models = model_names.len();
    let store_rows: Vec<String> = stores
        .iter()
        .enumerate()
        .map(|(k, (id, _))| format!("({k}, {id})"))
        .collect();
    let c_min: i64 = sql("SELECT COALESCE(MAX(id), 0) + 1 FROM customers")
        .scalar(&mut *tx)
        .await?;
    let two_years = DAYS * DAY_MS;
    let chunk = 50_000;
    let mut done = 0;
    while done < total {
        let count = chunk.min(total - done);
        let q = format!(
            "WITH RECURSIVE {numbers},
                 nm(k, name, initials) AS (VALUES {names}),
                 bd(k, budget) AS (VALUES {budgets}),
                 md(k, model) AS (VALUES {models}),
                 st(k, store_id) AS (VALUES {stores})
             INSERT INTO customers (id, store_id, kind, name, initials, mobile, mobile_last4, source, budget,
                                    preferred_models, fuel, created_at, updated_at)
             SELECT {c_min} + x.g, st.store_id, 'person', nm.name, nm.initials,
                    CAST(16600000000 + x.g AS TEXT), substr(CAST(16600000000 + x.g AS TEXT), 8, 4),
                    CASE (x.g * 7) % 10 WHEN 0 THEN 'referral' WHEN 1 THEN 'referral' WHEN 2 THEN 'website'
                         WHEN 3 THEN 'website' WHEN 4 THEN 'phone' WHEN 5 THEN 'auto_show' ELSE 'walk_in' END,
                    bd.budget, md.model,
                    CASE (x.g * 13) % 4 WHEN 0 THEN 'petrol' WHEN 1 THEN 'hybrid' WHEN 2 THEN 'electric' ELSE '' END,
                    $1 - (x.g * 2166136261) % {two_years}, $1 - (x.g * 2166136261) % {two_years}
             FROM (SELECT CAST({done} + i - 1 AS BIGINT) AS g FROM n) x
             JOIN nm ON nm.k = (x.g * 31) % 500
             JOIN bd ON bd.k = (x.g * 17) % 10
             JOIN md ON md.k = (x.g * 11) % {n_models}
             JOIN st ON st.k = x.g % {n_stores}",
            numbers = numbers(count),
            names = names.join(", "),
            budgets = budget_rows.join(", "),
            models = model_rows.join(", "),
            stores = store_rows.join(", "),
        );
        sql(q).bind(now).execute(&mut *tx).await?;
        done += count;
    }
    // PostgreSQL's identity continues after the ids given here.
    if tx.dialect() == app::db::Dialect::Postgres {
        sql("SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT MAX(id) FROM customers))")
            .execute(&mut *tx)
            .await?;
    }

    // One lead per customer, owned by a salesperson of its store, at the stage its age
    // allows: old ones mostly settled, recent ones under way.
    let owner_rows: Vec<String> = {
        let mut rows = Vec::new();
        for (store, _) in stores {
            let users: Vec<i64> = sellers
                .iter()
                .filter(|s| s.store == *store)
                .map(|s| s.user)
                .collect();
            for (k, u) in users.iter().enumerate() {
                rows.push(format!("({store}, {k}, {u}, {})", users.len()));
            }
        }
        rows
    };
    let reasons = [
        "price",
        "competitor",
        "financing",
        "no_stock",
        "postponed",
        "unreachable",
        "other",
    ];
    let reason_rows: Vec<String> = reasons
        .iter()
        .enumerate()
        .map(|(k, r)| format!("({k}, '{r}')"))
        .collect();
    sql(format!(
        "WITH ow(store_id, k, user_id, n) AS (VALUES {owners}),
              rs(k, reason) AS (VALUES {reasons})
         INSERT INTO leads (customer_id, store_id, owner_id, stage, reached, model_id, lost_reason, lost_note,
                            source, last_contact_at, closed_at, created_at, updated_at)
         SELECT y.id, y.store_id, ow.user_id, y.stage,
                CASE WHEN y.stage = 'lost' THEN 1 + (y.id * 5) % 4 WHEN y.stage = 'won' THEN 5
                     WHEN y.stage = 'negotiating' THEN 4 WHEN y.stage = 'test_drive' THEN 3
                     WHEN y.stage = 'contacted' THEN 2 ELSE 1 END,
                NULL, CASE WHEN y.stage = 'lost' THEN rs.reason ELSE '' END,
                CASE WHEN y.stage = 'lost' THEN '未成交' ELSE '' END,
                y.source, CASE WHEN y.stage = 'new' THEN NULL ELSE y.created_at + {day} END,
                CASE WHEN y.stage IN ('won', 'lost') THEN y.created_at + y.to_close END,
                y.created_at,
                CASE WHEN y.stage IN ('won', 'lost') THEN y.created_at + y.to_close ELSE y.created_at + {day} END
         FROM (
             SELECT c.id, c.store_id, c.source, c.created_at, (c.id * 3) % {per_store_owners} AS pick,
                    {day} * (3 + (c.id * 37) % 45) AS to_close,
                    CASE WHEN $1 - c.created_at > {sixty_days}
                         THEN CASE WHEN (c.id * 29) % 100 < 32 THEN 'won' WHEN (c.id * 29) % 100 < 88 THEN 'lost'
                                   WHEN (c.id * 29) % 100 < 94 THEN 'negotiating' ELSE 'contacted' END
                         ELSE CASE (c.id * 29) % 6 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'test_drive'
                                   WHEN 3 THEN 'negotiating' WHEN 4 THEN 'won' ELSE 'lost' END END AS stage
             FROM customers c WHERE c.id >= {c_min}
         ) y
         JOIN ow ON ow.store_id = y.store_id AND ow.k = y.pick % ow.n
         JOIN rs ON rs.k = (y.id * 3) % 7",
        owners = owner_rows.join(", "),
        reasons = reason_rows.join(", "),
        day = DAY_MS,
        per_store_owners = 1000,
        sixty_days = 60 * DAY_MS,
    ))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Each customer is their lead's salesperson's.
    sql("UPDATE customers SET owner_id = (SELECT l.owner_id FROM leads l WHERE l.customer_id = customers.id)
         WHERE id >= $1")
    .bind(c_min)
    .execute(&mut *tx)
    .await?;
    Ok((c_min, per_store))
}

/// A car as written.
struct Car {
    vin: String,
    model: i64,
    trim: i64,
    color: i64,
    warehouse: i64,
    status: &'static str,
    cost: i64,
    list: i64,
    arrival: Option<String>,
    created_at: i64,
    sold_at: Option<i64>,
}

/// Cars: the most recent sold orders' (reserved, sold or delivered as their orders
/// stand, arrived before they were ordered), and stock on hand of every age.
async fn cars(
    tx: &mut Tx,
    specs: &[Spec],
    warehouses: &[(i64, i64)],
    now: i64,
    today: NaiveDate,
) -> anyhow::Result<i64> {
    type Held = (i64, i64, i64, i64, i64, String, i64, Option<i64>, i64);
    let held: Vec<Held> = sql(format!(
        "SELECT o.id, o.model_id, o.trim_id, o.color_id, o.store_id, o.status, o.created_at, o.shipped_at,
                o.list_price
         FROM orders o WHERE o.updated_by = 'system:history' AND o.status IN ('approved', 'shipped', 'completed')
         ORDER BY o.created_at DESC LIMIT {MAX_SOLD_CARS}"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let spec_of = |model: i64, trim: i64| {
        specs
            .iter()
            .find(|s| s.model == model && s.trim == trim)
            .or_else(|| specs.first())
    };
    let warehouse_of = |store: i64, k: i64| {
        let own: Vec<i64> = warehouses
            .iter()
            .filter(|w| w.1 == store)
            .map(|w| w.0)
            .collect();
        own.get((k as usize) % own.len().max(1))
            .copied()
            .unwrap_or(warehouses[0].0)
    };
    let year_code = |d: NaiveDate| match d.year() {
        2023 => 'P',
        2024 => 'R',
        2025 => 'S',
        2026 => 'T',
        2027 => 'V',
        2028 => 'W',
        _ => 'X',
    };
    let mut serial = 0i64;
    let mut vin_for = |spec: &Spec, made: NaiveDate| -> anyhow::Result<String> {
        serial += 1;
        let vis = format!("{}H{:06}", year_code(made), serial % 1_000_000);
        Ok(
            Vin::with_check_digit(&format!("{}{}", spec.wmi, spec.vds), &vis)
                .map_err(|e| anyhow::anyhow!("history VIN: {e}"))?
                .as_str()
                .to_owned(),
        )
    };
    let mut rows: Vec<Car> = Vec::new();
    let mut owners: Vec<i64> = Vec::new();
    for (order, model, trim, color, store, status, created, shipped, list) in &held {
        let Some(spec) = spec_of(*model, *trim) else {
            continue;
        };
        let arrived = app::clock::day_of(*created) - chrono::Duration::days(5 + order % 55);
        rows.push(Car {
            vin: vin_for(spec, arrived)?,
            model: *model,
            trim: *trim,
            color: *color,
            warehouse: warehouse_of(*store, *order),
            status: match status.as_str() {
                "approved" => "reserved",
                "shipped" => "sold",
                _ => "delivered",
            },
            cost: list * 88 / 100,
            list: *list,
            arrival: Some(arrived.format("%Y-%m-%d").to_string()),
            created_at: china_day_start(arrived) - 20 * DAY_MS,
            sold_at: *shipped,
        });
        owners.push(*order);
    }
    // Stock on hand: in stock of every age, some in transit.
    let on_hand = (held.len() as i64 / 10).clamp(200, MAX_ON_HAND);
    for k in 0..on_hand {
        let spec = &specs[(k as usize * 7) % specs.len()];
        let (warehouse, _) = warehouses[(k as usize) % warehouses.len()];
        // Mostly recent, a tail of old stock.
        let age = (k * k * 13) % 200 / if k % 3 == 0 { 1 } else { 3 };
        let arrived = today - chrono::Duration::days(age);
        let in_transit = k % 7 == 0;
        rows.push(Car {
            vin: vin_for(spec, arrived)?,
            model: spec.model,
            trim: spec.trim,
            color: spec.color,
            warehouse,
            status: if in_transit { "in_transit" } else { "in_stock" },
            cost: spec.price * 88 / 100,
            list: spec.price,
            arrival: (!in_transit).then(|| arrived.format("%Y-%m-%d").to_string()),
            created_at: now - (age + 10) * DAY_MS,
            sold_at: None,
        });
    }
    let first: i64 = sql("SELECT COALESCE(MAX(id), 0) + 1 FROM vehicles")
        .scalar(&mut *tx)
        .await?;
    const COLS: usize = 13;
    let per = app::db::rows_per_statement(COLS);
    for (c, chunk) in rows.chunks(per).enumerate() {
        let mut q = sql(format!(
            "INSERT INTO vehicles (id, vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                   list_price_fen, arrival_date, created_at, updated_at, sold_at)
             VALUES {}",
            app::db::value_rows(tx.dialect(), chunk.len(), COLS)
        ));
        for (k, r) in chunk.iter().enumerate() {
            q = q
                .bind(first + (c * per + k) as i64)
                .bind(r.vin.clone())
                .bind(r.model)
                .bind(r.trim)
                .bind(r.color)
                .bind(r.warehouse)
                .bind(r.status)
                .bind(r.cost)
                .bind(r.list)
                .bind(r.arrival.clone())
                .bind(r.created_at)
                .bind(r.sold_at.unwrap_or(r.created_at))
                .bind(r.sold_at);
        }
        q.execute(&mut *tx).await?;
    }
    if tx.dialect() == app::db::Dialect::Postgres {
        sql("SELECT setval(pg_get_serial_sequence('vehicles', 'id'), (SELECT MAX(id) FROM vehicles))")
            .execute(&mut *tx)
            .await?;
    }
    // Each order names its car: the k-th car is the k-th order's.
    for (c, chunk) in owners.chunks(2_000).enumerate() {
        let pairs: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(k, order)| format!("({order}, {})", first + (c * 2_000 + k) as i64))
            .collect();
        sql(format!(
            "WITH l(order_id, vehicle_id) AS (VALUES {})
             UPDATE orders SET vehicle_id = l.vehicle_id FROM l WHERE orders.id = l.order_id",
            pairs.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    Ok(rows.len() as i64)
}

/// Ratings of a third of the orders completed in the last year: mostly content, a few
/// not.
async fn ratings(tx: &mut Tx, now: i64) -> anyhow::Result<i64> {
    let year = 365 * DAY_MS;
    Ok(sql(format!(
        "INSERT INTO ratings (token, subject_kind, subject_id, store_id, staff_id, customer_id, created_at,
                              expires_at, answered_at, stars, nps, comment)
         SELECT 'h' || CAST(o.id AS TEXT), 'order', o.id, o.store_id, o.salesperson_id, o.customer_id,
                o.completed_at, o.completed_at + {month}, o.completed_at + {day},
                CASE WHEN o.id % 20 = 0 THEN 2 WHEN o.id % 5 = 0 THEN 4 ELSE 5 END,
                CASE WHEN o.id % 20 = 0 THEN 4 WHEN o.id % 5 = 0 THEN 8 ELSE 9 + o.id % 2 END, ''
         FROM orders o
         WHERE o.updated_by = 'system:history' AND o.status = 'completed' AND o.completed_at > $1 AND o.id % 3 = 0"
        ,
        month = 30 * DAY_MS,
        day = DAY_MS,
    ))
    .bind(now - year)
    .execute(&mut *tx)
    .await? as i64)
}

/// Each store's targets from a year back to three months ahead: its sales of the same
/// month a year before, grown by a tenth (or an even share of the orders where there is no
/// year before).
async fn targets(
    tx: &mut Tx,
    stores: &[(i64, String)],
    orders: i64,
    today: NaiveDate,
    now: i64,
) -> anyhow::Result<()> {
    let month = today.with_day(1).unwrap_or(today);
    for back in -3i32..=12 {
        let m = if back >= 0 {
            month.checked_sub_months(chrono::Months::new(back as u32))
        } else {
            month.checked_add_months(chrono::Months::new((-back) as u32))
        };
        let Some(m) = m else { continue };
        let label = m.format("%Y-%m").to_string();
        let year_before = m
            .checked_sub_months(chrono::Months::new(12))
            .unwrap_or(m)
            .format("%Y-%m")
            .to_string();
        for (store, _) in stores {
            let (units, revenue): (i64, i64) = sql(
                "SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT), CAST(COALESCE(SUM(revenue), 0) AS BIGINT)
                 FROM sales_daily WHERE store_id = $1 AND substr(day, 1, 7) = $2",
            )
            .bind(*store)
            .bind(year_before.clone())
            .fetch_one(&mut *tx)
            .await?;
            let (units, revenue) = if units > 0 {
                (units * 11 / 10, revenue * 11 / 10)
            } else {
                let share = orders / 24 / stores.len() as i64;
                (share.max(1), share.max(1) * 18_000_000)
            };
            sql("INSERT INTO sales_targets (store_id, month, units, revenue, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, 'system:history')
                 ON CONFLICT (store_id, month) DO UPDATE
                 SET units = excluded.units, revenue = excluded.revenue, updated_at = excluded.updated_at,
                     updated_by = excluded.updated_by")
            .bind(*store)
            .bind(label.clone())
            .bind(units)
            .bind(revenue)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_orders_add_up_and_follow_the_seasons() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let days = orders_per_day(100_000, today);
        assert_eq!(days.len() as i64, DAYS);
        assert_eq!(days.iter().map(|d| d.1).sum::<i64>(), 100_000);
        assert_eq!(days.last().unwrap().0, today);
        let month = |y: i32, m: u32| -> i64 {
            days.iter()
                .filter(|(d, _)| d.year() == y && d.month() == m)
                .map(|d| d.1)
                .sum()
        };
        // The year-end rush beats the Spring Festival lull; the business grows.
        assert!(month(2025, 12) > month(2026, 2) * 3 / 2);
        assert!(month(2025, 10) > month(2025, 2));
        assert!(month(2026, 10) > month(2025, 10));
        assert_eq!(pace_percent(0), 135);
        assert_eq!(pace_percent(DAYS), 90);
    }
}
