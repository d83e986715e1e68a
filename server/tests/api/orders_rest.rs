//! The orders REST API on both databases: entry that a retry never doubles (one order
//! for two hundred requests with one `Idempotency-Key`), changes under `If-Match`, an
//! endpoint per move with its refusals, another store's orders kept out of sight, and the
//! OpenAPI document describing it all.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin, Ids},
};
use app::{
    auth::api_key,
    crm::{domain::customer::CustomerInput, service::customers},
    ctx::Ctx,
    db::sql,
    domain::Role,
};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};

static MOBILE: AtomicU32 = AtomicU32::new(0);

/// A customer of the SH01 sales manager's store, with a fresh mobile.
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

/// An API key of `role`, acting for the store `code` (none: group-wide).
async fn key(app: &TestApp, role: Role, code: Option<&str>) -> String {
    let store = match code {
        Some(code) => Some(
            sql("SELECT id FROM stores WHERE code = $1")
                .bind(code)
                .scalar::<i64>(&app.db)
                .await
                .unwrap(),
        ),
        None => None,
    };
    api_key::create(&app.db, "orders-rest", role, store, None)
        .await
        .unwrap()
        .1
}

/// An order of the test trim and colour at ¥79,800 for `customer`.
fn order(customer: i64, ids: &Ids) -> Value {
    json!({
        "customer_id": customer,
        "trim_id": ids.trim,
        "color_id": ids.color,
        "list_price": "79800",
        "payment_type": "full",
    })
}

async fn orders_of(app: &TestApp, customer: i64) -> i64 {
    sql("SELECT COUNT(*) FROM orders WHERE customer_id = $1")
        .bind(customer)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// A caller of the API with one key.
struct Api<'a> {
    app: &'a TestApp,
    key: String,
    client: reqwest::Client,
}

impl<'a> Api<'a> {
    fn new(app: &'a TestApp, key: String) -> Self {
        Api {
            app,
            key,
            client: app.new_client(),
        }
    }

    fn req(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(
                method.parse().unwrap(),
                self.app.url(&format!("/api/v1{path}")),
            )
            .bearer_auth(&self.key)
    }

    async fn get(&self, path: &str) -> Response {
        self.req("GET", path).send().await.unwrap()
    }

    async fn post(&self, path: &str, body: &Value) -> Response {
        self.req("POST", path).json(body).send().await.unwrap()
    }

    /// Posts an empty body (a move that takes none).
    async fn post_empty(&self, path: &str) -> Response {
        self.req("POST", path).send().await.unwrap()
    }

    async fn create(&self, body: &Value) -> Value {
        let res = self.post("/orders", body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }
}

/// The order's id and version from an order detail.
fn id_of(d: &Value) -> i64 {
    d["order"]["id"].as_i64().unwrap()
}

/// A problem answer: its status, content type and body.
async fn problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    res.json().await.unwrap()
}

/// A 422 naming `field`.
async fn refused_on(res: Response, field: &str) -> Value {
    let body = problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], field, "{body}");
    body
}

async fn detail(res: Response) -> Value {
    let status = res.status();
    let etag = res.headers().get("etag").cloned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    let version = body["order"]["version"].as_i64().unwrap();
    assert_eq!(
        etag.unwrap().to_str().unwrap(),
        format!("\"{version}\""),
        "the ETag is the version"
    );
    body
}

both_dbs!(
    a_retried_entry_is_answered_once_and_creates_one_order,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "重试先生").await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let first_body = r#"{"customer_id": CUSTOMER, "trim_id": TRIM, "color_id": COLOR,
                             "list_price": "79800", "payment_type": "full", "notes": "一次"}"#
            .replace("CUSTOMER", &buyer.to_string())
            .replace("TRIM", &ids.trim.to_string())
            .replace("COLOR", &ids.color.to_string());
        // The same request with its keys in another order and other spacing.
        let same_again = format!(
            r#"{{"notes":"一次","payment_type":"full","list_price":"79800","color_id":{},"trim_id":{},"customer_id":{}}}"#,
            ids.color, ids.trim, buyer
        );
        let send = |key: &'static str, text: String| {
            api.req("POST", "/orders")
                .header("Idempotency-Key", key)
                .header("content-type", "application/json")
                .body(text)
                .send()
        };

        let res = send("order-0001", first_body.clone()).await.unwrap();
        assert_eq!(res.status(), 201);
        assert!(res.headers().get("idempotent-replayed").is_none());
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let first = res.text().await.unwrap();
        let d: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(location, format!("/api/v1/orders/{}", id_of(&d)));
        assert_eq!(d["order"]["status"], "draft");
        assert_eq!(d["order"]["customer_id"], buyer);
        assert_eq!(d["order"]["total"], 7_980_000);

        // The same key and body: the first answer again, and nothing created.
        let res = send("order-0001", same_again).await.unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers()["idempotent-replayed"], "true");
        assert_eq!(res.headers()["location"].to_str().unwrap(), location);
        assert_eq!(res.text().await.unwrap(), first, "the same body");
        assert_eq!(orders_of(&app, buyer).await, 1);

        // The same key with another body: refused, naming the key.
        let other = first_body.replace("一次", "两次");
        let body = refused_on(send("order-0001", other).await.unwrap(), "Idempotency-Key").await;
        assert!(
            body["detail"].as_str().unwrap().contains("different"),
            "{body}"
        );
        assert_eq!(orders_of(&app, buyer).await, 1);

        // Keys are the caller's own: another key's "order-0001" is a new request.
        let other_api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let res = other_api
            .req("POST", "/orders")
            .header("Idempotency-Key", "order-0001")
            .header("content-type", "application/json")
            .body(first_body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        assert!(res.headers().get("idempotent-replayed").is_none());
        assert_eq!(orders_of(&app, buyer).await, 2);

        // Keys of 1 to 100 printable ASCII characters, sent once.
        for bad in ["", &"k".repeat(101), "tab\there"] {
            let res = api
                .req("POST", "/orders")
                .header("Idempotency-Key", bad)
                .json(&order(buyer, &ids))
                .send()
                .await
                .unwrap();
            refused_on(res, "Idempotency-Key").await;
        }
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "a")
            .header("Idempotency-Key", "b")
            .json(&order(buyer, &ids))
            .send()
            .await
            .unwrap();
        refused_on(res, "Idempotency-Key").await;
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "k".repeat(100))
            .json(&order(buyer, &ids))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(orders_of(&app, buyer).await, 3);

        // A creation that fails gives the key back: a retry (even corrected) proceeds.
        let wrong = json!({ "customer_id": buyer, "trim_id": ids.trim, "color_id": ids.foreign_color,
                            "list_price": "79800", "payment_type": "full" });
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "order-0002")
            .json(&wrong)
            .send()
            .await
            .unwrap();
        refused_on(res, "color_id").await;
        let kept: i64 = sql("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'order-0002'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(kept, 0, "the key was given back");
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "order-0002")
            .json(&order(buyer, &ids))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(orders_of(&app, buyer).await, 4);

        // Without a key every request is an order of its own; with `submit` it goes to
        // the approvers at once.
        let mut submitted = order(buyer, &ids);
        submitted["submit"] = json!(true);
        let d = api.create(&submitted).await;
        assert_eq!(d["order"]["status"], "pending_approval");
        api.create(&order(buyer, &ids)).await;
        assert_eq!(orders_of(&app, buyer).await, 6);

        // A salesperson's key acts for no salesperson, so it cannot look its orders up
        // afterwards; it is still answered with the order it entered, and a retry with
        // it.
        let sales = Api::new(&app, key(&app, Role::Sales, Some("SH01")).await);
        let entered = |k: &'static str| {
            sales
                .req("POST", "/orders")
                .header("Idempotency-Key", k)
                .json(&order(buyer, &ids))
                .send()
        };
        let res = entered("by-sales").await.unwrap();
        assert_eq!(res.status(), 201);
        let first = res.text().await.unwrap();
        let d: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(d["order"]["customer_id"], buyer);
        assert_eq!(d["order"]["status"], "draft");
        let res = entered("by-sales").await.unwrap();
        assert_eq!(res.headers()["idempotent-replayed"], "true");
        assert_eq!(res.text().await.unwrap(), first);
        assert_eq!(orders_of(&app, buyer).await, 7);

        // A key older than a day is forgotten: the same request creates again; and the
        // clean-up purges such keys.
        let now = app.state.clock.now_ms();
        sql("UPDATE idempotency_keys SET created_at = $1 WHERE key = 'order-0001'")
            .bind(now - 25 * 3_600_000)
            .execute(&app.db)
            .await
            .unwrap();
        let res = send("order-0001", first_body.clone()).await.unwrap();
        assert_eq!(res.status(), 201);
        assert!(res.headers().get("idempotent-replayed").is_none());
        assert_eq!(orders_of(&app, buyer).await, 8);
        let (_, _, _, purged) = server::startup::purge(&app.db, now).await.unwrap();
        assert_eq!(purged, 1, "the other key's old row");
        let left: i64 = sql("SELECT COUNT(*) FROM idempotency_keys")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, _, _, purged) = server::startup::purge(&app.db, now + 25 * 3_600_000)
            .await
            .unwrap();
        assert_eq!(purged as i64, left, "a day later, every key");
    }
);

both_dbs!(
    two_hundred_posts_with_one_key_make_one_order,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "并发先生").await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let body = order(buyer, &ids);
        let answers = futures::future::join_all((0..200).map(|_| async {
            let res = api
                .req("POST", "/orders")
                .header("Idempotency-Key", "burst-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let replayed = res.headers().get("idempotent-replayed").is_some();
            (status, replayed, res.text().await.unwrap())
        }))
        .await;
        assert_eq!(orders_of(&app, buyer).await, 1, "exactly one order");
        let fresh: Vec<_> = answers
            .iter()
            .filter(|(s, replayed, _)| *s == StatusCode::CREATED && !replayed)
            .collect();
        assert_eq!(fresh.len(), 1, "one request created it");
        // The others waited for it and answered as it did.
        for (status, _, text) in &answers {
            assert_eq!(status.as_u16(), 201, "{text}");
            assert_eq!(text, &fresh[0].2, "a replay is the first answer");
        }
        assert_eq!(answers.iter().filter(|(_, r, _)| *r).count(), 199);
        // Once done, the key answers with the first answer.
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "burst-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers()["idempotent-replayed"], "true");
        assert_eq!(res.text().await.unwrap(), fresh[0].2);
        assert_eq!(orders_of(&app, buyer).await, 1);
    }
);

both_dbs!(
    a_change_is_made_only_to_the_version_read,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "版本先生").await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let created = api.create(&order(buyer, &ids)).await;
        let id = id_of(&created);
        let d = detail(api.get(&format!("/orders/{id}")).await).await;
        let version = d["order"]["version"].as_i64().unwrap();
        let mut change = order(buyer, &ids);
        change["notes"] = json!("周六提车");
        let put = |if_match: Option<String>| {
            let mut r = api.req("PUT", &format!("/orders/{id}")).json(&change);
            if let Some(v) = if_match {
                r = r.header("If-Match", v);
            }
            r.send()
        };

        let body = problem(put(None).await.unwrap(), 428).await;
        assert_eq!(body["type"], "/api/v1/problems/precondition_required");
        assert!(
            body["detail"].as_str().unwrap().contains("If-Match"),
            "{body}"
        );

        // Only one version, as the ETag gives it: `*`, a weak tag or a list is refused.
        for odd in [
            "*".to_owned(),
            format!("W/\"{version}\""),
            format!("\"{version}\", \"{}\"", version + 1),
            version.to_string(),
            String::new(),
        ] {
            refused_on(put(Some(odd)).await.unwrap(), "If-Match").await;
        }
        let body = problem(
            put(Some(format!("\"{}\"", version + 7))).await.unwrap(),
            412,
        )
        .await;
        assert_eq!(body["type"], "/api/v1/problems/precondition_failed");
        assert_eq!(body["current_version"], version, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("version {version}")),
            "{body}"
        );
        assert_eq!(orders_detail_notes(&app, id).await, "", "nothing changed");

        let d = detail(put(Some(format!("\"{version}\""))).await.unwrap()).await;
        assert_eq!(d["order"]["notes"], "周六提车");
        assert_eq!(d["order"]["version"], version + 1);

        // The version read before the change is stale now.
        let body = problem(put(Some(format!("\"{version}\""))).await.unwrap(), 412).await;
        assert_eq!(body["current_version"], version + 1);

        // A bad order is a field error, whatever version it names.
        let mut bad = order(buyer, &ids);
        bad["list_price"] = json!("");
        for named in [version, version + 1] {
            let res = api
                .req("PUT", &format!("/orders/{id}"))
                .header("If-Match", format!("\"{named}\""))
                .json(&bad)
                .send()
                .await
                .unwrap();
            refused_on(res, "list_price").await;
        }
    }
);

async fn orders_detail_notes(app: &TestApp, id: i64) -> String {
    sql("SELECT notes FROM orders WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    every_move_has_its_endpoint_and_a_wrong_one_is_refused,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "流程先生").await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        let id = id_of(&api.create(&order(buyer, &ids)).await);
        let at = |step: &str| format!("/orders/{id}/{step}");

        // A draft neither ships nor is decided.
        let body = refused_on(api.post_empty(&at("ship")).await, "status").await;
        let says = body["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(says.contains("Draft") && says.contains("Shipped"), "{says}");
        let body = refused_on(api.post(&at("approve"), &json!({})).await, "status").await;
        assert!(body["detail"].as_str().unwrap().contains("Draft"), "{body}");

        // Submitted: waiting for the sales manager (every order needs level 1).
        let d = detail(api.post_empty(&at("submit")).await).await;
        assert_eq!(d["order"]["status"], "pending_approval");
        assert_eq!(d["next_level"]["role"], "sales_manager");
        let body = refused_on(api.post_empty(&at("submit")).await, "status").await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("Pending approval"),
            "{body}"
        );

        // Approved (no body, or a comment); the stale version of a decision is 412.
        let version = d["order"]["version"].as_i64().unwrap();
        let res = api
            .req("POST", &at("approve"))
            .header("If-Match", format!("\"{}\"", version - 1))
            .json(&json!({ "comment": "好" }))
            .send()
            .await
            .unwrap();
        let body = problem(res, 412).await;
        assert_eq!(body["current_version"], version);
        let res = api
            .req("POST", &at("approve"))
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({ "comment": "x".repeat(501) }))
            .send()
            .await
            .unwrap();
        refused_on(res, "comment").await;
        let res = api
            .req("POST", &at("approve"))
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({ "comment": "折扣在授权范围内" }))
            .send()
            .await
            .unwrap();
        let d = detail(res).await;
        assert_eq!(d["order"]["status"], "approved");
        assert_eq!(d["approvals"][0]["comment"], "折扣在授权范围内");
        let body = refused_on(api.post_empty(&at("approve")).await, "status").await;
        assert!(
            body["detail"].as_str().unwrap().contains("Approved"),
            "{body}"
        );

        // Shipping needs the vehicle: allocate it, and a second one is a conflict.
        refused_on(api.post_empty(&at("ship")).await, "vehicle_id").await;
        let d = detail(
            api.post(&at("allocate"), &json!({ "vehicle_id": car }))
                .await,
        )
        .await;
        assert_eq!(d["order"]["vin"], vin.as_str());
        let other = insert_vehicle(&app, &new_vin(), ids.sh_showroom, &ids, ids.color).await;
        let body = problem(
            api.post(&at("allocate"), &json!({ "vehicle_id": other }))
                .await,
            409,
        )
        .await;
        assert!(body["detail"].as_str().unwrap().contains(&vin), "{body}");
        refused_on(
            api.post(&at("allocate"), &json!({ "vehicle_id": "x" }))
                .await,
            "vehicle_id",
        )
        .await;

        // Payments: the balance, in fen; a zero amount is refused on `amount`.
        let res = api
            .post(
                &at("payments"),
                &json!({ "amount": 7_980_000, "method": "transfer", "note": "全款" }),
            )
            .await;
        assert_eq!(res.status(), 201);
        let recorded: Value = res.json().await.unwrap();
        assert!(recorded["id"].as_i64().unwrap() > 0);
        assert_eq!(recorded["order"]["order"]["paid"], 7_980_000);
        assert_eq!(recorded["order"]["payments"][0]["note"], "全款");
        refused_on(
            api.post(&at("payments"), &json!({ "amount": 0, "method": "cash" }))
                .await,
            "amount",
        )
        .await;
        refused_on(
            api.post(
                &at("payments"),
                &json!({ "amount": 100, "method": "cheque" }),
            )
            .await,
            "method",
        )
        .await;
        refused_on(
            api.post(&at("payments"), &json!({ "amount": 1, "method": "cash" }))
                .await,
            "amount",
        )
        .await;

        // Shipped, then completed; a shipped order is not cancelled, a completed one not
        // completed again.
        let d = detail(api.post_empty(&at("ship")).await).await;
        assert_eq!(d["order"]["status"], "shipped");
        let body = refused_on(
            api.post(&at("cancel"), &json!({ "reason": "不要了" }))
                .await,
            "status",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("Shipped"),
            "{body}"
        );
        let d = detail(api.post_empty(&at("complete")).await).await;
        assert_eq!(d["order"]["status"], "completed");
        let body = refused_on(api.post_empty(&at("complete")).await, "status").await;
        assert!(
            body["detail"].as_str().unwrap().contains("Completed"),
            "{body}"
        );
        let status: String = sql("SELECT status FROM vehicles WHERE id = $1")
            .bind(car)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(status, "delivered");

        // Rejected: only with a reason, of at most 500 characters.
        let id = id_of(&api.create(&order(buyer, &ids)).await);
        let at = |step: &str| format!("/orders/{id}/{step}");
        detail(api.post_empty(&at("submit")).await).await;
        refused_on(
            api.post(&at("reject"), &json!({ "comment": " " })).await,
            "comment",
        )
        .await;
        refused_on(
            api.post(&at("reject"), &json!({ "comment": "长".repeat(501) }))
                .await,
            "comment",
        )
        .await;
        refused_on(api.post_empty(&at("reject")).await, "body").await;
        let d = detail(
            api.post(&at("reject"), &json!({ "comment": "优惠超出授权" }))
                .await,
        )
        .await;
        assert_eq!(d["order"]["status"], "rejected");
        let body = refused_on(
            api.post(&at("reject"), &json!({ "comment": "再驳回" }))
                .await,
            "status",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("Rejected"),
            "{body}"
        );

        // Cancelled: only with a reason; then it takes refunds only.
        let res = api
            .post(
                &at("payments"),
                &json!({ "amount": 200_000, "method": "wechat" }),
            )
            .await;
        assert_eq!(res.status(), 201);
        refused_on(
            api.post(&at("cancel"), &json!({ "reason": "" })).await,
            "reason",
        )
        .await;
        refused_on(
            api.post(&at("cancel"), &json!({ "reason": "因".repeat(501) }))
                .await,
            "reason",
        )
        .await;
        let d = detail(
            api.post(&at("cancel"), &json!({ "reason": "客户改购其他车型" }))
                .await,
        )
        .await;
        assert_eq!(d["order"]["status"], "cancelled");
        assert_eq!(d["order"]["cancel_reason"], "客户改购其他车型");
        let body = refused_on(
            api.post(&at("cancel"), &json!({ "reason": "再取消" }))
                .await,
            "status",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("Cancelled"),
            "{body}"
        );
        refused_on(
            api.post(&at("payments"), &json!({ "amount": 100, "method": "cash" }))
                .await,
            "amount",
        )
        .await;
        let res = api
            .post(
                &at("payments"),
                &json!({ "amount": -200_000, "method": "wechat", "note": "退定金" }),
            )
            .await;
        assert_eq!(res.status(), 201);
        let refunded: Value = res.json().await.unwrap();
        assert_eq!(refunded["order"]["order"]["paid"], 0);

        // The list: filtered as the pages filter it.
        let page: Value = api
            .get(&format!("/orders?customer_id={buyer}&status=cancelled"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 1);
        assert_eq!(page["rows"][0]["id"], id);
        let page: Value = api
            .get(&format!("/orders?customer_id={buyer}&limit=1"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 2);
        assert_eq!(page["rows"].as_array().unwrap().len(), 1);
        refused_on(api.get("/orders?status=sold").await, "status").await;
        refused_on(api.get("/orders?limit=0").await, "limit").await;
        refused_on(api.get("/orders/abc").await, "id").await;
    }
);

both_dbs!(
    another_stores_order_is_refused_and_never_shown,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "隐私女士").await;
        let sh = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let created = sh.create(&order(buyer, &ids)).await;
        let id = id_of(&created);
        let number = created["order"]["number"].as_str().unwrap().to_owned();
        let hz = Api::new(&app, key(&app, Role::SalesManager, Some("HZ01")).await);

        let version = created["order"]["version"].as_i64().unwrap();
        let tries = [
            hz.get(&format!("/orders/{id}")).await,
            hz.req("PUT", &format!("/orders/{id}"))
                .header("If-Match", format!("\"{version}\""))
                .json(&order(buyer, &ids))
                .send()
                .await
                .unwrap(),
            hz.post_empty(&format!("/orders/{id}/submit")).await,
            hz.post(&format!("/orders/{id}/approve"), &json!({})).await,
            hz.post(
                &format!("/orders/{id}/reject"),
                &json!({ "comment": "不行" }),
            )
            .await,
            hz.post(
                &format!("/orders/{id}/allocate"),
                &json!({ "vehicle_id": 1 }),
            )
            .await,
            hz.post_empty(&format!("/orders/{id}/ship")).await,
            hz.post_empty(&format!("/orders/{id}/complete")).await,
            hz.post(
                &format!("/orders/{id}/cancel"),
                &json!({ "reason": "不要了" }),
            )
            .await,
            hz.post(
                &format!("/orders/{id}/payments"),
                &json!({ "amount": 100, "method": "cash" }),
            )
            .await,
        ];
        for res in tries {
            let url = res.url().path().to_owned();
            let text = {
                assert_eq!(res.status(), 403, "{url}");
                res.text().await.unwrap()
            };
            assert!(!text.contains(&number), "{url}: {text}");
            assert!(!text.contains("隐私女士"), "{url}: {text}");
            assert!(!text.contains("79800"), "{url}: {text}");
        }
        let page: Value = hz
            .get(&format!("/orders?customer_id={buyer}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 0);
        // Nothing was changed by the refused calls.
        let d = detail(sh.get(&format!("/orders/{id}")).await).await;
        assert_eq!(d["order"]["status"], "draft");
        assert_eq!(d["order"]["version"], version);

        // No such order: 404.
        let body = problem(hz.get("/orders/987654").await, 404).await;
        assert_eq!(body["type"], "/api/v1/problems/not_found");
        // A role that takes no orders: 403 on entry; without a key: 401.
        let clerk = Api::new(&app, key(&app, Role::InventoryClerk, Some("SH01")).await);
        problem(clerk.post("/orders", &order(buyer, &ids)).await, 403).await;
        let res = app
            .new_client()
            .post(app.url("/api/v1/orders"))
            .json(&order(buyer, &ids))
            .send()
            .await
            .unwrap();
        problem(res, 401).await;
        assert_eq!(orders_of(&app, buyer).await, 1);
    }
);

/// Every orders operation, as the document lists it.
const ORDER_OPERATIONS: &[(&str, &str)] = &[
    ("get", "/api/v1/orders"),
    ("post", "/api/v1/orders"),
    ("post", "/api/v1/orders/import"),
    ("get", "/api/v1/orders/{id}"),
    ("put", "/api/v1/orders/{id}"),
    ("post", "/api/v1/orders/{id}/submit"),
    ("post", "/api/v1/orders/{id}/approve"),
    ("post", "/api/v1/orders/{id}/reject"),
    ("post", "/api/v1/orders/{id}/allocate"),
    ("post", "/api/v1/orders/{id}/ship"),
    ("post", "/api/v1/orders/{id}/complete"),
    ("post", "/api/v1/orders/{id}/cancel"),
    ("post", "/api/v1/orders/{id}/payments"),
];

both_dbs!(
    the_document_describes_every_order_operation_with_examples,
    |app| async move {
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        let listed: Vec<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(path, _)| path.starts_with("/api/v1/orders"))
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(|m| (m.clone(), path.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(listed.len(), ORDER_OPERATIONS.len(), "{listed:?}");
        for (method, path) in ORDER_OPERATIONS {
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} is listed");
            assert_eq!(op["tags"][0], "orders", "{method} {path}");
            let answers = op["responses"].as_object().unwrap();
            let (ok, body) = answers
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .unwrap();
            assert!(
                body["content"]["application/json"]["example"].is_object(),
                "{method} {path} {ok} has an example"
            );
            if let Some(req) = op.get("requestBody") {
                // JSON with an example; an upload (the import) as its form's fields.
                let content = &req["content"];
                assert!(
                    content["application/json"]["example"].is_object()
                        || content["multipart/form-data"]["schema"].is_object(),
                    "{method} {path}: the request has an example"
                );
            }
            let mut problems = vec!["401", "403"];
            if path.contains("{id}") {
                problems.push("404");
            }
            if *method != "get" {
                problems.extend(["409", "422"]);
            }
            for code in problems {
                let content = &answers
                    .get(code)
                    .unwrap_or_else(|| panic!("{method} {path} documents {code}"))["content"]
                    ["application/problem+json"];
                assert!(content.is_object(), "{method} {path} {code} is a problem");
                if code != "401" {
                    assert!(
                        content["example"]["status"].as_i64().is_some(),
                        "{method} {path} {code} has an example"
                    );
                }
            }
        }
        let put = &doc["paths"]["/api/v1/orders/{id}"]["put"];
        for code in ["412", "428"] {
            assert!(
                put["responses"][code]["content"]["application/problem+json"].is_object(),
                "PUT documents {code}"
            );
        }
        let header = |op: &Value, name: &str| -> Value {
            op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} is documented"))
        };
        let if_match = header(put, "If-Match");
        assert_eq!(if_match["in"], "header");
        assert_eq!(if_match["required"], true);
        let post = &doc["paths"]["/api/v1/orders"]["post"];
        let key = header(post, "Idempotency-Key");
        assert_eq!(key["in"], "header");
        assert_ne!(key["required"], true);
        assert!(post["responses"]["201"]["headers"]["Location"].is_object());
        assert!(
            doc["paths"]["/api/v1/orders/{id}"]["get"]["responses"]["200"]["headers"]["ETag"]
                .is_object()
        );
        // The schemas the operations name are collected with them.
        for name in [
            "OrderDetail",
            "OrderPage",
            "NewOrder",
            "OrderInput",
            "VersionProblem",
        ] {
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{name} is in the document"
            );
        }
    }
);

both_dbs!(
    an_entered_order_is_answered_as_it_is_stored,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "如实先生").await;
        let car = insert_vehicle(&app, &new_vin(), ids.sh_showroom, &ids, ids.color).await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let res = api
            .req("POST", "/orders")
            .header("Idempotency-Key", "as-stored-1")
            .json(&json!({
                "customer_id": buyer.to_string(),
                "vehicle_id": car.to_string(),
                "list_price": "79800",
                "discount": "1000",
                "extras": [
                    { "kind": "accessory", "description": "全车脚垫", "price": "1280" },
                    { "kind": "registration", "description": "上牌", "price": "" }
                ],
                "deposit": "5000",
                "deposit_method": "wechat",
                "payment_type": "loan",
                "notes": "周六提车",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let entered: Value = res.json().await.unwrap();
        let id = id_of(&entered);
        // Every field of the answer — names, lines, the deposit, the hold — is what a
        // read of the stored order gives.
        let stored = detail(api.get(&format!("/orders/{id}")).await).await;
        assert_eq!(entered, stored);
        assert_eq!(stored["order"]["vehicle_id"], car);
        assert!(stored["order"]["hold_until"].as_i64().is_some());
        assert_eq!(stored["extras"].as_array().unwrap().len(), 2);
        assert_eq!(stored["payments"][0]["amount"], 500_000);
        let status: String = sql("SELECT status FROM vehicles WHERE id = $1")
            .bind(car)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(status, "reserved");
    }
);

both_dbs!(
    a_key_older_than_a_day_is_taken_by_a_new_request,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&manager, "过期先生").await;
        let api = Api::new(&app, key(&app, Role::SalesManager, Some("SH01")).await);
        let key_id: i64 = sql("SELECT MAX(id) FROM api_keys")
            .scalar(&app.db)
            .await
            .unwrap();
        // The same key used two days ago, for another body.
        sql(
            "INSERT INTO idempotency_keys (principal, key, request_hash, status, body, created_at)
             VALUES ($1, 'reused-later', 'an-old-body', 201, '{}', $2)",
        )
        .bind(format!("api_key:{key_id}"))
        .bind(chrono::Utc::now().timestamp_millis() - 48 * 3_600_000)
        .execute(&app.db)
        .await
        .unwrap();
        let send = || {
            api.req("POST", "/orders")
                .header("Idempotency-Key", "reused-later")
                .json(&order(buyer, &ids))
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201, "an expired key is not a reuse");
        assert!(first.headers().get("idempotent-replayed").is_none());
        let first: Value = first.json().await.unwrap();
        let again = send().await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(id_of(&first), id_of(&again));
        assert_eq!(orders_of(&app, buyer).await, 1);
    }
);
