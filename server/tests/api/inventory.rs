//! Inventory on both databases: intake validation (form, batch file, REST) that writes
//! nothing on bad input, alerts that open and close exactly once, transfers that move
//! vehicles and refuse a second claim on one vehicle, and live stock events.

use crate::{both_dbs, helpers::TestApp};
use app::{db::sql, inventory::Vin};
use std::sync::atomic::{AtomicU32, Ordering};

static SERIAL: AtomicU32 = AtomicU32::new(1);

/// A fresh valid VIN (a BYD Qin prefix, as in the demo data).
pub fn new_vin() -> String {
    let n = SERIAL.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10_000;
    Vin::with_check_digit("LGXC1DM3", &format!("T{n:07}"))
        .unwrap()
        .as_str()
        .to_owned()
}

pub struct Ids {
    pub sh_showroom: i64,
    pub sh_yard: i64,
    pub hz_warehouse: i64,
    pub model: i64,
    pub trim: i64,
    pub color: i64,
    pub foreign_color: i64,
}

pub async fn ids(app: &TestApp) -> Ids {
    let id = |q: &'static str| {
        let db = app.db.clone();
        async move { sql(q).scalar::<i64>(&db).await.unwrap() }
    };
    let model = id("SELECT id FROM models WHERE name = '秦PLUS DM-i'").await;
    Ids {
        sh_showroom: id("SELECT id FROM warehouses WHERE code = 'SH01-S'").await,
        sh_yard: id("SELECT id FROM warehouses WHERE code = 'SH01-Y'").await,
        hz_warehouse: id("SELECT MIN(w.id) FROM warehouses w JOIN stores s ON s.id = w.store_id WHERE s.code = 'HZ01'").await,
        model,
        trim: sql("SELECT MIN(id) FROM trims WHERE model_id = $1").bind(model).scalar(&app.db).await.unwrap(),
        color: sql("SELECT MIN(id) FROM colors WHERE model_id = $1").bind(model).scalar(&app.db).await.unwrap(),
        foreign_color: sql("SELECT MIN(id) FROM colors WHERE model_id <> $1").bind(model).scalar(&app.db).await.unwrap(),
    }
}

/// Puts a vehicle straight into the table (test set-up, not the code under test).
pub async fn insert_vehicle(
    app: &TestApp,
    vin: &str,
    warehouse: i64,
    ids: &Ids,
    color: i64,
) -> i64 {
    sql("INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen, list_price_fen,
                               arrival_date, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'in_stock', 7000000, 7980000, '2026-11-01', 0, 0) RETURNING id")
    .bind(vin)
    .bind(ids.model)
    .bind(ids.trim)
    .bind(color)
    .bind(warehouse)
    .scalar(&app.db)
    .await
    .unwrap()
}

pub async fn vehicle_count(app: &TestApp) -> i64 {
    sql("SELECT COUNT(*) FROM vehicles")
        .scalar(&app.db)
        .await
        .unwrap()
}

async fn error_field(res: reqwest::Response) -> (u16, String, serde_json::Value) {
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    let field = body["Invalid"]["fields"][0]["field"]
        .as_str()
        .or_else(|| body["errors"][0]["field"].as_str())
        .unwrap_or_default()
        .to_owned();
    (status, field, body)
}

both_dbs!(intake_refuses_bad_input_field_by_field, |app| async move {
    app.seed_demo().await;
    app.login_as("sh.clerk").await;
    let ids = ids(&app).await;
    let taken: String = sql("SELECT vin FROM vehicles LIMIT 1")
        .scalar(&app.db)
        .await
        .unwrap();
    let good = new_vin();
    let mut wrong_check = good.clone().into_bytes();
    wrong_check[8] = if wrong_check[8] == b'1' { b'2' } else { b'1' };
    let wrong_check = String::from_utf8(wrong_check).unwrap();
    let (trim, color, wh) = (
        ids.trim.to_string(),
        ids.color.to_string(),
        ids.sh_showroom.to_string(),
    );
    let foreign = ids.foreign_color.to_string();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![("vin", "LGXC1DM3".into())], "vin"),
        (vec![("vin", format!("{}I", &good[..16]))], "vin"),
        (vec![("vin", good.replacen('T', "O", 1))], "vin"),
        (vec![("vin", wrong_check.clone())], "vin"),
        (vec![("vin", taken.clone())], "vin"),
        (vec![("trim_id", "999999".into())], "trim"),
        (vec![("color_id", foreign.clone())], "color"),
        (vec![("color_id", "999999".into())], "color"),
        (vec![("cost", "-1".into())], "cost"),
        (vec![("list_price", "-79800".into())], "list_price"),
        (vec![("cost", "abc".into())], "cost"),
        (vec![("status", "sold".into())], "status"),
        (vec![("arrival_date", "2099-01-01".into())], "arrival_date"),
        (
            vec![("warehouse_id", ids.hz_warehouse.to_string())],
            "warehouse",
        ),
    ];
    let before = vehicle_count(&app).await;
    for (changes, field) in cases {
        let mut form: Vec<(&str, String)> = vec![
            ("vin", good.clone()),
            ("trim_id", trim.clone()),
            ("color_id", color.clone()),
            ("warehouse_id", wh.clone()),
            ("status", "in_stock".into()),
            ("cost", "72000".into()),
            ("list_price", "".into()),
            ("arrival_date", "".into()),
        ];
        for (k, v) in &changes {
            form.iter_mut().find(|(fk, _)| fk == k).unwrap().1 = v.clone();
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, got, body) = error_field(app.call("inventory/intake", &pairs).await).await;
        assert_eq!(status, 422, "{changes:?}: {body}");
        assert_eq!(got, field, "{changes:?}: {body}");
        assert_eq!(
            vehicle_count(&app).await,
            before,
            "{changes:?} wrote nothing"
        );
    }
    // The same form, corrected, goes in, with the trim's MSRP as list price and an audit row.
    let pairs = [
        ("vin", good.as_str()),
        ("trim_id", trim.as_str()),
        ("color_id", color.as_str()),
        ("warehouse_id", wh.as_str()),
        ("status", "in_stock"),
        ("cost", "72,000.50"),
        ("list_price", ""),
        ("arrival_date", ""),
    ];
    let res = app.call("inventory/intake", &pairs).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let (cost, price, status): (i64, i64, String) =
        sql("SELECT cost_fen, list_price_fen, status FROM vehicles WHERE vin = $1")
            .bind(&good)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let msrp: i64 = sql("SELECT msrp_fen FROM trims WHERE id = $1")
        .bind(ids.trim)
        .scalar(&app.db)
        .await
        .unwrap();
    assert_eq!(
        (cost, price, status.as_str()),
        (7_200_050, msrp, "in_stock")
    );
    let audited: i64 = sql(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'vehicle.intake' AND after_json LIKE $1",
    )
    .bind(format!("%{good}%"))
    .scalar(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // Taking it in again is a duplicate.
    let (status, field, _) = error_field(app.call("inventory/intake", &pairs).await).await;
    assert_eq!((status, field.as_str()), (422, "vin"));
});

both_dbs!(a_batch_with_one_bad_row_writes_no_row, |app| async move {
    app.seed_demo().await;
    app.login_as("sh.clerk").await;
    let before = vehicle_count(&app).await;
    let (a, b, c) = (new_vin(), new_vin(), new_vin());
    let bad = format!("{}Q", &c[..16]);
    let csv = format!(
        "VIN,车型,配置,颜色,仓库,状态,成本价(元),指导价(元),到库日期\n\
         {a},秦PLUS DM-i,55KM 领先型,雪域白,SH01-S,在库,72000,,2026-11-01\n\
         {b},秦PLUS DM-i,55KM 领先型,时光灰,SH01-Y,在途,72000,79800,\n\
         {bad},秦PLUS DM-i,55KM 领先型,雪域白,SH01-S,在库,72000,,\n\
         {c},不存在的车,55KM 领先型,雪域白,SH01-S,在库,-5,,\n"
    );
    let upload = |body: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(body).file_name(name),
        );
        app.client
            .post(app.url("/inventory/import"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
    };
    let res = upload(csv.clone().into_bytes(), "batch.csv").await.unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["rows.4.vin", "rows.5.model", "rows.5.cost"],
        "{body}"
    );
    assert_eq!(
        vehicle_count(&app).await,
        before,
        "no row of a bad batch is written"
    );

    // The REST batch behaves the same: one negative price, nothing written.
    let ids = ids(&app).await;
    let vehicle = |vin: &str, cost: i64| {
        serde_json::json!({ "vin": vin, "trim_id": ids.trim, "color_id": ids.color,
                            "warehouse_id": ids.sh_showroom, "cost_fen": cost })
    };
    let res = app
        .client
        .post(app.url("/api/v1/vehicles"))
        .json(&serde_json::json!({ "vehicles": [vehicle(&a, 7_000_000), vehicle(&b, -1)] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "rows.3.cost", "{body}");
    assert_eq!(vehicle_count(&app).await, before);

    // Without the bad rows the file goes in whole, as an .xlsx too.
    let good_csv: String = csv.lines().take(3).map(|l| format!("{l}\n")).collect();
    let res = upload(good_csv.into_bytes(), "batch.csv").await.unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(vehicle_count(&app).await, before + 2);
    let (status, arrival): (String, Option<String>) =
        sql("SELECT status, arrival_date FROM vehicles WHERE vin = $1")
            .bind(&b)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), arrival), ("in_transit", None));

    let template = app.get("/inventory/intake-template.xlsx").await;
    assert_eq!(template.status(), 200);
    assert!(template.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = template.bytes().await.unwrap();
    let rows = app::inventory::excel::read_batch(&bytes, app::i18n::Lang::ZhCn).unwrap();
    assert_eq!(rows.len(), 1, "the template holds one example row");
    let res = upload(bytes.to_vec(), "模板.xlsx").await.unwrap();
    assert_eq!(
        res.status(),
        200,
        "the template's own example row is valid: {:?}",
        res.text().await
    );
    assert_eq!(vehicle_count(&app).await, before + 3);
});

async fn open_alerts(app: &TestApp, subject: &str) -> (i64, i64) {
    sql("SELECT COUNT(*) FILTER (WHERE closed_at IS NULL), COUNT(*) FROM stock_alerts WHERE subject LIKE $1")
        .bind(subject)
        .fetch_one::<(i64, i64)>(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    threshold_crossings_open_and_close_exactly_one_alert,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        // A warehouse of its own so the demo stock does not interfere.
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let wh: i64 = sql("INSERT INTO warehouses (store_id, code, name, kind, created_at) VALUES ($1, 'SH01-T', '测试库', 'yard', 0) RETURNING id")
        .bind(store)
        .scalar(&app.db)
        .await
        .unwrap();
        app.login_as("sh.manager").await;
        let save = |low: &'static str, high: &'static str| {
            let wh = wh.to_string();
            let model = ids.model.to_string();
            let app = &app;
            async move {
                app.call(
                    "inventory/save_threshold",
                    &[
                        ("warehouse_id", wh.as_str()),
                        ("model_id", model.as_str()),
                        ("color_id", ""),
                        ("low_qty", low),
                        ("high_qty", high),
                    ],
                )
                .await
            }
        };
        // Bad thresholds: field errors, nothing saved.
        for (low, high, field) in [
            ("x", "", "low_qty"),
            ("", "", "low_qty"),
            ("5", "2", "high_qty"),
            ("-1", "", "low_qty"),
        ] {
            let (status, got, body) = error_field(save(low, high).await).await;
            assert_eq!((status, got.as_str()), (422, field), "{low}/{high}: {body}");
        }
        let res = save("2", "3").await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        let tid: i64 = res.json().await.unwrap();
        let low = format!("low:{tid}");
        let high = format!("high:{tid}");
        assert_eq!(
            open_alerts(&app, &low).await,
            (1, 1),
            "empty warehouse: below 2 opens low"
        );

        let mut vehicles = Vec::new();
        for i in 0..5 {
            app.login_as("sh.clerk").await;
            let vin = new_vin();
            let res = app
                .call(
                    "inventory/intake",
                    &[
                        ("vin", vin.as_str()),
                        ("trim_id", &ids.trim.to_string()),
                        ("color_id", &ids.color.to_string()),
                        ("warehouse_id", &wh.to_string()),
                        ("status", "in_stock"),
                        ("cost", "70000"),
                        ("list_price", ""),
                        ("arrival_date", ""),
                    ],
                )
                .await;
            assert_eq!(res.status(), 200, "{:?}", res.text().await);
            vehicles.push(res.json::<i64>().await.unwrap());
            let stock = i + 1;
            let expect_low = if stock < 2 { (1, 1) } else { (0, 1) };
            let expect_high = match stock {
                0..=3 => (0, 0),
                _ => (1, 1),
            };
            assert_eq!(
                open_alerts(&app, &low).await,
                expect_low,
                "low after {stock} in stock"
            );
            assert_eq!(
                open_alerts(&app, &high).await,
                expect_high,
                "high after {stock} in stock"
            );
        }
        // Selling brings it back below the maximum (closes high), then below the minimum
        // (opens a second, new low alert; the first stays closed).
        app.login_as("sh.manager").await;
        for (n, vid) in vehicles.iter().enumerate().take(4) {
            let res = app
                .call(
                    "inventory/vehicle_status",
                    &[("id", &vid.to_string()), ("to", "sold"), ("version", "1")],
                )
                .await;
            assert_eq!(res.status(), 200, "{:?}", res.text().await);
            let stock = 4 - n;
            let expect_high = if stock > 3 { (1, 1) } else { (0, 1) };
            assert_eq!(
                open_alerts(&app, &high).await,
                expect_high,
                "high at {stock}"
            );
            let expect_low = if stock < 2 { (1, 2) } else { (0, 1) };
            assert_eq!(open_alerts(&app, &low).await, expect_low, "low at {stock}");
        }
        // The badge counts the open alerts the caller can see.
        let count: i64 = app
            .call("inventory/alert_count", &[])
            .await
            .json()
            .await
            .unwrap();
        let expected: i64 =
            sql("SELECT COUNT(*) FROM stock_alerts WHERE closed_at IS NULL AND store_id = $1")
                .bind(store)
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(count, expected);
        assert!(count >= 1);
    }
);

both_dbs!(
    aged_stock_alerts_follow_the_days_in_stock,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.clerk").await;
        let ids = ids(&app).await;
        let today = app::clock::Clock::System.today();
        let vin = new_vin();
        let arrival = (today - chrono::Duration::days(65))
            .format("%Y-%m-%d")
            .to_string();
        let res = app
        .client
        .post(app.url("/api/v1/vehicles"))
        .json(&serde_json::json!({ "vehicles": [{ "vin": vin, "trim_id": ids.trim, "color_id": ids.color,
            "warehouse_id": ids.sh_showroom, "cost_fen": 7_000_000, "arrival_date": arrival }] }))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        let id: i64 = res.json::<serde_json::Value>().await.unwrap()["ids"][0]
            .as_i64()
            .unwrap();
        let level: Option<i64> =
            sql("SELECT level FROM stock_alerts WHERE subject = $1 AND closed_at IS NULL")
                .bind(format!("aged:{id}"))
                .scalar_optional(&app.db)
                .await
                .unwrap();
        assert_eq!(level, Some(60), "65 days in stock: the 60-day band");
        // A later sweep (as the days pass) raises it to 90 without a second alert.
        let mut tx = app.db.begin().await.unwrap();
        app::inventory::service::alerts::sweep_aged(
            &mut tx,
            today + chrono::Duration::days(30),
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(open_alerts(&app, &format!("aged:{id}")).await, (1, 1));
        let level: i64 = sql("SELECT level FROM stock_alerts WHERE subject = $1")
            .bind(format!("aged:{id}"))
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(level, 90);
        // Sold: the alert closes.
        app.login_as("sh.manager").await;
        let res = app
            .call(
                "inventory/vehicle_status",
                &[
                    ("id", &id.to_string()),
                    ("to", "reserved"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        assert_eq!(open_alerts(&app, &format!("aged:{id}")).await, (0, 1));
        // A move the lifecycle does not allow is a field error; a stale version a conflict.
        let res = app
            .call(
                "inventory/vehicle_status",
                &[
                    ("id", &id.to_string()),
                    ("to", "delivered"),
                    ("version", "2"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let res = app
            .call(
                "inventory/vehicle_status",
                &[("id", &id.to_string()), ("to", "sold"), ("version", "1")],
            )
            .await;
        assert_eq!(res.status(), 409);
        let audited: i64 = sql(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'vehicle.status' AND entity_id = $1",
        )
        .bind(id.to_string())
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }
);

async fn transfer(app: &TestApp, from: i64, to: i64, vins: &[&str]) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/transfers"))
        .json(&serde_json::json!({ "from_warehouse_id": from, "to_warehouse_id": to, "vins": vins, "reason": "展厅补车" }))
        .send()
        .await
        .unwrap()
}

async fn step(app: &TestApp, id: i64, step: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/transfers/{id}/{step}")))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
}

both_dbs!(
    a_transfer_moves_its_vehicles_step_by_step,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let vin = new_vin();
        let vid = insert_vehicle(&app, &vin, ids.sh_yard, &ids, ids.color).await;
        let vehicle = || async {
            sql("SELECT status, warehouse_id FROM vehicles WHERE id = $1")
                .bind(vid)
                .fetch_one::<(String, i64)>(&app.db)
                .await
                .unwrap()
        };
        app.login_as("sh.clerk").await;
        // Bad requests: field errors.
        let res = transfer(&app, ids.sh_yard, ids.sh_yard, &[&vin]).await;
        assert_eq!(error_field(res).await.1, "to_warehouse_id");
        let res = transfer(&app, ids.sh_yard, ids.sh_showroom, &["NOTAVIN"]).await;
        assert_eq!(error_field(res).await.1, "vins");
        let res = transfer(&app, ids.sh_showroom, ids.sh_yard, &[&vin]).await;
        assert_eq!(
            error_field(res).await.1,
            "vins",
            "the vehicle is not in the source warehouse"
        );
        // Across stores a clerk is refused.
        let res = transfer(&app, ids.sh_yard, ids.hz_warehouse, &[&vin]).await;
        assert_eq!(res.status(), 403);
        assert_eq!(
            sql("SELECT COUNT(*) FROM transfers")
                .scalar::<i64>(&app.db)
                .await
                .unwrap(),
            0
        );

        let res = transfer(&app, ids.sh_yard, ids.sh_showroom, &[&vin]).await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        let id: i64 = res.json().await.unwrap();
        // The clerk may not approve; shipping before approval is refused.
        assert_eq!(step(&app, id, "approve").await.status(), 403);
        assert_eq!(step(&app, id, "ship").await.status(), 422);
        // While in a transfer the vehicle cannot be sold.
        app.login_as("sh.manager").await;
        let res = app
            .call(
                "inventory/vehicle_status",
                &[("id", &vid.to_string()), ("to", "sold"), ("version", "2")],
            )
            .await;
        assert_eq!(res.status(), 409, "{:?}", res.text().await);
        assert_eq!(step(&app, id, "approve").await.status(), 204);
        assert_eq!(vehicle().await, ("in_stock".into(), ids.sh_yard));
        app.login_as("sh.clerk").await;
        assert_eq!(step(&app, id, "ship").await.status(), 204);
        assert_eq!(vehicle().await, ("in_transit".into(), ids.sh_yard));
        assert_eq!(
            step(&app, id, "cancel").await.status(),
            422,
            "a lorry on the road is not cancelled"
        );
        assert_eq!(step(&app, id, "receive").await.status(), 204);
        assert_eq!(vehicle().await, ("in_stock".into(), ids.sh_showroom));
        let t: serde_json::Value = app
            .get(&format!("/api/v1/transfers/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(t["status"], "received");
        assert_eq!(t["vins"][0], vin.as_str());
        let steps: Vec<String> = sql(
            "SELECT action FROM audit_log WHERE entity = 'transfer' AND entity_id = $1 ORDER BY id",
        )
        .bind(id.to_string())
        .fetch_all::<(String,)>(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(a,)| a)
        .collect();
        assert_eq!(
            steps,
            [
                "transfer.request",
                "transfer.approve",
                "transfer.ship",
                "transfer.receive"
            ]
        );
        // Closed: the vehicle is free for a new transfer; across stores the GM may.
        app.login_as("gm").await;
        let res = transfer(&app, ids.sh_showroom, ids.hz_warehouse, &[&vin]).await;
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
);

both_dbs!(
    two_concurrent_transfers_of_one_vehicle_one_succeeds,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        for round in 0..5 {
            let vin = new_vin();
            insert_vehicle(&app, &vin, ids.sh_yard, &ids, ids.color).await;
            let (a, b) = two_clients(&app, "sh.clerk", "sh.manager").await;
            let vins = [vin.as_str()];
            let (ra, rb) = tokio::join!(
                transfer(&a, ids.sh_yard, ids.sh_showroom, &vins),
                transfer(&b, ids.sh_yard, ids.sh_showroom, &vins),
            );
            let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses[0], 201, "round {round}: one succeeds");
            assert!(
                matches!(statuses[1], 409 | 422),
                "round {round}: the other is refused, got {statuses:?}"
            );
            let open: i64 = sql(
                "SELECT COUNT(*) FROM transfer_items ti JOIN vehicles v ON v.id = ti.vehicle_id
                             WHERE v.vin = $1 AND ti.is_open",
            )
            .bind(&vin)
            .scalar(&app.db)
            .await
            .unwrap();
            assert_eq!(
                open, 1,
                "round {round}: one open transfer holds the vehicle"
            );
            let transfers: i64 = sql("SELECT COUNT(*) FROM transfers t WHERE EXISTS (SELECT 1 FROM transfer_items ti
                                  JOIN vehicles v ON v.id = ti.vehicle_id WHERE ti.transfer_id = t.id AND v.vin = $1)")
            .bind(&vin)
            .scalar(&app.db)
            .await
            .unwrap();
            assert_eq!(
                transfers, 1,
                "round {round}: the refused request left no transfer behind"
            );
        }
    }
);

both_dbs!(stock_changes_reach_open_event_streams, |app| async move {
    use futures::StreamExt;
    app.seed_demo().await;
    let ids = ids(&app).await;
    // A salesperson of the other store hears nothing of SH01; one of SH01 does.
    let listen = |user: &'static str| {
        let c = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        async move {
            c.login_as(user).await;
            let res = c.get("/events").await;
            assert_eq!(res.status(), 200);
            assert!(res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream"));
            res.bytes_stream()
        }
    };
    let mut sh = listen("sh.sales").await;
    let mut hz = listen("hz.sales").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.login_as("sh.clerk").await;
    let vin = new_vin();
    let res = app
        .call(
            "inventory/intake",
            &[
                ("vin", vin.as_str()),
                ("trim_id", &ids.trim.to_string()),
                ("color_id", &ids.color.to_string()),
                ("warehouse_id", &ids.sh_showroom.to_string()),
                ("status", "in_stock"),
                ("cost", "70000"),
                ("list_price", ""),
                ("arrival_date", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !text.contains("event: stock") {
        let chunk = tokio::time::timeout_at(deadline, sh.next())
            .await
            .expect("the SH01 stream hears the intake within 5 s")
            .expect("stream open")
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        text.contains(&format!("\"warehouse_ids\":[{}]", ids.sh_showroom)),
        "{text}"
    );
    // The HZ01 stream gets nothing but keep-alives.
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(500), hz.next()).await;
    if let Ok(Some(Ok(chunk))) = quiet {
        assert!(!String::from_utf8_lossy(&chunk).contains("event: stock"));
    }
    // Not signed in: no stream.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = anon.get(app.url("/events")).send().await.unwrap();
    assert_ne!(res.status(), 200);
});

both_dbs!(
    stock_matrix_counts_match_the_vehicles_and_export,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.sales").await;
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let m: serde_json::Value = app.get("/api/v1/stock/matrix").await.json().await.unwrap();
        let expected: i64 = sql(
            "SELECT COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                             WHERE w.store_id = $1 AND v.status = 'in_stock'",
        )
        .bind(store)
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(
            m["total"], expected,
            "a salesperson sees their store's stock"
        );
        let sum: i64 = m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, expected);
        let on_hand: serde_json::Value = app
            .get("/api/v1/stock/matrix?status=on_hand")
            .await
            .json()
            .await
            .unwrap();
        assert!(on_hand["total"].as_i64().unwrap() >= expected);
        let res = app.get("/api/v1/stock/matrix?status=gone").await;
        assert_eq!(res.status(), 422);
        // The vehicle list behind the matrix agrees, and exports to .xlsx.
        let page: serde_json::Value = app
            .get("/api/v1/vehicles?status=in_stock&limit=500")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], expected);
        for name in [
            "/inventory/vehicles.xlsx?status=in_stock",
            "/inventory/matrix.xlsx?pivot=color",
        ] {
            let res = app.get(name).await;
            assert_eq!(res.status(), 200, "{name}");
            let bytes = res.bytes().await.unwrap();
            assert!(bytes.starts_with(b"PK"), "{name} is an xlsx (zip) file");
        }
        // The pages render with the matrix in them.
        let html = app.get("/inventory").await.text().await.unwrap();
        assert!(
            html.contains("data-testid=\"matrix-total\""),
            "stock page renders"
        );
        assert!(html.contains(&format!(">{expected}<")));
    }
);

/// Two signed-in clients of the same app, for racing each other.
async fn two_clients(app: &TestApp, a_user: &str, b_user: &str) -> (TestApp, TestApp) {
    let a = TestApp {
        client: app.new_client(),
        ..app.clone_handle()
    };
    let b = TestApp {
        client: app.new_client(),
        ..app.clone_handle()
    };
    a.login_as(a_user).await;
    b.login_as(b_user).await;
    (a, b)
}

async fn vehicle_state(app: &TestApp, id: i64) -> (String, i64) {
    sql("SELECT status, version FROM vehicles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    two_people_reserving_one_vehicle_at_once_one_succeeds,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        for round in 0..5 {
            let id = insert_vehicle(&app, &new_vin(), ids.sh_showroom, &ids, ids.color).await;
            let (a, b) = two_clients(&app, "sh.manager", "sh.clerk").await;
            let form = [
                ("id", id.to_string()),
                ("to", "reserved".to_owned()),
                ("version", "1".to_owned()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ra, rb) = tokio::join!(
                a.call("inventory/vehicle_status", &form),
                b.call("inventory/vehicle_status", &form),
            );
            let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(
                statuses,
                [200, 409],
                "round {round}: one reservation, one conflict"
            );
            assert_eq!(
                vehicle_state(&app, id).await,
                ("reserved".to_owned(), 2),
                "round {round}: moved once"
            );
            let audited: i64 = sql(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'vehicle.status' AND entity_id = $1",
            )
            .bind(id.to_string())
            .scalar(&app.db)
            .await
            .unwrap();
            assert_eq!(audited, 1, "round {round}: one audit row");
        }
    }
);

both_dbs!(
    a_status_change_racing_a_transfer_request_only_one_wins,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        for round in 0..5 {
            let vin = new_vin();
            let id = insert_vehicle(&app, &vin, ids.sh_yard, &ids, ids.color).await;
            let (a, b) = two_clients(&app, "sh.manager", "sh.clerk").await;
            let form = [
                ("id", id.to_string()),
                ("to", "reserved".to_owned()),
                ("version", "1".to_owned()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let vins = [vin.as_str()];
            let (rs, rt) = tokio::join!(
                a.call("inventory/vehicle_status", &form),
                transfer(&b, ids.sh_yard, ids.sh_showroom, &vins),
            );
            let (s, t) = (rs.status().as_u16(), rt.status().as_u16());
            let open: i64 =
                sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
                    .bind(id)
                    .scalar(&app.db)
                    .await
                    .unwrap();
            let (status, _) = vehicle_state(&app, id).await;
            match (s, t) {
                // Reserved first: a reserved vehicle is not free to move.
                (200, 409 | 422) => {
                    assert_eq!((status.as_str(), open), ("reserved", 0), "round {round}")
                }
                // Claimed by the transfer first: the status change finds it taken.
                (409 | 422, 201) => {
                    assert_eq!((status.as_str(), open), ("in_stock", 1), "round {round}")
                }
                other => panic!("round {round}: exactly one may win, got {other:?}"),
            }
        }
    }
);

both_dbs!(
    the_same_vin_taken_in_twice_at_once_is_stored_once,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        for round in 0..5 {
            let vin = new_vin();
            let (a, b) = two_clients(&app, "sh.clerk", "admin").await;
            let body = serde_json::json!({ "vehicles": [{ "vin": vin, "trim_id": ids.trim,
                "color_id": ids.color, "warehouse_id": ids.sh_showroom, "cost_fen": 7_000_000 }] });
            let post = |c: &TestApp| c.client.post(c.url("/api/v1/vehicles")).json(&body).send();
            let (ra, rb) = tokio::join!(post(&a), post(&b));
            let mut statuses = [ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses[0], 201, "round {round}: one intake goes in");
            assert!(
                matches!(statuses[1], 409 | 422),
                "round {round}: the other is refused, got {statuses:?}"
            );
            let stored: i64 = sql("SELECT COUNT(*) FROM vehicles WHERE vin = $1")
                .bind(&vin)
                .scalar(&app.db)
                .await
                .unwrap();
            assert_eq!(stored, 1, "round {round}");
        }
    }
);

/// The aged-stock summary of one warehouse and model, as the alert centre shows it.
async fn aged_line(app: &TestApp, warehouse: i64, model: i64) -> [i64; 3] {
    let counts: Vec<app::inventory::domain::alert::AgedCount> =
        app.get("/api/v1/alerts/aged").await.json().await.unwrap();
    app::inventory::domain::alert::aged_lines(&counts)
        .into_iter()
        .find(|l| (l.warehouse_id, l.model_id) == (warehouse, model))
        .map(|l| l.at_least)
        .unwrap_or_default()
}

both_dbs!(
    the_aged_summary_counts_what_its_links_list,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.clerk").await;
        let ids = ids(&app).await;
        let before = aged_line(&app, ids.sh_yard, ids.model).await;
        let today = app::clock::Clock::System.today();
        let vehicles: Vec<_> = [35, 65, 95, 5]
            .into_iter()
            .map(|days| {
                let arrival = (today - chrono::Duration::days(days))
                    .format("%Y-%m-%d")
                    .to_string();
                serde_json::json!({ "vin": new_vin(), "trim_id": ids.trim, "color_id": ids.color,
                    "warehouse_id": ids.sh_yard, "cost_fen": 7_000_000, "arrival_date": arrival })
            })
            .collect();
        let res = app
            .client
            .post(app.url("/api/v1/vehicles"))
            .json(&serde_json::json!({ "vehicles": vehicles }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        let after = aged_line(&app, ids.sh_yard, ids.model).await;
        // 35 days counts at ≥ 30; 65 at ≥ 30 and ≥ 60; 95 in all three; 5 in none.
        assert_eq!(
            after,
            [before[0] + 3, before[1] + 2, before[2] + 1],
            "before {before:?}"
        );
        // Each count is exactly the vehicle list its link opens.
        for (days, count) in app::inventory::domain::alert::AGED_LEVELS
            .into_iter()
            .zip(after)
        {
            let page: serde_json::Value = app
                .get(&format!(
                    "/api/v1/vehicles?warehouse_id={}&model_id={}&status=in_stock&min_days={days}",
                    ids.sh_yard, ids.model
                ))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(page["total"], count, "at least {days} days");
        }
        // The alert list filters by kind; an unknown kind is a field error.
        let aged: Vec<serde_json::Value> = app
            .get("/api/v1/alerts?kind=aged")
            .await
            .json()
            .await
            .unwrap();
        assert!(aged.len() >= 3 && aged.iter().all(|a| a["kind"] == "aged"));
        let stock: Vec<serde_json::Value> = app
            .get("/api/v1/alerts?kind=low,high&open=false")
            .await
            .json()
            .await
            .unwrap();
        assert!(stock.iter().all(|a| a["kind"] != "aged"));
        let (status, field, _) = error_field(app.get("/api/v1/alerts?kind=old").await).await;
        assert_eq!((status, field.as_str()), (422, "kind"));
        // The other store does not see SH01's aged stock.
        app.login_as("hz.sales").await;
        assert_eq!(aged_line(&app, ids.sh_yard, ids.model).await, [0, 0, 0]);
    }
);
