//! 批量导入 on both databases: a file with one bad row imports nothing and names the row
//! and column (as JSON, on the page drawn without JavaScript, and over REST); a GBK CSV
//! with Chinese dates imports; VINs already held or twice in the file are refused;
//! submitted rows get the status and levels the store's rules give, as the tablet gives
//! them; a dry run writes nothing; held vehicles are reserved; the export holds the
//! orders with the API's totals; a role that may not enter orders is refused; uploads
//! over the limits are refused by name or by size.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin, Ids},
};
use app::{
    auth::api_key,
    crm::{domain::customer::CustomerInput, service::customers},
    db::sql,
    domain::Role,
    orders::{
        domain::{
            approval::{Condition, Rule},
            OrderInput,
        },
        service::{orders, rules},
    },
};
use serde_json::Value;

/// The header of the files below (Chinese, as the template has it).
const HEAD: &str = "客户手机,客户姓名,门店代码,车型,配置,颜色,VIN,指导价(元),折扣(元),折扣(%),精品(元),保险(元),定金(元),定金方式,付款方式,预计交车,备注,提交审批";

/// One row of [`HEAD`]: the customer, the car, the discount, and whether to submit.
struct Row<'a> {
    mobile: &'a str,
    name: &'a str,
    vin: &'a str,
    discount: &'a str,
    deposit: &'a str,
    payment: &'a str,
    submit: &'a str,
}

impl Row<'_> {
    fn csv(&self) -> String {
        let spec = if self.vin.is_empty() {
            "秦PLUS DM-i,55KM 领先型,雪域白"
        } else {
            ",,"
        };
        let method = if self.deposit.is_empty() {
            ""
        } else {
            "微信"
        };
        format!(
            "{},{},,{spec},{},,{},,1280,,{},{method},{},2026年12月1日,导入测试,{}",
            self.mobile,
            self.name,
            self.vin,
            self.discount,
            self.deposit,
            self.payment,
            self.submit
        )
    }
}

fn plain<'a>(mobile: &'a str, name: &'a str) -> Row<'a> {
    Row {
        mobile,
        name,
        vin: "",
        discount: "",
        deposit: "",
        payment: "全款",
        submit: "否",
    }
}

/// A draft of the customer `mobile`'s holding the vehicle `vin`, against a deposit.
fn with_vin<'a>(mobile: &'a str, vin: &'a str) -> Row<'a> {
    Row {
        vin,
        deposit: "5000",
        ..plain(mobile, "")
    }
}

fn file(rows: &[Row<'_>]) -> String {
    let mut text = format!("{HEAD}\n");
    for r in rows {
        text.push_str(&r.csv());
        text.push('\n');
    }
    text
}

/// Uploads `bytes` to `path` as the form does (`dry_run` when asked), as JSON or as a
/// browser without JavaScript.
async fn upload(
    app: &TestApp,
    path: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    json: bool,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("订单.csv"),
    );
    if dry_run {
        form = form.text("dry_run", "1");
    }
    let mut req = app.client.post(app.url(path)).multipart(form);
    if json {
        req = req.header("accept", "application/json");
    }
    req.send().await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sql(format!("SELECT COUNT(*) FROM {table}"))
        .scalar(&app.db)
        .await
        .unwrap()
}

/// What a write would move: rows of the tables an import writes, and every vehicle's
/// version.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "orders",
        "order_extras",
        "order_payments",
        "order_sequences",
        "customers",
        "leads",
        "audit_log",
    ] {
        out.push(count(app, t).await);
    }
    out.push(
        sql("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM vehicles")
            .scalar(&app.db)
            .await
            .unwrap(),
    );
    out.push(
        sql("SELECT CAST(COALESCE(SUM(last), 0) AS BIGINT) FROM order_sequences")
            .scalar(&app.db)
            .await
            .unwrap(),
    );
    out
}

/// The fields a problem answer names.
fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn message(body: &Value, field: &str) -> String {
    body["errors"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["field"] == field))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// A customer of `username`'s with this mobile.
async fn on_file(app: &TestApp, username: &str, name: &str, mobile: &str) -> i64 {
    customers::create(
        &app.ctx_as(username).await,
        &CustomerInput {
            name: name.into(),
            mobile: mobile.into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

async fn vehicle_status(app: &TestApp, vin: &str) -> String {
    sql("SELECT status FROM vehicles WHERE vin = $1")
        .bind(vin)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// An order's status, round, levels, version, hold and vehicle, by its note.
async fn imported(app: &TestApp, customer_mobile: &str) -> Vec<(String, i64, String, i64)> {
    sql(
        "SELECT o.status, o.approval_round, o.approval_levels, o.version FROM orders o
         JOIN customers c ON c.id = o.customer_id WHERE c.mobile = $1 ORDER BY o.id",
    )
    .bind(customer_mobile)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

both_dbs!(
    a_file_with_one_bad_row_imports_nothing_and_names_that_row,
    |app| async move {
        app.seed_demo().await;
        on_file(&app, "sh.sales", "钱多多", "13900001001").await;
        app.login_as("sh.sales").await;
        let before = footprint(&app).await;
        let bad = file(&[
            plain("13900001001", ""),
            plain("13900001002", "新客户甲"),
            Row {
                payment: "以物易物",
                ..plain("13900001001", "")
            },
            plain("13900001001", ""),
        ]);
        let res = upload(
            &app,
            "/orders/import",
            bad.clone().into_bytes(),
            false,
            true,
        )
        .await;
        assert_eq!(res.status(), 422);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: Value = res.json().await.unwrap();
        assert_eq!(fields(&body), ["rows.4.payment_type"], "{body}");
        assert!(body["detail"].as_str().unwrap().contains('1'), "{body}");
        assert_eq!(footprint(&app).await, before, "nothing written");

        // Without JavaScript: the page itself, the row in its table (行, 列, 原因).
        let res = upload(&app, "/orders/import", bad.into_bytes(), false, false).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains(r#"data-testid="order-import-problem""#),
            "{html}"
        );
        assert!(
            html.contains(r#"data-row="4""#) && html.contains("付款方式"),
            "{html}"
        );
        assert!(
            html.contains("付款类型"),
            "the reason is the form's own: {html}"
        );
        assert_eq!(footprint(&app).await, before, "nothing written");

        // The same row fixed: all four go in; the new customer is created once, with a lead.
        let good = file(&[
            plain("13900001001", ""),
            plain("13900001002", "新客户甲"),
            plain("13900001001", ""),
            plain("13900001002", "新客户甲"),
        ]);
        let res = upload(&app, "/orders/import", good.into_bytes(), false, true).await;
        assert_eq!(res.status(), 200);
        let report: Value = res.json().await.unwrap();
        assert_eq!(report["rows"], 4, "{report}");
        assert_eq!(report["drafts"], 4);
        assert_eq!(report["new_customers"], 1);
        assert_eq!(report["dry_run"], false);
        assert_eq!(count(&app, "orders").await, before[0] + 4);
        let new_one: (String, i64, i64) = sql(
            "SELECT c.name, (SELECT COUNT(*) FROM leads l WHERE l.customer_id = c.id),
                (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id)
         FROM customers c WHERE c.mobile = '13900001002'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(new_one, ("新客户甲".to_owned(), 1, 2));
        // Each order as the tablet would have entered it: its extra line, its audit entry,
        // today's numbers of its store, the salesperson who imported it.
        let (extras, created, numbered, mine): (i64, i64, i64, i64) = sql(
        "SELECT (SELECT COUNT(*) FROM order_extras x JOIN orders o ON o.id = x.order_id WHERE o.notes = '导入测试'),
                (SELECT COUNT(*) FROM audit_log a JOIN orders o ON a.entity_id = CAST(o.id AS TEXT)
                  WHERE a.entity = 'order' AND a.action = 'order.create' AND o.notes = '导入测试'),
                (SELECT COUNT(DISTINCT number) FROM orders WHERE notes = '导入测试' AND number LIKE 'SH01-%'),
                (SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.salesperson_id
                  WHERE o.notes = '导入测试' AND u.username = 'sh.sales')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
        assert_eq!((extras, created, numbered, mine), (4, 4, 4, 4));
        let imports: i64 = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'order.import'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(imports, 1);
        let row: (String, Option<String>, i64) = sql(
        "SELECT o.payment_type, o.expected_delivery, o.total FROM orders o WHERE o.notes = '导入测试' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
        assert_eq!(
            row,
            (
                "full".to_owned(),
                Some("2026-12-01".to_owned()),
                7_980_000 + 128_000
            )
        );
    }
);

both_dbs!(
    a_gbk_csv_with_english_headers_and_chinese_dates_imports,
    |app| async move {
        app.seed_demo().await;
        on_file(&app, "sh.sales", "孙老板", "13900002001").await;
        app.login_as("sh.manager").await;
        let text = "payment_type,customer_mobile,customer_name,model,trim,color,discount_percent,deposit,deposit_method,expected_delivery,submit\r\n\
                贷款,139 0000 2001,,秦PLUS DM-i,120KM 卓越型,时光灰,3%,\"5,000\",支付宝,2026/12/1,否\r\n\
                分期,13900002002,新客户乙,宋PLUS DM-i,110KM 旗舰型,墨玉黑,,,,2027年1月5日,否\r\n";
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        let res = upload(&app, "/orders/import", gbk.into_owned(), false, true).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let got: Vec<(String, String, Option<String>, i64, i64)> = sql(
            "SELECT c.name, o.payment_type, o.expected_delivery, o.list_price, o.paid FROM orders o
         JOIN customers c ON c.id = o.customer_id
         WHERE c.mobile IN ('13900002001', '13900002002') ORDER BY c.mobile",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(
            got,
            [
                (
                    "孙老板".to_owned(),
                    "loan".to_owned(),
                    Some("2026-12-01".to_owned()),
                    9_980_000,
                    500_000
                ),
                (
                    "新客户乙".to_owned(),
                    "instalment".to_owned(),
                    Some("2027-01-05".to_owned()),
                    13_980_000,
                    0
                ),
            ],
            "the guide prices of the trims named"
        );
        // The customer the manager's salesperson owns keeps their salesperson on the order.
        let seller: String = sql(
            "SELECT u.username FROM orders o JOIN customers c ON c.id = o.customer_id
         JOIN users u ON u.id = o.salesperson_id WHERE c.mobile = '13900002001'",
        )
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(seller, "sh.sales");
    }
);

both_dbs!(
    vins_already_held_or_twice_in_the_file_are_refused,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let customer = on_file(&app, "sh.sales", "周先生", "13900003001").await;
        let (held, free, other) = (new_vin(), new_vin(), new_vin());
        let held_id = insert_vehicle(&app, &held, ids.sh_showroom, &ids, ids.color).await;
        insert_vehicle(&app, &free, ids.sh_yard, &ids, ids.color).await;
        insert_vehicle(&app, &other, ids.hz_warehouse, &ids, ids.color).await;
        orders::create(&sales, &tablet(customer, &ids, Some(held_id)), true)
            .await
            .unwrap();
        app.login_as("sh.sales").await;
        let before = footprint(&app).await;
        let text = file(&[
            with_vin("13900003001", &held),
            with_vin("13900003001", &free),
            with_vin("13900003001", &free),
            with_vin("13900003001", &other),
            with_vin("13900003001", "LGXC1DM30S9999999"),
        ]);
        let res = upload(&app, "/orders/import", text.into_bytes(), true, true).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            fields(&body),
            ["rows.2.vin", "rows.4.vin", "rows.5.vin", "rows.6.vin"],
            "{body}"
        );
        assert!(message(&body, "rows.2.vin").contains(&held), "{body}");
        assert!(
            message(&body, "rows.4.vin").contains('3'),
            "names the first row: {body}"
        );
        assert_eq!(footprint(&app).await, before);
        assert_eq!(vehicle_status(&app, &free).await, "in_stock");
    }
);

/// The tablet's order of the test trim and colour at ¥79,800 (holding `vehicle`, with
/// a deposit, when given).
fn tablet(customer: i64, ids: &Ids, vehicle: Option<i64>) -> OrderInput {
    OrderInput {
        customer_id: customer.to_string(),
        trim_id: ids.trim.to_string(),
        color_id: ids.color.to_string(),
        vehicle_id: vehicle.map(|v| v.to_string()).unwrap_or_default(),
        list_price: "79800".into(),
        payment_type: "full".into(),
        deposit: vehicle.map(|_| "5000".into()).unwrap_or_default(),
        deposit_method: vehicle.map(|_| "wechat".into()).unwrap_or_default(),
        ..Default::default()
    }
}

both_dbs!(
    submitted_rows_stand_where_the_rules_put_them_and_hold_their_vehicles,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        // SH01's rules: the sales manager for a discount over 5%; nothing else.
        rules::set(
            &app.ctx_as("admin").await,
            sh,
            vec![Rule::new(
                Condition::DiscountOverBp(500),
                1,
                Role::SalesManager,
            )],
        )
        .await
        .unwrap();
        let sales = app.ctx_as("sh.sales").await;
        for (name, mobile) in [
            ("甲", "13900004001"),
            ("乙", "13900004002"),
            ("丙", "13900004003"),
            ("丁", "13900004004"),
            ("戊", "13900004005"),
        ] {
            on_file(&app, "sh.sales", name, mobile).await;
        }
        let tablet_customer = on_file(&app, "sh.sales", "己", "13900004006").await;
        let (v1, v2) = (new_vin(), new_vin());
        insert_vehicle(&app, &v1, ids.sh_showroom, &ids, ids.color).await;
        insert_vehicle(&app, &v2, ids.sh_showroom, &ids, ids.color).await;
        app.login_as("sh.sales").await;
        let text = file(&[
            // No discount, submitted: no level is asked — approved at once.
            Row {
                submit: "是",
                ..plain("13900004001", "")
            },
            // 6% off, submitted: the sales manager decides.
            Row {
                discount: "4788",
                submit: "是",
                ..plain("13900004002", "")
            },
            // A draft.
            plain("13900004003", ""),
            // A draft holding a vehicle (against its deposit): a timed hold.
            Row {
                vin: &v1,
                deposit: "5000",
                ..plain("13900004004", "")
            },
            // Submitted, holding a vehicle: a firm hold, no deposit needed.
            Row {
                vin: &v2,
                submit: "是",
                ..plain("13900004005", "")
            },
        ]);
        let res = upload(&app, "/orders/import", text.into_bytes(), false, true).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let report: Value = res.json().await.unwrap();
        assert_eq!(
            (
                report["approved"].as_i64(),
                report["pending_approval"].as_i64(),
                report["drafts"].as_i64(),
                report["vehicles_held"].as_i64()
            ),
            (Some(2), Some(1), Some(2), Some(2)),
            "{report}"
        );
        let row = |s: &str, round: i64, levels: &str, version: i64| {
            vec![(s.to_owned(), round, levels.to_owned(), version)]
        };
        assert_eq!(
            imported(&app, "13900004001").await,
            row("approved", 1, "", 2)
        );
        assert_eq!(
            imported(&app, "13900004002").await,
            row("pending_approval", 1, "1:sales_manager", 2)
        );
        assert_eq!(imported(&app, "13900004003").await, row("draft", 0, "", 1));
        // Exactly as the tablet's entry and submission leave the same order.
        let id = orders::create(
            &sales,
            &OrderInput {
                discount: "4788".into(),
                ..tablet(tablet_customer, &ids, None)
            },
            true,
        )
        .await
        .unwrap();
        let same: (String, i64, String, i64) = sql(
            "SELECT status, approval_round, approval_levels, version FROM orders WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(vec![same], imported(&app, "13900004002").await);
        // The holds: both vehicles reserved; the draft's for three days, the other's firm.
        for vin in [&v1, &v2] {
            assert_eq!(vehicle_status(&app, vin).await, "reserved");
        }
        let holds: Vec<(String, bool)> = sql(
            "SELECT v.vin, o.hold_until IS NOT NULL FROM orders o JOIN vehicles v ON v.id = o.vehicle_id
             WHERE v.vin IN ($1, $2) ORDER BY v.vin",
        )
        .bind(v1.as_str())
        .bind(v2.as_str())
        .fetch_all(&app.db)
        .await
        .unwrap();
        let mut expected = vec![(v1.clone(), true), (v2.clone(), false)];
        expected.sort();
        assert_eq!(holds, expected);
        // Each vehicle's move and each submission is audited as the tablet audits them.
        let audited: (i64, i64) = sql(
            "SELECT (SELECT COUNT(*) FROM audit_log WHERE action = 'vehicle.status' AND after_json LIKE '%reserved%'
                       AND entity_id IN (SELECT CAST(id AS TEXT) FROM vehicles WHERE vin IN ($1, $2))),
                    (SELECT COUNT(*) FROM audit_log a JOIN orders o ON a.entity_id = CAST(o.id AS TEXT)
                       WHERE a.entity = 'order' AND a.action = 'order.status' AND o.notes = '导入测试')",
        )
        .bind(v1.as_str())
        .bind(v2.as_str())
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(audited, (2, 3));
        // A draft holding a vehicle without a deposit is refused, as on the tablet.
        let v3 = new_vin();
        insert_vehicle(&app, &v3, ids.sh_showroom, &ids, ids.color).await;
        let res = upload(
            &app,
            "/orders/import",
            file(&[Row {
                vin: &v3,
                ..plain("13900004001", "")
            }])
            .into_bytes(),
            false,
            true,
        )
        .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(fields(&body), ["rows.2.deposit"], "{body}");
    }
);

both_dbs!(
    a_dry_run_checks_everything_and_writes_nothing,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        on_file(&app, "sh.sales", "吴先生", "13900005001").await;
        let vin = new_vin();
        insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        app.login_as("sh.sales").await;
        let text = file(&[
            plain("13900005001", ""),
            plain("13900005002", "新客户丙"),
            Row {
                vin: &vin,
                submit: "是",
                ..plain("13900005001", "")
            },
        ]);
        let before = footprint(&app).await;
        let res = upload(
            &app,
            "/orders/import",
            text.clone().into_bytes(),
            true,
            true,
        )
        .await;
        assert_eq!(res.status(), 200);
        let report: Value = res.json().await.unwrap();
        assert_eq!(report["dry_run"], true);
        assert_eq!(
            (
                report["rows"].as_i64(),
                report["new_customers"].as_i64(),
                report["vehicles_held"].as_i64(),
                report["pending_approval"].as_i64()
            ),
            (Some(3), Some(1), Some(1), Some(1)),
            "{report}"
        );
        assert_eq!(
            footprint(&app).await,
            before,
            "nothing written, not even an audit entry"
        );
        assert_eq!(vehicle_status(&app, &vin).await, "in_stock");
        // Without JavaScript the dry run's page reports it; still nothing written.
        let res = upload(&app, "/orders/import", text.into_bytes(), true, false).await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(
            html.contains(r#"data-testid="order-import-report""#)
                && html.contains(r#"data-dry-run="true""#),
            "{html}"
        );
        assert!(html.contains("试运行通过"), "{html}");
        assert_eq!(footprint(&app).await, before);
        // The real run, sent as a plain form: the page again, by a redirect (no resend on reload).
        let text = file(&[plain("13900005001", "")]);
        let res = upload(&app, "/orders/import", text.into_bytes(), false, false).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/orders/import?imported=1");
        let page = app
            .get("/orders/import?imported=1")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(r#"data-testid="order-import-done""#),
            "{page}"
        );
    }
);

both_dbs!(
    the_export_holds_the_orders_with_the_apis_totals,
    |app| async move {
        app.seed_demo().await;
        on_file(&app, "sh.sales", "郑女士", "13900006001").await;
        app.login_as("sh.sales").await;
        let text = file(&[
            Row {
                discount: "1000",
                ..plain("13900006001", "")
            },
            Row {
                discount: "2500.5",
                ..plain("13900006001", "")
            },
        ]);
        let res = upload(&app, "/orders/import", text.into_bytes(), false, true).await;
        assert_eq!(res.status(), 200);
        // What the list (the pages' server function) says…
        let res = app
            .client
            .post(app.url("/sfn/orders/list"))
            .header("accept", "application/json")
            .json(&serde_json::json!({ "filter": { "q": "郑女士" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let listed: Vec<(String, i64)> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["number"].as_str().unwrap().to_owned(),
                    o["total"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(listed.len(), 2, "{page}");
        // …the export holds, under the same filter, in yuan.
        let res = app.get("/orders.xlsx?q=%E9%83%91%E5%A5%B3%E5%A3%AB").await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let grid = app::import::read_grid(
            &res.bytes().await.unwrap(),
            app::i18n::Lang::ZhCn,
            app::import::Limits::BATCH,
        )
        .unwrap();
        assert_eq!(grid[0][0], "订单号");
        assert_eq!(grid[0][13], "总价(元)");
        assert_eq!(grid.len(), 3, "the header and the two orders: {grid:?}");
        let mut exported: Vec<(String, i64)> = grid[1..]
            .iter()
            .map(|r| {
                (
                    r[0].clone(),
                    (r[13].parse::<f64>().unwrap() * 100.0).round() as i64,
                )
            })
            .collect();
        let mut listed = listed;
        exported.sort();
        listed.sort();
        assert_eq!(exported, listed);
        assert!(listed
            .iter()
            .any(|(_, t)| *t == 7_980_000 - 250_050 + 128_000));
        // A filter the list refuses, the export refuses too.
        let res = app.get("/orders.xlsx?from=2026-12-02&to=2026-12-01").await;
        assert_eq!(res.status(), 422);
    }
);

both_dbs!(
    only_those_who_enter_orders_may_import_them,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.clerk").await;
        let before = footprint(&app).await;
        let text = file(&[plain("13900007001", "新客户丁")]);
        let res = upload(
            &app,
            "/orders/import",
            text.clone().into_bytes(),
            false,
            true,
        )
        .await;
        assert_eq!(res.status(), 403);
        assert_eq!(app.get("/orders/import-template.xlsx").await.status(), 403);
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, clerk) = api_key::create(&app.db, "clerk", Role::InventoryClerk, Some(store), None)
            .await
            .unwrap();
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(text.into_bytes()).file_name("o.csv"),
        );
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/orders/import"))
            .bearer_auth(clerk)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(footprint(&app).await, before);
        // The export is for whoever may see orders: the clerk may not.
        assert_eq!(app.get("/orders.xlsx").await.status(), 403);
    }
);

both_dbs!(
    uploads_over_the_limits_are_refused_by_name_or_by_size,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.manager").await;
        let before = footprint(&app).await;
        // Over the file limit but within the upload limit: read, and refused by name.
        let big = vec![b'a'; 11 << 20];
        let res = upload(&app, "/orders/import", big, false, true).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(fields(&body), ["file"], "{body}");
        assert!(message(&body, "file").contains("10 MiB"), "{body}");
        // More than 10,000 orders.
        let mut text = format!("{HEAD}\n");
        for _ in 0..10_001 {
            text.push_str(&plain("13900008001", "").csv());
            text.push('\n');
        }
        let res = upload(&app, "/orders/import", text.into_bytes(), true, true).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(message(&body, "file").contains("10000"), "{body}");
        // Over the upload limit: refused by its declared length, before a byte is read — the
        // API's path too.
        for path in ["/orders/import", "/api/v1/orders/import"] {
            let answer = app
                .declare_only(path, "multipart/form-data; boundary=x", 13 << 20)
                .await;
            assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
            assert!(answer.contains("application/problem+json"), "{answer}");
        }
        assert_eq!(footprint(&app).await, before);
    }
);

both_dbs!(
    the_rest_api_imports_with_a_dry_run_and_documents_it,
    |app| async move {
        app.seed_demo().await;
        on_file(&app, "sh.sales", "冯先生", "13900009001").await;
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, key) = api_key::create(&app.db, "import", Role::SalesManager, Some(store), None)
            .await
            .unwrap();
        let send = |text: String, query: &'static str| {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(text.into_bytes()).file_name("o.csv"),
            );
            reqwest::Client::new()
                .post(app.url(&format!("/api/v1/orders/import{query}")))
                .bearer_auth(&key)
                .multipart(form)
                .send()
        };
        let before = footprint(&app).await;
        let good = file(&[plain("13900009001", ""), plain("13900009002", "新客户戊")]);
        let res = send(good.clone(), "?dry_run=true").await.unwrap();
        assert_eq!(res.status(), 200);
        let report: Value = res.json().await.unwrap();
        assert_eq!(
            (report["rows"].as_i64(), report["dry_run"].as_bool()),
            (Some(2), Some(true))
        );
        assert_eq!(footprint(&app).await, before);
        let bad = file(&[plain("13900009001", ""), plain("13900009003", "")]);
        let res = send(bad, "").await.unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: Value = res.json().await.unwrap();
        assert_eq!(fields(&body), ["rows.3.customer_mobile"], "{body}");
        assert_eq!(send(good, "?dry_run=maybe").await.unwrap().status(), 422);
        let res = send(file(&[plain("13900009001", "")]), "").await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(count(&app, "orders").await, before[0] + 1);
        // Not a multipart body at all: a problem, not a plain-text rejection.
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/orders/import"))
            .bearer_auth(&key)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        // The document describes the upload, with examples.
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let op = &doc["paths"]["/api/v1/orders/import"]["post"];
        assert!(
            op["requestBody"]["content"]["multipart/form-data"].is_object(),
            "{op}"
        );
        assert!(
            op["responses"]["200"]["content"]["application/json"]["example"].is_object(),
            "{op}"
        );
        assert!(
            op["responses"]["422"]["content"]["application/problem+json"]["example"]["errors"]
                .is_array(),
            "{op}"
        );
        assert!(op["responses"]["413"].is_object(), "{op}");
    }
);

both_dbs!(
    the_pages_offer_the_import_the_template_and_the_export,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.sales").await;
        let list = app.get("/orders").await.text().await.unwrap();
        assert!(list.contains(r#"href="/orders/import""#), "{list}");
        assert!(list.contains("/orders.xlsx?"), "{list}");
        let page = app.get("/orders/import").await;
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(
            page.contains(r#"data-testid="order-import-form""#),
            "{page}"
        );
        assert!(
            page.contains(r#"action="/orders/import""#) && page.contains(r#"name="dry_run""#),
            "{page}"
        );
        let res = app.get("/orders/import-template.xlsx").await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        let grid =
            app::import::read_grid(&bytes, app::i18n::Lang::ZhCn, app::import::Limits::BATCH)
                .unwrap();
        assert_eq!(grid[0][0], "客户手机");
        assert!(grid[0].iter().any(|h| h == "提交审批"));
        // The template, filled in as it comes (its example row), is checked like any file:
        // the example's customer is new, so it would be created.
        let res = upload(&app, "/orders/import", bytes.to_vec(), true, true).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
);

both_dbs!(
    customers_are_found_in_reach_or_created_and_numbers_follow_the_stores_day,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        on_file(&app, "sh.sales2", "刘洋的客户", "13900010001").await;
        let mine = on_file(&app, "sh.sales", "张伟的客户", "13900010002").await;
        app.login_as("sh.sales").await;
        // Another salesperson's customer is out of reach; a model, a colour that do not
        // read are named; a trim alone finds its model.
        let text = "客户手机,车型,配置,颜色,付款方式\n\
             13900010001,秦PLUS DM-i,55KM 领先型,雪域白,全款\n\
             13900010002,秦PLUS DM-x,55KM 领先型,雪域白,全款\n\
             13900010002,,55KM 领先型,墨玉黑,全款\n\
             13900010002,,55KM 领先型,雪域白,全款\n";
        let res = upload(&app, "/orders/import", text.as_bytes().to_vec(), true, true).await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            fields(&body),
            ["rows.2.customer_mobile", "rows.3.model", "rows.4.color"],
            "{body}"
        );
        // The numbers: one reservation for the file, between the tablet's orders.
        let sales = app.ctx_as("sh.sales").await;
        let seq = |number: String| number.rsplit('-').next().unwrap().parse::<u32>().unwrap();
        let before = orders::create(&sales, &tablet(mine, &ids, None), false)
            .await
            .unwrap();
        let number = |id: i64| {
            let db = app.db.clone();
            async move {
                sql("SELECT number FROM orders WHERE id = $1")
                    .bind(id)
                    .scalar::<String>(&db)
                    .await
                    .unwrap()
            }
        };
        let first = seq(number(before).await);
        let text = file(&[plain("13900010002", ""), plain("13900010002", "")]);
        let res = upload(&app, "/orders/import", text.into_bytes(), false, true).await;
        assert_eq!(res.status(), 200);
        let after = orders::create(&sales, &tablet(mine, &ids, None), false)
            .await
            .unwrap();
        assert_eq!(seq(number(after).await), first + 3);
        let imported: Vec<(String,)> =
            sql("SELECT number FROM orders WHERE notes = '导入测试' ORDER BY number")
                .fetch_all(&app.db)
                .await
                .unwrap();
        let seqs: Vec<u32> = imported.into_iter().map(|(n,)| seq(n)).collect();
        assert_eq!(seqs, [first + 1, first + 2]);

        // A group role names the store a new customer joins (any case); without one the
        // row is refused on its column.
        let gm = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        gm.login_as("gm").await;
        let res = upload(
            &gm,
            "/orders/import",
            file(&[plain("13900010003", "新客户己")]).into_bytes(),
            true,
            true,
        )
        .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(fields(&body), ["rows.2.store_code"], "{body}");
        let text = format!(
            "{HEAD}\n13900010003,新客户己,hz01,秦PLUS DM-i,55KM 领先型,雪域白,,,,,,,,,全款,,,否\n"
        );
        let res = upload(&gm, "/orders/import", text.into_bytes(), false, true).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let placed: (String, String, i64, bool) = sql(
            "SELECT cs.code, os.code, (SELECT COUNT(*) FROM leads l WHERE l.customer_id = c.id),
                    c.owner_id IS NULL
             FROM customers c JOIN stores cs ON cs.id = c.store_id
             JOIN orders o ON o.customer_id = c.id JOIN stores os ON os.id = o.store_id
             WHERE c.mobile = '13900010003'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(
            placed,
            ("HZ01".to_owned(), "HZ01".to_owned(), 1, true),
            "the store's, unassigned, with its first lead"
        );
    }
);
