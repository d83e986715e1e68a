//! The order pages' server functions on both databases, called as the browser calls them
//! (form-encoded): a refused order form names its fields and keeps what was typed; an
//! order entered and submitted in one step, approved by the store's sales manager; the
//! approval queue of whoever may decide; the preview's approval reasons and suggested
//! vehicle; and each order page drawn on the server.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin},
};
use app::{
    crm::{domain::customer::CustomerInput, service::customers},
    ctx::Ctx,
    db::sql,
};
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};

static MOBILE: AtomicU32 = AtomicU32::new(0);

/// A customer of `ctx`'s, with a fresh mobile.
async fn customer(ctx: &Ctx, name: &str) -> i64 {
    let n = MOBILE.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10;
    customers::create(
        ctx,
        &CustomerInput {
            name: name.into(),
            mobile: format!("1372{:07}", n % 10_000_000),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

async fn orders(app: &TestApp) -> i64 {
    sql("SELECT COUNT(*) FROM orders")
        .scalar(&app.db)
        .await
        .unwrap()
}

async fn status(app: &TestApp, id: i64) -> String {
    sql("SELECT status FROM orders WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// The same server, for a second person signed in as `username`.
async fn as_user(app: &TestApp, username: &str) -> TestApp {
    let other = TestApp {
        client: app.new_client(),
        ..app.clone_handle()
    };
    other.login_as(username).await;
    other
}

/// The numbers of the orders in a person's approval queue.
async fn queue(app: &TestApp) -> (u16, Vec<String>) {
    let res = app.call("orders/approval_queue", &[]).await;
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    let numbers = body
        .as_array()
        .map(|tasks| {
            tasks
                .iter()
                .map(|t| t["order"]["number"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (code, numbers)
}

async fn number(app: &TestApp, id: i64) -> String {
    sql("SELECT number FROM orders WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    a_refused_order_form_names_its_fields_and_keeps_what_was_typed,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        app.login_as("sh.sales").await;
        let before = orders(&app).await;
        let (trim, color) = (ids.trim.to_string(), ids.color.to_string());
        let form = [
            ("customer_q", "钱"),
            ("customer_id", ""),
            ("trim_id", trim.as_str()),
            ("color_id", color.as_str()),
            ("list_price", "十万"),
            ("discount_percent", "6.2"),
            ("extra1_kind", "accessory"),
            ("extra1_description", "全车脚垫"),
            ("extra1_price", "-5"),
            ("deposit", "5000"),
            ("payment_type", "full"),
            ("notes", "周六交车"),
            ("intent", "submit"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["Invalid"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "customer_id",
                "list_price",
                "extra1_price",
                "deposit_method"
            ],
            "{body}"
        );
        // What was typed comes back, for the form to be filled in again.
        let typed: Vec<(String, String)> =
            serde_json::from_value(body["Invalid"]["input"].clone()).unwrap();
        for (name, value) in [
            ("customer_q", "钱"),
            ("list_price", "十万"),
            ("discount_percent", "6.2"),
            ("extra1_description", "全车脚垫"),
            ("notes", "周六交车"),
        ] {
            assert!(
                typed.iter().any(|(k, v)| k == name && v == value),
                "{name} kept: {typed:?}"
            );
        }
        assert_eq!(orders(&app).await, before, "nothing was saved");

        // A vehicle that is not the caller's to sell is refused on its field, the rest kept.
        let hz = new_vin();
        let theirs = insert_vehicle(&app, &hz, ids.hz_warehouse, &ids, ids.color).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "赵钱").await.to_string();
        let theirs = theirs.to_string();
        let form = [
            ("customer_id", buyer.as_str()),
            ("vehicle_id", theirs.as_str()),
            ("deposit", "5000"),
            ("deposit_method", "wechat"),
            ("payment_type", "full"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["Invalid"]["fields"][0]["field"], "vehicle_id",
            "{body}"
        );
        assert_eq!(orders(&app).await, before);
    }
);

both_dbs!(
    an_order_entered_and_submitted_is_approved_by_the_sales_manager,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales_ctx = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales_ctx, "孙到店").await.to_string();
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color)
            .await
            .to_string();
        app.login_as("sh.sales").await;

        // An in-stock car with a deposit, the list price left to the car, submitted at once.
        let form = [
            ("customer_id", buyer.as_str()),
            ("vehicle_id", car.as_str()),
            ("deposit", "5000"),
            ("deposit_method", "wechat"),
            ("payment_type", "full"),
            ("intent", "submit"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers().get("location").is_some(),
            "the page is sent to the new order"
        );
        let id: i64 = res.json().await.unwrap();
        assert_eq!(status(&app, id).await, "pending_approval");
        let detail: Value = app
            .call("orders/get", &[("id", &id.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["order"]["vin"], vin.as_str());
        assert_eq!(
            detail["order"]["list_price"], 7_980_000,
            "the car's list price"
        );
        assert_eq!(detail["order"]["paid"], 500_000);
        assert_eq!(detail["next_level"]["role"], "sales_manager");
        let n = number(&app, id).await;

        // The salesperson decides nothing: no queue, no badge.
        let (code, _) = queue(&app).await;
        assert_eq!(code, 403);
        let count: i64 = app
            .call("orders/approval_count", &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(count, 0);

        // The store's sales manager finds it in the queue, with its count in the badge,
        // and approves it.
        let manager = as_user(&app, "sh.manager").await;
        let (code, numbers) = queue(&manager).await;
        assert_eq!(code, 200);
        assert!(numbers.contains(&n), "{n} in {numbers:?}");
        let count: i64 = manager
            .call("orders/approval_count", &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(count, numbers.len() as i64);
        let res = manager
            .call(
                "orders/approve",
                &[("id", &id.to_string()), ("comment", "同意")],
            )
            .await;
        assert_eq!(res.status(), 200);
        let to: String = res.json().await.unwrap();
        assert_eq!(to, "approved");
        assert_eq!(status(&app, id).await, "approved");
        let (_, numbers) = queue(&manager).await;
        assert!(!numbers.contains(&n), "decided, so gone from the queue");

        // The timeline tells it: entered, submitted, approved, in words.
        let timeline: Value = app
            .call("orders/timeline", &[("id", &id.to_string())])
            .await
            .json()
            .await
            .unwrap();
        let actions: Vec<&str> = timeline
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "order.create",
                "order.status",
                "order.approve",
                "order.status"
            ]
        );
        assert_eq!(timeline[2]["actor"], "李明", "who, by name");

        // A rejection needs its reason, named on the comment field.
        let second = [
            ("customer_id", buyer.as_str()),
            ("trim_id", &ids.trim.to_string()),
            ("color_id", &ids.color.to_string()),
            ("list_price", "79800"),
            ("payment_type", "loan"),
            ("intent", "submit"),
        ]
        .map(|(k, v)| (k, v.to_owned()));
        let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let other: i64 = app
            .call("orders/create", &second)
            .await
            .json()
            .await
            .unwrap();
        let res = manager
            .call(
                "orders/reject",
                &[("id", &other.to_string()), ("comment", " ")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["Invalid"]["fields"][0]["field"], "comment");
        assert_eq!(status(&app, other).await, "pending_approval");
    }
);

both_dbs!(
    the_approval_queue_holds_what_the_caller_may_decide,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let (trim, color) = (ids.trim.to_string(), ids.color.to_string());
        // The sales manager's own order, with a discount above 5%: level 1 is someone
        // else's to decide (the general manager stands in), and level 2 the general
        // manager's.
        let manager_ctx = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager_ctx, "周自购").await.to_string();
        let manager = as_user(&app, "sh.manager").await;
        let form = [
            ("customer_id", buyer.as_str()),
            ("trim_id", trim.as_str()),
            ("color_id", color.as_str()),
            ("list_price", "79800"),
            ("discount_percent", "6.2"),
            ("payment_type", "full"),
            ("intent", "submit"),
        ];
        let res = manager.call("orders/create", &form).await;
        assert_eq!(res.status(), 200);
        let id: i64 = res.json().await.unwrap();
        let n = number(&app, id).await;
        let (_, mine) = queue(&manager).await;
        assert!(!mine.contains(&n), "nobody decides their own order");
        let gm = as_user(&app, "gm").await;
        let (code, theirs) = queue(&gm).await;
        assert_eq!(code, 200);
        assert!(theirs.contains(&n), "{n} in {theirs:?}");
        let tasks: Value = gm
            .call("orders/approval_queue", &[])
            .await
            .json()
            .await
            .unwrap();
        let task = tasks
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["order"]["number"] == n.as_str())
            .unwrap();
        assert_eq!(task["level"]["level"], 1);
        assert_eq!(task["discount_bp"], 620);
        let reasons = task["reasons"].to_string();
        assert!(reasons.contains("折扣 6.2% > 5%"), "{reasons}");

        // After level 1, the order waits at level 2 for the general manager alone.
        let res = gm.call("orders/approve", &[("id", &id.to_string())]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(status(&app, id).await, "pending_approval");
        let (_, theirs) = queue(&gm).await;
        assert!(theirs.contains(&n), "level 2 waits for the general manager");
        let sales2 = as_user(&app, "sh.sales2").await;
        assert_eq!(queue(&sales2).await.0, 403);
        let res = gm.call("orders/approve", &[("id", &id.to_string())]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(status(&app, id).await, "approved");
    }
);

both_dbs!(
    the_preview_names_the_general_manager_for_a_discount_above_five_percent,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let vin = new_vin();
        insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        app.login_as("sh.sales").await;
        let (trim, color) = (ids.trim.to_string(), ids.color.to_string());
        let form = [
            ("trim_id", trim.as_str()),
            ("color_id", color.as_str()),
            ("list_price", "199800"),
            ("discount_percent", "6.2"),
            ("payment_type", "full"),
        ];
        let res = app.call("orders/preview", &form).await;
        assert_eq!(res.status(), 200);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["totals"]["discount"], 1_238_760);
        assert_eq!(p["totals"]["total"], 19_980_000 - 1_238_760);
        let reasons: Vec<&str> = p["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(
            reasons,
            ["需销售经理审批: 每张订单", "需总经理审批: 折扣 6.2% > 5%"]
        );
        assert_eq!(p["levels"].as_array().unwrap().len(), 2);
        // A free car of the trim and colour is offered, with why.
        let reason = p["suggestion"]["reason"].as_str().unwrap_or_default();
        assert!(reason.starts_with("在库 "), "{p}");

        // 5% exactly needs the sales manager only; a blank list price is the trim's.
        let msrp: i64 = sql("SELECT msrp_fen FROM trims WHERE id = $1")
            .bind(ids.trim)
            .scalar(&app.db)
            .await
            .unwrap();
        let form = [
            ("trim_id", trim.as_str()),
            ("color_id", color.as_str()),
            ("discount_percent", "5"),
            ("payment_type", "full"),
        ];
        let p: Value = app
            .call("orders/preview", &form)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(p["totals"]["list_price"], msrp);
        assert_eq!(p["reasons"].as_array().unwrap().len(), 1, "{p}");

        // A bad field is named, as on saving.
        let res = app
            .call(
                "orders/preview",
                &[("trim_id", trim.as_str()), ("discount_percent", "abc")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        let fields = body["Invalid"]["fields"].to_string();
        assert!(
            fields.contains("discount_percent") && fields.contains("color_id"),
            "{fields}"
        );
    }
);

both_dbs!(the_order_pages_are_drawn_on_the_server, |app| async move {
    app.seed_demo().await;
    let ids = ids(&app).await;
    let sales = app.ctx_as("sh.sales").await;
    let buyer = customer(&sales, "吴看页").await;
    let vin = new_vin();
    let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
    app.login_as("sh.sales").await;
    let form = [
        ("customer_id", buyer.to_string()),
        ("vehicle_id", car.to_string()),
        ("deposit", "5000".to_owned()),
        ("deposit_method", "cash".to_owned()),
        ("payment_type", "full".to_owned()),
        ("intent", "submit".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id: i64 = app.call("orders/create", &form).await.json().await.unwrap();
    let n = number(&app, id).await;
    // Another of the same kind, free: the one the entry form offers.
    insert_vehicle(&app, &new_vin(), ids.sh_yard, &ids, ids.color).await;
    let page = |path: String| {
        let app = &app;
        async move {
            let res = app.get(&path).await;
            assert_eq!(res.status(), 200, "{path}");
            res.text().await.unwrap()
        }
    };
    let list = page(format!("/orders?q={n}")).await;
    assert!(
        list.contains(&n) && list.contains("吴看页"),
        "the list shows it"
    );
    assert!(list.contains("¥79,800.00"), "its total");
    let detail = page(format!("/orders/{id}")).await;
    assert!(detail.contains("id=\"order-live\""), "a live region");
    assert!(detail.contains(&vin) && detail.contains("待审核"));
    assert!(
        detail.contains("¥74,800.00"),
        "the balance after the deposit"
    );
    let print = page(format!("/orders/{id}/print")).await;
    assert!(print.contains("订单确认书") && print.contains(&vin) && print.contains("客户签字"));
    // The entry form with a preview: figures, the approval it needs, the suggested car.
    let new = page(format!(
        "/orders/new?preview=1&customer_id={buyer}&trim_id={}&color_id={}&discount_percent=6.2&payment_type=full",
        ids.trim, ids.color
    ))
    .await;
    assert!(
        new.contains("需总经理审批: 折扣 6.2% &gt; 5%")
            || new.contains("需总经理审批: 折扣 6.2% > 5%")
    );
    assert!(new.contains("吴看页"), "the customer picked stays picked");
    assert!(new.contains("data-testid=\"suggestion\""));
    let manager = as_user(&app, "sh.manager").await;
    let res = manager.get("/orders/approvals").await;
    assert_eq!(res.status(), 200);
    let queue = res.text().await.unwrap();
    assert!(queue.contains(&n), "the manager's queue lists it");
    assert!(
        queue.contains("data-testid=\"approval-badge\""),
        "and the badge counts it"
    );
});

both_dbs!(
    a_changed_order_is_saved_on_the_version_seen_and_a_stale_one_refused,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "郑改单").await.to_string();
        app.login_as("sh.sales").await;
        let (trim, color) = (ids.trim.to_string(), ids.color.to_string());
        let form = |discount: &'static str| {
            vec![
                ("customer_id", buyer.clone()),
                ("trim_id", trim.clone()),
                ("color_id", color.clone()),
                ("list_price", "79800".to_owned()),
                ("discount", discount.to_owned()),
                ("payment_type", "full".to_owned()),
            ]
        };
        let pairs = |f: &[(&'static str, String)]| -> Vec<(String, String)> {
            f.iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        let call = |name: &'static str, f: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(name, &f).await
            }
        };
        let id: i64 = call("orders/create", pairs(&form("")))
            .await
            .json()
            .await
            .unwrap();
        let mut change = pairs(&form("3000"));
        change.push(("id".into(), id.to_string()));
        change.push(("version".into(), "1".into()));
        let res = call("orders/update", change.clone()).await;
        assert_eq!(res.status(), 200);
        let total: i64 = sql("SELECT total FROM orders WHERE id = $1")
            .bind(id)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(total, 7_680_000);
        // The same change again on the version seen before: someone changed it meanwhile.
        let res = call("orders/update", change).await;
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.unwrap();
        assert!(
            body.to_string().contains("张伟"),
            "names who changed it: {body}"
        );
    }
);

both_dbs!(
    a_walk_in_buyer_is_added_with_the_order_and_only_when_the_order_is_sound,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color)
            .await
            .to_string();
        app.login_as("sh.sales").await;
        let customers_now = || async {
            let n: i64 = sql("SELECT COUNT(*) FROM customers")
                .scalar(&app.db)
                .await
                .unwrap();
            n
        };
        let (people, before) = (customers_now().await, orders(&app).await);

        // A bad mobile and a deposit without its method: both named, nobody added.
        let form = [
            ("new_name", "周到店"),
            ("new_mobile", "1380013"),
            ("vehicle_id", car.as_str()),
            ("deposit", "5000"),
            ("payment_type", "full"),
            ("intent", "submit"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["Invalid"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["new_mobile", "deposit_method"], "{body}");
        assert_eq!(customers_now().await, people, "no profile left behind");
        assert_eq!(orders(&app).await, before);

        // Sound: the buyer is on file (到店, the salesperson's), the order theirs.
        let mobile = format!("1391{:07}", std::process::id() % 10_000_000);
        let form = [
            ("new_name", "周到店"),
            ("new_mobile", mobile.as_str()),
            ("vehicle_id", car.as_str()),
            ("deposit", "5000"),
            ("deposit_method", "wechat"),
            ("payment_type", "full"),
            ("intent", "submit"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 200);
        let id: i64 = res.json().await.unwrap();
        let (name, source, owner): (String, String, String) = sql(
            "SELECT c.name, c.source, u.username FROM orders o JOIN customers c ON c.id = o.customer_id
             JOIN users u ON u.id = c.owner_id WHERE o.id = $1",
        )
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(
            (name.as_str(), source.as_str(), owner.as_str()),
            ("周到店", "walk_in", "sh.sales")
        );
        assert_eq!(status(&app, id).await, "pending_approval");

        // The same mobile again: refused beside it, and the buyer on file comes back picked.
        let form = [
            ("new_name", "周先生"),
            ("new_mobile", mobile.as_str()),
            ("trim_id", &ids.trim.to_string()),
            ("color_id", &ids.color.to_string()),
            ("payment_type", "full"),
        ];
        let res = app.call("orders/create", &form).await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["Invalid"]["fields"][0]["field"], "new_mobile",
            "{body}"
        );
        let message = body["Invalid"]["fields"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("周到店") && message.contains("已为您选中"),
            "{message}"
        );
        let typed: Vec<(String, String)> =
            serde_json::from_value(body["Invalid"]["input"].clone()).unwrap();
        let owner_of: i64 = sql("SELECT customer_id FROM orders WHERE id = $1")
            .bind(id)
            .scalar(&app.db)
            .await
            .unwrap();
        assert!(
            typed
                .iter()
                .any(|(k, v)| k == "customer_id" && *v == owner_of.to_string()),
            "{typed:?}"
        );
        assert_eq!(customers_now().await, people + 1);
        assert_eq!(orders(&app).await, before + 1);
    }
);
