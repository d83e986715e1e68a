//! The REST surface as integrators meet it: the OpenAPI document lists every operation
//! and describes its parameters where they really are, and every bad request — path,
//! query or body — is answered `application/problem+json` naming the field.

use crate::{both_dbs, helpers::TestApp};
use app::{auth::api_key, db::sql, domain::Role};
use std::collections::BTreeSet;

/// The operations the API offered before each module owned its routes: the document
/// must keep every one (new ones are added here as modules grow).
const OPERATIONS: &[&str] = &[
    "GET /api/v1/me",
    "GET /api/v1/stores",
    "GET /api/v1/stores/{id}",
    "GET /api/v1/catalog",
    "GET /api/v1/vehicles",
    "POST /api/v1/vehicles",
    "GET /api/v1/vehicles/{id}",
    "POST /api/v1/vehicles/{id}/status",
    "GET /api/v1/stock/matrix",
    "GET /api/v1/thresholds",
    "PUT /api/v1/thresholds",
    "DELETE /api/v1/thresholds/{id}",
    "GET /api/v1/alerts",
    "GET /api/v1/alerts/aged",
    "GET /api/v1/transfers",
    "POST /api/v1/transfers",
    "GET /api/v1/transfers/{id}",
    "POST /api/v1/transfers/{id}/{step}",
    "GET /api/v1/customers",
    "POST /api/v1/customers",
    "GET /api/v1/customers/{id}",
    "PUT /api/v1/customers/{id}",
    "GET /api/v1/leads",
    "POST /api/v1/leads/{id}/stage",
    "GET /api/v1/follow-ups",
    "POST /api/v1/follow-ups",
    "POST /api/v1/follow-ups/{id}/complete",
    "GET /api/v1/orders",
    "POST /api/v1/orders",
    "POST /api/v1/orders/import",
    "GET /api/v1/orders/{id}",
    "PUT /api/v1/orders/{id}",
    "POST /api/v1/orders/{id}/submit",
    "POST /api/v1/orders/{id}/approve",
    "POST /api/v1/orders/{id}/reject",
    "POST /api/v1/orders/{id}/allocate",
    "POST /api/v1/orders/{id}/ship",
    "POST /api/v1/orders/{id}/complete",
    "POST /api/v1/orders/{id}/cancel",
    "POST /api/v1/orders/{id}/payments",
    "GET /api/v1/appointments",
    "POST /api/v1/appointments",
    "GET /api/v1/appointments/{id}",
    "POST /api/v1/appointments/{id}/{step}",
    "GET /api/v1/stores/{id}/service-capacity",
    "PUT /api/v1/stores/{id}/service-capacity",
    "GET /api/v1/public/stores",
    "GET /api/v1/public/slots",
    "POST /api/v1/public/bookings",
    "POST /api/v1/public/bookings/lookup",
    "POST /api/v1/public/bookings/{token}/reschedule",
    "POST /api/v1/public/bookings/{token}/cancel",
    "GET /api/v1/complaints",
    "POST /api/v1/complaints",
    "GET /api/v1/complaints/{id}",
    "POST /api/v1/complaints/{id}/steps",
    "GET /api/v1/ratings",
    "POST /api/v1/public/complaints",
    "POST /api/v1/public/ratings/{token}",
    "GET /api/v1/analytics/sales",
    "GET /api/v1/analytics/outlook",
    "GET /api/v1/analytics/cycle",
    "GET /api/v1/analytics/customers",
    "GET /api/v1/analytics/turnover",
    "GET /api/v1/analytics/dashboard",
    "GET /api/v1/analytics/targets",
    "PUT /api/v1/analytics/targets",
    "GET /api/v1/analytics/settings",
    "PUT /api/v1/analytics/settings",
];

/// The operations anyone may call without a key: the service booking, a customer's
/// complaint and rating.
const PUBLIC_OPERATIONS: &[&str] = &[
    "GET /api/v1/public/stores",
    "GET /api/v1/public/slots",
    "POST /api/v1/public/bookings",
    "POST /api/v1/public/bookings/lookup",
    "POST /api/v1/public/bookings/{token}/reschedule",
    "POST /api/v1/public/bookings/{token}/cancel",
    "POST /api/v1/public/complaints",
    "POST /api/v1/public/ratings/{token}",
];

async fn key(app: &TestApp, role: Role) -> String {
    let store: Option<i64> = if role.is_group_wide() {
        None
    } else {
        Some(
            sql("SELECT id FROM stores WHERE code = 'SH01'")
                .scalar(&app.db)
                .await
                .unwrap(),
        )
    };
    api_key::create(&app.db, "rest-test", role, store, None)
        .await
        .unwrap()
        .1
}

both_dbs!(
    the_document_lists_every_operation_with_its_parameters_where_they_are,
    |app| async move {
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let mut ops = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let in_template: BTreeSet<&str> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            for (method, op) in item.as_object().unwrap() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let in_path: BTreeSet<&str> = params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    in_path, in_template,
                    "{method} {path}: path parameters are exactly the template's"
                );
                for p in &params {
                    // A header only where the request really sends one: the order
                    // version (`If-Match`) and the retry key (`Idempotency-Key`).
                    let header = p["in"] == "header"
                        && matches!(p["name"].as_str(), Some("If-Match" | "Idempotency-Key"));
                    assert!(
                        header || matches!(p["in"].as_str(), Some("path" | "query")),
                        "{method} {path}: {p}"
                    );
                }
            }
        }
        let expected: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
        assert_eq!(ops, expected, "the document lists the same operations");
        // Every schema a reference names is in the document.
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for (i, _) in text.match_indices("#/components/schemas/") {
            let name: String = text[i + 21..].chars().take_while(|c| *c != '"').collect();
            assert!(schemas.contains_key(&name), "schema {name} is defined");
        }
        // Every operation says it may answer 401 — but the public ones, which say they
        // need no key (`security: [{}]`) — and 422 when it reads input; each of those
        // answers is a problem.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let answers = op["responses"].as_object().unwrap();
                let reads_input = op.get("requestBody").is_some()
                    || op["parameters"].as_array().is_some_and(|p| !p.is_empty());
                let public = PUBLIC_OPERATIONS
                    .contains(&format!("{} {path}", method.to_uppercase()).as_str());
                assert_eq!(
                    op["security"] == serde_json::json!([{}]),
                    public,
                    "{method} {path}"
                );
                assert_eq!(answers.contains_key("401"), !public, "{method} {path}");
                let mut shared = if public { vec![] } else { vec!["401"] };
                if reads_input {
                    shared.push("422");
                }
                for code in shared {
                    assert!(
                        answers[code]["content"]["application/problem+json"].is_object(),
                        "{method} {path} documents {code} as a problem"
                    );
                }
            }
        }
        for name in ["Problem", "VehiclePage", "TransferInput", "StockMatrix"] {
            assert!(
                schemas.contains_key(name),
                "{name} is collected from its handler"
            );
        }
    }
);

both_dbs!(
    bad_path_query_and_body_input_is_a_problem_naming_the_field,
    |app| async move {
        app.seed_demo().await;
        let clerk = key(&app, Role::InventoryClerk).await;
        let c = app.new_client();
        let check = |res: reqwest::Response, status: u16, field: &'static str| async move {
            assert_eq!(res.status(), status, "{field}");
            assert_eq!(
                res.headers()["content-type"],
                "application/problem+json",
                "{field}"
            );
            let body: serde_json::Value = res.json().await.unwrap();
            if !field.is_empty() {
                assert_eq!(body["errors"][0]["field"], field, "{body}");
            }
            body
        };
        let get = |path: &str| c.get(app.url(path)).bearer_auth(&clerk).send();
        check(
            get("/api/v1/vehicles?min_days=abc").await.unwrap(),
            422,
            "min_days",
        )
        .await;
        check(
            get("/api/v1/vehicles?min_days=100000000").await.unwrap(),
            422,
            "min_days",
        )
        .await;
        check(
            get("/api/v1/vehicles?status=gone").await.unwrap(),
            422,
            "status",
        )
        .await;
        check(
            get("/api/v1/stock/matrix?warehouse_id=x").await.unwrap(),
            422,
            "warehouse_id",
        )
        .await;
        check(get("/api/v1/alerts?open=maybe").await.unwrap(), 422, "open").await;
        check(get("/api/v1/transfers/abc").await.unwrap(), 422, "id").await;
        check(get("/api/v1/no/such/thing").await.unwrap(), 404, "").await;
        let post = |path: &str, body: &'static str| {
            c.post(app.url(path))
                .bearer_auth(&clerk)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        check(
            post("/api/v1/vehicles", "{not json").await.unwrap(),
            422,
            "body",
        )
        .await;
        check(
            post("/api/v1/vehicles", r#"{"vehicles": [{"vin": 17}]}"#)
                .await
                .unwrap(),
            422,
            "vehicles.0.vin",
        )
        .await;
        check(
            post("/api/v1/vehicles/1/status", r#"{"to": "flying"}"#)
                .await
                .unwrap(),
            422,
            "to",
        )
        .await;
        check(
            post("/api/v1/vehicles/abc/status", r#"{"to": "sold"}"#)
                .await
                .unwrap(),
            422,
            "id",
        )
        .await;
        let text = c
            .post(app.url("/api/v1/vehicles"))
            .bearer_auth(&clerk)
            .header("content-type", "text/plain")
            .body("x")
            .send()
            .await
            .unwrap();
        check(text, 422, "body").await;
        check(get("/api/v1/vehicles?limit=0").await.unwrap(), 422, "limit").await;
        check(
            get("/api/v1/vehicles?limit=501").await.unwrap(),
            422,
            "limit",
        )
        .await;
        check(
            post("/api/v1/transfers/1/teleport", "{}").await.unwrap(),
            422,
            "step",
        )
        .await;
        // Without a key: 401, still a problem — and before any input is judged, so a
        // caller without a key learns nothing from how a bad path or body is answered.
        let res = c.get(app.url("/api/v1/vehicles")).send().await.unwrap();
        check(res, 401, "").await;
        for (method, path) in [
            ("GET", "/api/v1/transfers/abc"),
            ("GET", "/api/v1/vehicles?min_days=abc"),
            ("POST", "/api/v1/transfers/1/teleport"),
            ("POST", "/api/v1/vehicles"),
        ] {
            let res = c
                .request(method.parse().unwrap(), app.url(path))
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap();
            assert_eq!(res.headers()["www-authenticate"], "Bearer", "{path}");
            check(res, 401, "").await;
        }
    }
);
