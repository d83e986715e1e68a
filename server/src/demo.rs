//! Demo data: one dealer group with two stores, a user for every role, six real
//! Chinese-market models, 220 vehicles with valid VINs, 200 customers with leads and
//! follow-ups. Loaded once: a database that already has a dealer group is left alone.

use app::{
    audit::{self, Actor, AuditEntry},
    db::{now_ms, sql, Db, Tx},
    domain::{Phone, Role},
    inventory::Vin,
};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use std::collections::HashSet;

/// Every demo user signs in with this password.
pub const DEMO_PASSWORD: &str = "forecourt-demo";

pub enum SeedOutcome {
    AlreadySeeded,
    Seeded(String),
}

/// (username, display name, role, store code)
pub const USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "系统管理员", Role::Admin, None),
    ("gm", "王建国", Role::GeneralManager, None),
    ("sh.manager", "李明", Role::SalesManager, Some("SH01")),
    ("sh.sales", "张伟", Role::Sales, Some("SH01")),
    ("sh.sales2", "刘洋", Role::Sales, Some("SH01")),
    ("sh.clerk", "陈静", Role::InventoryClerk, Some("SH01")),
    ("sh.service", "赵磊", Role::ServiceAdvisor, Some("SH01")),
    ("hz.manager", "周婷", Role::SalesManager, Some("HZ01")),
    ("hz.sales", "孙浩", Role::Sales, Some("HZ01")),
    ("hz.service", "吴芳", Role::ServiceAdvisor, Some("HZ01")),
];

pub fn logins_table() -> String {
    let mut s = format!("demo logins (password for all: {DEMO_PASSWORD}):\n");
    for (username, name, role, store) in USERS {
        s.push_str(&format!(
            "  {username:<12} {:<16} {:<5} {name}\n",
            role.code(),
            store.unwrap_or("all")
        ));
    }
    s
}

struct ModelSpec {
    brand: (&'static str, &'static str, &'static str),
    name: &'static str,
    name_en: &'static str,
    body: &'static str,
    fuel: &'static str,
    vds: &'static str,
    trims: &'static [(&'static str, i64)],
    colors: &'static [(&'static str, &'static str, &'static str)],
}

const BYD: (&str, &str, &str) = ("比亚迪", "BYD", "LGX");
const TESLA: (&str, &str, &str) = ("特斯拉", "Tesla", "LRW");
const SVW: (&str, &str, &str) = ("上汽大众", "SAIC Volkswagen", "LSV");
const GTMC: (&str, &str, &str) = ("广汽丰田", "GAC Toyota", "LVG");
const LI: (&str, &str, &str) = ("理想汽车", "Li Auto", "LW4");

const MODELS: &[ModelSpec] = &[
    ModelSpec {
        brand: BYD,
        name: "秦PLUS DM-i",
        name_en: "Qin PLUS DM-i",
        body: "sedan",
        fuel: "phev",
        vds: "C1DM3",
        trims: &[("55KM 领先型", 79_800), ("120KM 卓越型", 99_800)],
        colors: &[
            ("雪域白", "Snow White", "#f4f4f2"),
            ("时光灰", "Time Grey", "#6b6e70"),
            ("汉宫红", "Palace Red", "#9e1b22"),
        ],
    },
    ModelSpec {
        brand: BYD,
        name: "宋PLUS DM-i",
        name_en: "Song PLUS DM-i",
        body: "suv",
        fuel: "phev",
        vds: "S2DM4",
        trims: &[("110KM 旗舰型", 139_800), ("150KM 旗舰PLUS", 159_800)],
        colors: &[
            ("雪域白", "Snow White", "#f4f4f2"),
            ("墨玉黑", "Jade Black", "#1d1f21"),
            ("星际蓝", "Galaxy Blue", "#24406b"),
        ],
    },
    ModelSpec {
        brand: TESLA,
        name: "Model Y",
        name_en: "Model Y",
        body: "suv",
        fuel: "ev",
        vds: "YGDEE",
        trims: &[("后轮驱动版", 263_500), ("长续航全轮驱动版", 303_500)],
        colors: &[
            ("珍珠白", "Pearl White", "#f2f2ef"),
            ("星空灰", "Stealth Grey", "#4a4c4f"),
            ("烈焰红", "Ultra Red", "#a1141b"),
        ],
    },
    ModelSpec {
        brand: SVW,
        name: "朗逸",
        name_en: "Lavida",
        body: "sedan",
        fuel: "petrol",
        vds: "AG2C1",
        trims: &[("1.5L 自动新逸版", 119_900), ("1.5L 自动满逸版", 139_900)],
        colors: &[
            ("极地白", "Polar White", "#f5f5f3"),
            ("晶钻黑", "Crystal Black", "#16181a"),
            ("鎏金灰", "Gilded Grey", "#7d7a72"),
        ],
    },
    ModelSpec {
        brand: GTMC,
        name: "凯美瑞",
        name_en: "Camry",
        body: "sedan",
        fuel: "hybrid",
        vds: "BZ3FK",
        trims: &[("2.0G 豪华版", 179_800), ("2.5HG 双擎豪华版", 219_800)],
        colors: &[
            ("铂金珍珠白", "Platinum Pearl White", "#efeee9"),
            ("冷艳银", "Celestial Silver", "#b5b8bb"),
            ("星耀黑", "Attitude Black", "#121314"),
        ],
    },
    ModelSpec {
        brand: LI,
        name: "理想L6",
        name_en: "Li L6",
        body: "suv",
        fuel: "phev",
        vds: "L6A2E",
        trims: &[("Pro", 249_800), ("Max", 279_800)],
        colors: &[
            ("珍珠白", "Pearl White", "#f2f1ec"),
            ("银灰", "Silver Grey", "#9a9da0"),
            ("星河黑", "Galaxy Black", "#15161a"),
        ],
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "平", "刚", "婷", "晨", "浩然", "子涵", "欣怡",
];
const COMPANIES: &[&str] = &[
    "上海申城物流有限公司",
    "杭州云栖科技有限公司",
    "浦东新区城市服务集团",
    "西湖文旅发展有限公司",
    "长三角租车有限公司",
];
const SOURCES: &[&str] = &["walk_in", "referral", "website", "phone", "auto_show"];

async fn insert_id(tx: &mut Tx, q: app::db::Sql) -> app::db::DbResult<i64> {
    q.scalar::<i64>(tx).await
}

pub async fn seed(db: &Db) -> anyhow::Result<SeedOutcome> {
    let existing: i64 = sql("SELECT COUNT(*) FROM dealer_groups").scalar(db).await?;
    if existing > 0 {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    // Hash once outside the transaction: argon2 is deliberately slow.
    let hash =
        tokio::task::spawn_blocking(|| app::auth::password::hash_password(DEMO_PASSWORD)).await??;
    let mut rng = StdRng::seed_from_u64(2026);
    let now = now_ms();
    let today = chrono::Utc::now().date_naive();
    let mut tx = db.begin().await?;

    let group = insert_id(
        &mut tx,
        sql("INSERT INTO dealer_groups (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind("恒信汽车集团")
            .bind(now),
    )
    .await?;

    let mut stores = Vec::new();
    for (code, name, city, address, phone) in [
        (
            "SH01",
            "上海浦东旗舰店",
            "上海",
            "浦东新区张杨路 1888 号",
            "021-58888888",
        ),
        (
            "HZ01",
            "杭州西湖店",
            "杭州",
            "西湖区文三路 518 号",
            "0571-87777777",
        ),
    ] {
        let id = insert_id(
            &mut tx,
            sql(
                "INSERT INTO stores (group_id, code, name, city, address, phone, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(group)
            .bind(code)
            .bind(name)
            .bind(city)
            .bind(address)
            .bind(phone)
            .bind(now),
        )
        .await?;
        stores.push((code, id));
    }
    let store_id = |code: &str| stores.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);

    let mut warehouses = Vec::new();
    for (store, code, name, kind) in [
        ("SH01", "SH01-S", "浦东展厅", "showroom"),
        ("SH01", "SH01-Y", "浦东库区", "yard"),
        ("HZ01", "HZ01-S", "西湖展厅", "showroom"),
    ] {
        let id = insert_id(&mut tx, sql(
            "INSERT INTO warehouses (store_id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(store_id(store)).bind(code).bind(name).bind(kind).bind(now)).await?;
        warehouses.push((id, store_id(store).unwrap_or_default()));
    }

    let mut sales_by_store: Vec<(i64, i64)> = Vec::new();
    for (username, name, role, store) in USERS {
        let sid = store.and_then(store_id);
        let id = insert_id(&mut tx, sql(
            "INSERT INTO users (username, display_name, role, store_id, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id")
            .bind(*username).bind(*name).bind(role.code()).bind(sid).bind(&hash).bind(now)).await?;
        if *role == Role::Sales {
            sales_by_store.push((sid.unwrap_or_default(), id));
        }
    }

    // Catalog.
    let mut brand_ids: Vec<(&str, i64)> = Vec::new();
    struct Model {
        id: i64,
        wmi: &'static str,
        vds: &'static str,
        trims: Vec<(i64, i64)>,
        colors: Vec<i64>,
    }
    let mut models = Vec::new();
    for m in MODELS {
        let brand_id = match brand_ids.iter().find(|(n, _)| *n == m.brand.0) {
            Some((_, id)) => *id,
            None => {
                let id = insert_id(
                    &mut tx,
                    sql("INSERT INTO brands (name, name_en, wmi) VALUES ($1, $2, $3) RETURNING id")
                        .bind(m.brand.0)
                        .bind(m.brand.1)
                        .bind(m.brand.2),
                )
                .await?;
                brand_ids.push((m.brand.0, id));
                id
            }
        };
        let model_id = insert_id(&mut tx, sql(
            "INSERT INTO models (brand_id, name, name_en, body_type, fuel_type) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(brand_id).bind(m.name).bind(m.name_en).bind(m.body).bind(m.fuel)).await?;
        let mut trims = Vec::new();
        for (name, yuan) in m.trims {
            let fen = yuan * 100;
            let id = insert_id(
                &mut tx,
                sql(
                    "INSERT INTO trims (model_id, name, msrp_fen) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(model_id)
                .bind(*name)
                .bind(fen),
            )
            .await?;
            trims.push((id, fen));
        }
        let mut colors = Vec::new();
        for (name, en, hex) in m.colors {
            colors.push(insert_id(&mut tx, sql("INSERT INTO colors (model_id, name, name_en, hex) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(model_id).bind(*name).bind(*en).bind(*hex)).await?);
        }
        models.push(Model {
            id: model_id,
            wmi: m.brand.2,
            vds: m.vds,
            trims,
            colors,
        });
    }

    // Vehicles, each with a valid VIN.
    let vehicle_count = 220;
    for serial in 0..vehicle_count {
        let m = &models[rng.gen_range(0..models.len())];
        let (trim_id, msrp) = m.trims[rng.gen_range(0..m.trims.len())];
        let color_id = m.colors[rng.gen_range(0..m.colors.len())];
        // The yard holds more than the showrooms.
        let (warehouse_id, _) = warehouses[[0, 1, 1, 2, 2][rng.gen_range(0..5)]];
        let status = match rng.gen_range(0..100) {
            0..=69 => "in_stock",
            70..=79 => "in_transit",
            80..=87 => "reserved",
            88..=95 => "sold",
            _ => "delivered",
        };
        let arrival = (status != "in_transit").then(|| {
            (today - chrono::Days::new(rng.gen_range(0..120)))
                .format("%Y-%m-%d")
                .to_string()
        });
        let year = if rng.gen_bool(0.7) { 'T' } else { 'S' };
        let vis = format!(
            "{year}{}{:06}",
            ['A', 'B', 'C'][rng.gen_range(0..3)],
            100_000 + serial
        );
        let vin = Vin::with_check_digit(&format!("{}{}", m.wmi, m.vds), &vis)
            .map_err(|e| anyhow::anyhow!("demo VIN: {e}"))?;
        let cost = msrp * 88 / 100;
        sql("INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                   list_price_fen, arrival_date, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
        .bind(vin.as_str()).bind(m.id).bind(trim_id).bind(color_id).bind(warehouse_id)
        .bind(status).bind(cost).bind(msrp).bind(arrival).bind(now)
        .execute(&mut tx).await?;
    }

    // Customers.
    // Customers, each with a lead at some stage; most owned ones with a follow-up due
    // yesterday, today or next week, so the CRM views are not empty on first run.
    let customer_count = 200;
    let stages = [
        "new",
        "contacted",
        "test_drive",
        "negotiating",
        "won",
        "lost",
    ];
    let goals = [
        "回访试驾感受",
        "邀约到店看车",
        "确认贷款方案",
        "介绍本月优惠",
    ];
    let channels = ["call", "wechat", "visit", "test_drive"];
    let mut phones = HashSet::new();
    for i in 0..customer_count {
        let (store_id, owner) = sales_by_store[rng.gen_range(0..sales_by_store.len())];
        // Every tenth one is a store's unassigned lead.
        let owner = (i % 10 != 9).then_some(owner);
        let company = i % 12 == 5;
        let name = if company {
            COMPANIES[(i / 12) % COMPANIES.len()].to_owned()
        } else {
            format!(
                "{}{}",
                SURNAMES.choose(&mut rng).unwrap_or(&"王"),
                GIVEN.choose(&mut rng).unwrap_or(&"伟")
            )
        };
        let phone = loop {
            let p = format!(
                "1{}{:09}",
                rng.gen_range(3..=9),
                rng.gen_range(0..1_000_000_000u64)
            );
            if phones.insert(p.clone()) {
                break Phone::parse(&p).map_err(|e| anyhow::anyhow!("demo phone {p}: {e}"))?;
            }
        };
        let created = now - rng.gen_range(0..90) * 86_400_000;
        let source = *SOURCES.choose(&mut rng).unwrap_or(&"walk_in");
        let customer_id = insert_id(&mut tx, sql("INSERT INTO customers (store_id, kind, name, initials, mobile, mobile_last4, source, owner_id,
                                    created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
        .bind(store_id)
        .bind(if company { "company" } else { "person" })
        .bind(name.clone())
        .bind(app::crm::service::customers::initials(&name))
        .bind(phone.as_str())
        .bind(&phone.as_str()[7..])
        .bind(source)
        .bind(owner)
        .bind(created)).await?;
        let stage = stages[i % stages.len()];
        let (reason, note) = if stage == "lost" {
            ("competitor", "选择了其他品牌")
        } else {
            ("", "")
        };
        sql("INSERT INTO leads (customer_id, store_id, owner_id, stage, lost_reason, lost_note, source, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
        .bind(customer_id).bind(store_id).bind(owner).bind(stage).bind(reason).bind(note).bind(source).bind(created)
        .execute(&mut tx).await?;
        if let Some(owner) = owner.filter(|_| i % 4 != 3 && !matches!(stage, "won" | "lost")) {
            // Yesterday, today (10:00 or 16:00 China time) or in a week.
            let today = app::crm::domain::follow_up::day_start_ms(now);
            let due = today
                + [
                    -86_400_000 + 36_000_000,
                    36_000_000,
                    57_600_000,
                    7 * 86_400_000 + 36_000_000,
                ][i % 4];
            sql("INSERT INTO follow_ups (customer_id, store_id, owner_id, due_at, channel, goal, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'system:seed-demo')")
            .bind(customer_id).bind(store_id).bind(owner).bind(due)
            .bind(channels[i % channels.len()]).bind(goals[i % goals.len()]).bind(created)
            .execute(&mut tx).await?;
        }
    }

    // Thresholds on the first showroom (keep 3 to 12 of the first model on show, at
    // least 2 of the third), and the alerts they and the aged stock raise today.
    let mut thresholds = 0;
    if let Some((warehouse_id, _)) = warehouses.first() {
        for (model, low, high) in [
            (&models[0], Some(3i64), Some(12i64)),
            (&models[2], Some(2), None),
        ] {
            sql("INSERT INTO stock_thresholds (warehouse_id, model_id, low_qty, high_qty, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, 'system:seed-demo')")
            .bind(*warehouse_id)
            .bind(model.id)
            .bind(low)
            .bind(high)
            .bind(now)
            .execute(&mut tx)
            .await?;
            app::inventory::service::alerts::reconcile_thresholds(
                &mut tx,
                &[(*warehouse_id, model.id)],
            )
            .await?;
            thresholds += 1;
        }
    }
    app::inventory::service::alerts::sweep_aged(&mut tx, app::clock::Clock::System.today(), None)
        .await?;

    let mut orders = 0;
    for (code, store) in &stores {
        orders += seed_orders(&mut tx, code, *store, now).await?;
    }

    let mut appointments = 0;
    for (code, store) in &stores {
        appointments += seed_service(&mut tx, code, *store, now).await?;
    }
    // This month's sales targets (销售目标), which the dashboard measures the month by.
    let month = app::clock::day_of(now).format("%Y-%m").to_string();
    for (code, store) in &stores {
        let (units, yuan) = if *code == "SH01" {
            (30, 6_000_000)
        } else {
            (20, 4_000_000)
        };
        sql(
            "INSERT INTO sales_targets (store_id, month, units, revenue, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, 'system:seed-demo')",
        )
        .bind(*store)
        .bind(month.clone())
        .bind(units)
        .bind(yuan * 100)
        .bind(now)
        .execute(&mut tx)
        .await?;
    }
    let mut complaints = 0;
    let mut ratings = 0;
    for (code, store) in &stores {
        let (c, r) = seed_complaints(&mut tx, code, *store, now).await?;
        complaints += c;
        ratings += r;
    }

    let summary = format!(
        "demo data loaded: {thresholds} stock thresholds, 1 group, {} stores, {} warehouses, {} users, {} models, {vehicle_count} vehicles, {customer_count} customers, {orders} orders, {appointments} service appointments, {complaints} complaints, {ratings} ratings",
        stores.len(), warehouses.len(), USERS.len(), models.len()
    );
    audit::record(
        &mut tx,
        Actor::System("seed-demo"),
        AuditEntry::new("demo.seed", "dealer_group", group)
            .after(&serde_json::json!({ "summary": summary })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(SeedOutcome::Seeded(summary))
}

/// One demo order: where it stands and what it holds.
struct DemoOrder {
    status: &'static str,
    /// The status the vehicle it holds must have; `None`: it holds none.
    vehicle: Option<&'static str>,
    /// Discount in basis points.
    discount_bp: i64,
    /// Days ago it was entered.
    age_days: i64,
    /// Paid in full (else a ¥5,000 deposit, or nothing for a plain draft).
    paid_up: bool,
    /// The lead stage its customer's lead should be at.
    stage: &'static str,
}

const DEMO_ORDERS: &[DemoOrder] = &[
    DemoOrder {
        status: "draft",
        vehicle: None,
        discount_bp: 0,
        age_days: 0,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "draft",
        vehicle: Some("reserved"),
        discount_bp: 300,
        age_days: 1,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "pending_approval",
        vehicle: Some("reserved"),
        discount_bp: 200,
        age_days: 2,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "pending_approval",
        vehicle: Some("reserved"),
        discount_bp: 620,
        age_days: 3,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "approved",
        vehicle: Some("reserved"),
        discount_bp: 400,
        age_days: 6,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "shipped",
        vehicle: Some("sold"),
        discount_bp: 350,
        age_days: 12,
        paid_up: true,
        stage: "won",
    },
    DemoOrder {
        status: "completed",
        vehicle: Some("delivered"),
        discount_bp: 500,
        age_days: 25,
        paid_up: true,
        stage: "won",
    },
    DemoOrder {
        status: "rejected",
        vehicle: None,
        discount_bp: 1200,
        age_days: 4,
        paid_up: false,
        stage: "negotiating",
    },
    DemoOrder {
        status: "cancelled",
        vehicle: None,
        discount_bp: 0,
        age_days: 9,
        paid_up: false,
        stage: "lost",
    },
];

/// A handful of orders for one store, one or two in every status, consistent with the
/// stock: an order holding a vehicle takes one already reserved (sold when shipped,
/// delivered when completed), so the stock figures stay as they were seeded.
/// A store's booking capacity (Monday–Saturday 08:30–17:30, Sunday 09:00–16:00, hour
/// slots, three shared bays and one for body work, two weeks ahead, an hour's cut-off) and
/// a week of appointments around today: the past ones completed, checked in or missed,
/// today's partly checked in, the coming ones booked.
async fn seed_service(tx: &mut Tx, code: &str, store_id: i64, now: i64) -> anyhow::Result<usize> {
    use app::aftersales::domain::{slot_start_ms, BookingCode, Capacity, Hours, ServiceType};
    let capacity = Capacity {
        store_id,
        slot_minutes: 60,
        horizon_days: 14,
        cutoff_minutes: 60,
        hours: (1..=7)
            .map(|weekday| Hours {
                weekday,
                opens_min: if weekday == 7 { 540 } else { 510 },
                closes_min: if weekday == 7 { 960 } else { 1050 },
            })
            .collect(),
        bays: vec![("shared".into(), 3), ("body_paint".into(), 1)],
        closed: Vec::new(),
        version: 1,
    };
    app::aftersales::service::capacity::write(tx, &capacity, 1, now, "system:seed-demo").await?;
    let advisor: i64 = sql("SELECT id FROM users WHERE store_id = $1 AND role = 'service_advisor'")
        .bind(store_id)
        .scalar(&mut *tx)
        .await?;
    let customers: Vec<(i64, String, String)> = sql(
        "SELECT id, name, mobile FROM customers WHERE store_id = $1 AND merged_into IS NULL ORDER BY id LIMIT 14",
    )
    .bind(store_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut rng = StdRng::seed_from_u64(if code == "SH01" { 41 } else { 43 });
    let today = app::clock::day_of(now);
    let plates = if code == "SH01" { "沪" } else { "浙" };
    let mut n = 0;
    for (i, (customer_id, name, mobile)) in customers.iter().enumerate() {
        let offset = i as i64 % 7 - 3;
        let day = today + chrono::Duration::days(offset);
        let slots = capacity.starts(day);
        let start_min = slots[(i * 3) % slots.len()];
        let starts_at = slot_start_ms(day, start_min);
        let service = ServiceType::ALL[i % ServiceType::ALL.len()];
        let status = match (offset, i % 3) {
            (o, 0) if o < 0 => "no_show",
            (o, _) if o < 0 => "completed",
            (0, _) if starts_at < now => "checked_in",
            _ => "booked",
        };
        let came = matches!(status, "completed" | "checked_in");
        let plate = format!(
            "{plates}{}{}",
            ["A", "B", "D"][i % 3],
            10_000 + rng.gen_range(0..89_999)
        );
        let id: i64 = sql("INSERT INTO appointments (code, access_token, store_id, service_type, pool, day, start_min, starts_at, ends_at,
                 status, source, name, mobile, plate, mileage, customer_id, advisor_id, checked_in_at, checkin_mileage,
                 completed_at, created_at, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21, 'system:seed-demo')
             RETURNING id")
        .bind(BookingCode::from_bits(rng.gen()).as_str())
        .bind(format!("{:032x}", rng.gen::<u128>()))
        .bind(store_id)
        .bind(service.code())
        .bind(capacity.pool_of(service))
        .bind(day.to_string())
        .bind(start_min)
        .bind(starts_at)
        .bind(starts_at + 3_600_000)
        .bind(status)
        .bind(if i % 4 == 0 { "staff" } else { "online" })
        .bind(name.as_str())
        .bind(mobile.as_str())
        .bind(plate)
        .bind(rng.gen_range(5_000..90_000i64))
        .bind(*customer_id)
        .bind(came.then_some(advisor))
        .bind(came.then_some(starts_at - 300_000))
        .bind(came.then(|| rng.gen_range(5_000..90_000i64)))
        .bind((status == "completed").then_some(starts_at + 3_000_000))
        .bind(starts_at - 3 * 86_400_000)
        .scalar::<i64>(&mut *tx)
        .await?;
        // A completed visit was rated (满意度) by its customer a few hours later.
        if status == "completed" {
            let token = app::aftersales::service::ratings::invite(
                tx,
                app::aftersales::domain::rating::RatingSubject::appointment(
                    id,
                    store_id,
                    Some(advisor),
                    Some(*customer_id),
                ),
                starts_at + 3_600_000,
            )
            .await?;
            let (stars, nps, comment) = [(5, 10, "保养很快，顾问讲解清楚"), (4, 8, "")][i % 2];
            sql("UPDATE ratings SET answered_at = $1, stars = $2, nps = $3, comment = $4 WHERE token = $5")
                .bind(starts_at + 5 * 3_600_000)
                .bind(stars)
                .bind(nps)
                .bind(comment)
                .bind(&token)
                .execute(&mut *tx)
                .await?;
        }
        n += 1;
    }
    // The slots count every appointment still holding its place.
    sql(
        "INSERT INTO service_slots (store_id, day, start_min, pool, booked)
         SELECT store_id, day, start_min, pool, COUNT(*) FROM appointments
         WHERE store_id = $1 AND pool <> '' AND status NOT IN ('cancelled', 'no_show')
         GROUP BY store_id, day, start_min, pool",
    )
    .bind(store_id)
    .execute(&mut *tx)
    .await?;
    Ok(n)
}

async fn seed_orders(tx: &mut Tx, code: &str, store_id: i64, now: i64) -> anyhow::Result<usize> {
    use app::orders::domain::{
        approval::{default_rules, required_levels, Facts},
        number,
        totals::{compute, Discount},
        PaymentType,
    };
    let (sales, manager) = match code {
        "SH01" => ("sh.sales", "sh.manager"),
        _ => ("hz.sales", "hz.manager"),
    };
    let (sales_id, sales_name): (i64, String) =
        sql("SELECT id, display_name FROM users WHERE username = $1")
            .bind(sales)
            .fetch_one(&mut *tx)
            .await?;
    let (manager_id, manager_name): (i64, String) =
        sql("SELECT id, display_name FROM users WHERE username = $1")
            .bind(manager)
            .fetch_one(&mut *tx)
            .await?;
    let (gm_id, gm_name): (i64, String) =
        sql("SELECT id, display_name FROM users WHERE username = 'gm'")
            .fetch_one(&mut *tx)
            .await?;
    // The salesperson's customers, by lead stage.
    let customers: Vec<(i64, String)> = sql(
        "SELECT c.id, l.stage FROM customers c JOIN leads l ON l.customer_id = c.id
         WHERE c.store_id = $1 AND c.owner_id = $2 ORDER BY c.id",
    )
    .bind(store_id)
    .bind(sales_id)
    .fetch_all(&mut *tx)
    .await?;
    // Vehicles of the store by status: (id, model, trim, colour, list price).
    type Car = (i64, i64, i64, i64, i64, String);
    let cars: Vec<Car> = sql(
        "SELECT v.id, v.model_id, v.trim_id, v.color_id, v.list_price_fen, v.status
         FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
         WHERE w.store_id = $1 ORDER BY v.id",
    )
    .bind(store_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut used_cars: HashSet<i64> = HashSet::new();
    let mut used_customers: HashSet<i64> = HashSet::new();
    let mut sequences: std::collections::BTreeMap<String, u32> = Default::default();
    let rules = default_rules();
    let mut made = 0;
    for (n, d) in DEMO_ORDERS.iter().enumerate() {
        let car = match d.vehicle {
            Some(status) => cars
                .iter()
                .find(|c| c.5 == status && !used_cars.contains(&c.0)),
            None => cars.iter().find(|c| c.5 == "in_stock"),
        };
        let Some(&(car_id, model_id, trim_id, color_id, list_price, _)) = car else {
            continue;
        };
        let customer = customers
            .iter()
            .find(|(id, stage)| *stage == d.stage && !used_customers.contains(id))
            .or_else(|| {
                customers
                    .iter()
                    .find(|(id, _)| !used_customers.contains(id))
            });
        let Some(&(customer_id, _)) = customer else {
            continue;
        };
        used_customers.insert(customer_id);
        let vehicle_id = d.vehicle.map(|_| car_id);
        if let Some(v) = vehicle_id {
            used_cars.insert(v);
        }
        let created = now - d.age_days * 86_400_000 - (n as i64) * 600_000;
        let day = app::clock::day_of(created);
        let seq = sequences
            .entry(day.format("%Y-%m-%d").to_string())
            .or_insert(0);
        *seq += 1;
        let number = number::format(code, day, *seq);
        let extras = [150_000i64];
        let deposit = if d.status == "draft" && vehicle_id.is_none() {
            0
        } else {
            500_000
        };
        let before = compute(
            list_price,
            Discount::Percent(d.discount_bp),
            &extras,
            &[deposit],
        )
        .map_err(|e| anyhow::anyhow!("demo order totals: {e:?}"))?;
        let payments: Vec<i64> = if d.paid_up {
            vec![deposit, before.total - deposit]
        } else {
            vec![deposit]
        };
        let t = compute(
            list_price,
            Discount::Percent(d.discount_bp),
            &extras,
            &payments,
        )
        .map_err(|e| anyhow::anyhow!("demo order totals: {e:?}"))?;
        let facts = Facts::of(&t, model_id, PaymentType::Full);
        let levels = required_levels(&rules, &facts);
        let levels_text = levels
            .iter()
            .map(|l| format!("{}:{}", l.level, l.role.code()))
            .collect::<Vec<_>>()
            .join(",");
        let round = i64::from(d.status != "draft");
        let hold_until =
            (d.status == "draft" && vehicle_id.is_some()).then_some(now + 48 * 3_600_000);
        let (cancel_reason, updated_by) = match d.status {
            "cancelled" => ("客户改选其他车型", sales_name.as_str()),
            "rejected" => ("", manager_name.as_str()),
            _ => ("", sales_name.as_str()),
        };
        let order_id: i64 = sql(
            "INSERT INTO orders (number, store_id, customer_id, salesperson_id, created_by, status, model_id,
                                 trim_id, color_id, vehicle_id, hold_until, list_price, discount, discount_bp,
                                 discount_kind, extras_total, total, paid, payment_type, notes, cancel_reason,
                                 approval_round, approval_levels, created_at, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'percent', $14, $15, $16,
                     'full', '', $17, $18, $19, $20, $21, $22)
             RETURNING id",
        )
        .bind(number.as_str())
        .bind(store_id)
        .bind(customer_id)
        .bind(sales_id)
        .bind(d.status)
        .bind(model_id)
        .bind(trim_id)
        .bind(color_id)
        .bind(vehicle_id)
        .bind(hold_until)
        .bind(t.list_price)
        .bind(t.discount)
        .bind(t.discount_bp)
        .bind(t.extras)
        .bind(t.total)
        .bind(t.paid)
        .bind(cancel_reason)
        .bind(round)
        .bind(if round > 0 { levels_text } else { String::new() })
        .bind(created)
        .bind(created + 3_600_000)
        .bind(updated_by)
        .scalar(&mut *tx)
        .await?;
        sql(
            "INSERT INTO order_extras (order_id, position, kind, description, price)
             VALUES ($1, 0, 'accessory', '全车脚垫和行车记录仪', $2)",
        )
        .bind(order_id)
        .bind(extras[0])
        .execute(&mut *tx)
        .await?;
        for (i, amount) in payments.iter().enumerate().filter(|(_, a)| **a != 0) {
            sql(
                "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(order_id)
            .bind(*amount)
            .bind(if i == 0 { "wechat" } else { "transfer" })
            .bind(created + i as i64 * 86_400_000)
            .bind(if i == 0 { "定金" } else { "尾款" })
            .bind(sales_name.as_str())
            .execute(&mut *tx)
            .await?;
        }
        // Decisions: every level for an approved order and after; the first of two for
        // the one still waiting on the general manager; the sales manager's refusal.
        let decided: Vec<(i64, &str, &str)> = match d.status {
            "approved" | "shipped" | "completed" => levels
                .iter()
                .map(|l| (i64::from(l.level), l.role.code(), "approved"))
                .collect(),
            "pending_approval" if levels.len() > 1 => vec![(1, "sales_manager", "approved")],
            "rejected" => vec![(1, "sales_manager", "rejected")],
            _ => Vec::new(),
        };
        for (level, role, decision) in decided {
            let (by, name) = if role == "general_manager" {
                (gm_id, gm_name.as_str())
            } else {
                (manager_id, manager_name.as_str())
            };
            let comment = if decision == "rejected" {
                "优惠幅度超出本月政策，请重新报价"
            } else {
                ""
            };
            sql(
                "INSERT INTO order_approvals (order_id, round, level, role, decision, decided_by,
                                              decided_by_name, comment, carried, decided_at)
                 VALUES ($1, 1, $2, $3, $4, $5, $6, $7, FALSE, $8)",
            )
            .bind(order_id)
            .bind(level)
            .bind(role)
            .bind(decision)
            .bind(by)
            .bind(name)
            .bind(comment)
            .bind(created + level * 1_800_000)
            .execute(&mut *tx)
            .await?;
        }
        made += 1;
    }
    for (day, last) in sequences {
        sql("INSERT INTO order_sequences (store_id, day, last) VALUES ($1, $2, $3)")
            .bind(store_id)
            .bind(day)
            .bind(i64::from(last))
            .execute(&mut *tx)
            .await?;
    }
    Ok(made)
}

/// Complaints of one store in every status — one urgent complaint already past its
/// deadline (the escalation job takes it to the manager at the first run) — and the
/// ratings of its completed orders: most glad, one low, whose complaint draft waits for
/// the manager.
async fn seed_complaints(
    tx: &mut Tx,
    code: &str,
    store_id: i64,
    now: i64,
) -> anyhow::Result<(usize, usize)> {
    use app::aftersales::{
        domain::{
            complaint::{Category, ComplaintSource, ComplaintStatus, Severity},
            rating::RatingSubject,
        },
        service::{complaints, ratings},
    };
    const HOUR: i64 = 3_600_000;
    let advisor = match code {
        "SH01" => "sh.service",
        _ => "hz.sales",
    };
    let (owner_id, owner_name): (i64, String) =
        sql("SELECT id, display_name FROM users WHERE username = $1")
            .bind(advisor)
            .fetch_one(&mut *tx)
            .await?;
    let customers: Vec<(i64, String, String)> =
        sql("SELECT id, name, mobile FROM customers WHERE store_id = $1 ORDER BY id LIMIT 6")
            .bind(store_id)
            .fetch_all(&mut *tx)
            .await?;
    let demo = [
        // (status, severity, category, hours ago, what happened, resolution)
        (
            ComplaintStatus::Open,
            Severity::Urgent,
            Category::RepairQuality,
            6,
            "保养后发动机故障灯又亮了，要求马上处理",
            "",
        ),
        (
            ComplaintStatus::Open,
            Severity::Normal,
            Category::Waiting,
            2,
            "预约 9 点到店，等了一个多小时才开始保养",
            "",
        ),
        (
            ComplaintStatus::InProgress,
            Severity::Serious,
            Category::Price,
            20,
            "结算金额比报价高了 600 元，没有提前说明",
            "",
        ),
        (
            ComplaintStatus::Resolved,
            Severity::Normal,
            Category::ServiceQuality,
            50,
            "洗车不干净，内饰有污渍",
            "已安排免费重新清洗并致歉，客户表示满意",
        ),
        (
            ComplaintStatus::Closed,
            Severity::Normal,
            Category::Sales,
            200,
            "交车时赠品少了一套脚垫",
            "已补送脚垫，客户确认收到",
        ),
    ];
    let mut made = 0;
    for (i, (status, severity, category, hours_ago, what, resolution)) in
        demo.into_iter().enumerate()
    {
        let (customer_id, name, mobile) = customers
            .get(i)
            .cloned()
            .map(|(id, n, m)| (Some(id), n, m))
            .unwrap_or((None, "客户".into(), String::new()));
        let at = now - hours_ago * HOUR;
        let new = complaints::NewComplaint {
            store_id,
            status: ComplaintStatus::Open,
            category,
            severity,
            source: if i % 2 == 0 {
                ComplaintSource::Staff
            } else {
                ComplaintSource::Public
            },
            description: what.into(),
            customer_name: name,
            mobile,
            customer_id,
            order_id: None,
            vehicle_id: None,
            appointment_id: None,
            rating_id: None,
            owner_id: None,
        };
        let (id, _) = complaints::insert(tx, &new, &owner_name, at).await?;
        // Walk it along its statuses, each step on its timeline an hour apart.
        let path: &[(&str, ComplaintStatus)] = match status {
            ComplaintStatus::InProgress => &[("start", ComplaintStatus::InProgress)],
            ComplaintStatus::Resolved => &[
                ("start", ComplaintStatus::InProgress),
                ("resolve", ComplaintStatus::Resolved),
            ],
            ComplaintStatus::Closed => &[
                ("start", ComplaintStatus::InProgress),
                ("resolve", ComplaintStatus::Resolved),
                ("close", ComplaintStatus::Closed),
            ],
            _ => &[],
        };
        let mut from = ComplaintStatus::Open;
        for (n, (step, to)) in path.iter().enumerate() {
            let t = at + (n as i64 + 1) * HOUR;
            let note = if *step == "resolve" { resolution } else { "" };
            sql("INSERT INTO complaint_events (complaint_id, at, actor, kind, from_status, to_status, note)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(t)
            .bind(&owner_name)
            .bind(*step)
            .bind(from.code())
            .bind(to.code())
            .bind(note)
            .execute(&mut *tx)
            .await?;
            from = *to;
        }
        if !path.is_empty() {
            let steps = path.len() as i64;
            sql(
                "UPDATE complaints SET status = $1, owner_id = $2, responded_at = $3,
                     resolved_at = CASE WHEN $4 THEN $5 ELSE NULL END,
                     closed_at = CASE WHEN $6 THEN $7 ELSE NULL END, resolution = $8,
                     updated_at = $7, updated_by = $9, version = version + $10
                 WHERE id = $11",
            )
            .bind(status.code())
            .bind(owner_id)
            .bind(at + HOUR)
            .bind(steps >= 2)
            .bind(at + 2 * HOUR)
            .bind(steps >= 3)
            .bind(at + steps * HOUR)
            .bind(resolution)
            .bind(&owner_name)
            .bind(steps)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        made += 1;
    }

    // Ratings of the completed orders: glad ones, and one low that opened a draft.
    let completed: Vec<(i64, Option<i64>, i64)> = sql(
        "SELECT id, salesperson_id, customer_id FROM orders WHERE store_id = $1 AND status = 'completed' ORDER BY id",
    )
    .bind(store_id)
    .fetch_all(&mut *tx)
    .await?;
    let answers = [
        (5, 10, "交车很顺利，销售顾问很专业"),
        (4, 9, ""),
        (2, 5, "交车等了很久，手续也没讲清楚"),
    ];
    let mut rated = 0;
    // Each store's first answer differs, so a small demo still shows a low one.
    let shift = if code == "SH01" { 2 } else { 0 };
    for (n, (order_id, salesperson, customer)) in completed.into_iter().enumerate() {
        let at = now - (n as i64 + 2) * 24 * HOUR;
        let token = ratings::invite(
            tx,
            RatingSubject::order(order_id, store_id, salesperson, customer),
            at,
        )
        .await?;
        let Some((stars, nps, comment)) = answers.get((n + shift) % answers.len()).copied() else {
            continue;
        };
        sql("UPDATE ratings SET answered_at = $1, stars = $2, nps = $3, comment = $4 WHERE token = $5")
            .bind(at + 3 * HOUR)
            .bind(stars)
            .bind(nps)
            .bind(comment)
            .bind(&token)
            .execute(&mut *tx)
            .await?;
        rated += 1;
        if app::aftersales::domain::rating::is_low(stars, nps) {
            let rating_id: i64 = sql("SELECT id FROM ratings WHERE token = $1")
                .bind(&token)
                .scalar(&mut *tx)
                .await?;
            let (name, mobile): (String, String) =
                sql("SELECT name, mobile FROM customers WHERE id = $1")
                    .bind(customer)
                    .fetch_one(&mut *tx)
                    .await?;
            let draft = complaints::NewComplaint {
                store_id,
                status: ComplaintStatus::Draft,
                category: Category::Sales,
                severity: app::aftersales::domain::rating::draft_severity(stars, nps),
                source: ComplaintSource::Rating,
                description: format!("满意度低分：{stars} 星，推荐意愿 {nps}\n{comment}"),
                customer_name: name,
                mobile,
                customer_id: Some(customer),
                order_id: Some(order_id),
                vehicle_id: None,
                appointment_id: None,
                rating_id: Some(rating_id),
                owner_id: None,
            };
            let (complaint, _) =
                complaints::insert(tx, &draft, complaints::SYSTEM, now - HOUR).await?;
            sql("UPDATE ratings SET complaint_id = $1 WHERE id = $2")
                .bind(complaint)
                .bind(rating_id)
                .execute(&mut *tx)
                .await?;
            made += 1;
        }
    }
    Ok((made, rated))
}
