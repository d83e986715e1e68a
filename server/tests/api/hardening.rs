//! Requests an attacker or an unlucky user would send: each is answered, changes nothing
//! it should not, and leaves the server healthy.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin},
};
use app::db::sql;

async fn healthy(app: &TestApp) {
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the server is still up"
    );
}

/// Signs in through the plain form (as a browser without JavaScript) with `next`.
async fn sign_in_with_next(app: &TestApp, next: &str) -> reqwest::Response {
    app.client
        .post(app.url("/sfn/login"))
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&[
            ("username", "sh.sales"),
            ("password", server::demo::DEMO_PASSWORD),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

both_dbs!(
    a_sign_in_never_sends_the_browser_to_another_site,
    |app| async move {
        app.seed_demo().await;
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/inventory\r\nSet-Cookie: owned=1",
        ] {
            let res = sign_in_with_next(&app, next).await;
            assert!(res.status().is_redirection(), "{next:?}: {}", res.status());
            assert_eq!(res.headers()["location"], "/", "{next:?} goes home");
            assert!(res
                .headers()
                .get_all("set-cookie")
                .iter()
                .all(|c| !c.to_str().unwrap_or("").contains("owned")));
            healthy(&app).await;
        }
        let res = sign_in_with_next(&app, "/inventory/vehicles?status=in_stock").await;
        assert_eq!(
            res.headers()["location"],
            "/inventory/vehicles?status=in_stock",
            "a path on this site is kept"
        );
    }
);

both_dbs!(
    another_stores_records_are_answered_as_missing_ones,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        // A vehicle of HZ01, and a VIN that exists nowhere.
        let theirs = new_vin();
        let their_id = insert_vehicle(&app, &theirs, ids.hz_warehouse, &ids, ids.color).await;
        let nowhere = new_vin();
        app.login_as("sh.manager").await;

        let status = |id: String| {
            let c = app.client.clone();
            let url = app.url(&format!("/api/v1/vehicles/{id}/status"));
            async move {
                c.post(url)
                    .json(&serde_json::json!({ "to": "reserved" }))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let other = status(their_id.to_string()).await;
        let missing = status("999999999".into()).await;
        assert_eq!(other.status(), 404);
        assert_eq!(missing.status(), 404);
        let (a, b): (serde_json::Value, serde_json::Value) =
            (other.json().await.unwrap(), missing.json().await.unwrap());
        assert_eq!(a, b, "another store's vehicle reads as no vehicle");
        let version: i64 = sql("SELECT version FROM vehicles WHERE id = $1")
            .bind(their_id)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(version, 1, "and is not touched");

        // Asking to move another store's VIN and a VIN that exists nowhere: one answer.
        let ask = |vin: String| {
            let c = app.client.clone();
            let url = app.url("/api/v1/transfers");
            let body = serde_json::json!({
                "from_warehouse_id": ids.sh_yard, "to_warehouse_id": ids.sh_showroom,
                "vins": [vin], "reason": "probe" });
            async move { c.post(url).json(&body).send().await.unwrap() }
        };
        let other = ask(theirs.clone()).await;
        let missing = ask(nowhere.clone()).await;
        assert_eq!(other.status(), 422);
        assert_eq!(missing.status(), 422);
        let (a, b): (serde_json::Value, serde_json::Value) =
            (other.json().await.unwrap(), missing.json().await.unwrap());
        let text = |v: &serde_json::Value, vin: &str| {
            v["errors"][0]["message"]
                .as_str()
                .unwrap()
                .replace(vin, "VIN")
        };
        assert_eq!(text(&a, &theirs), text(&b, &nowhere));
        healthy(&app).await;
    }
);

#[tokio::test]
async fn a_failed_start_does_not_print_the_database_password() {
    // A PostgreSQL server that is not there, with a password in its URL.
    let config = server::config::Config {
        database: app::db::DbUrl::parse("postgres://forecourt:s3cret-pw@127.0.0.1:1/fc").unwrap(),
        addr: "127.0.0.1:0".parse().unwrap(),
        site_root: std::env::temp_dir(),
        sessions: Default::default(),
        throttle: Default::default(),
    };
    let err = match server::startup::Application::build(config.clone()).await {
        Ok(_) => panic!("nothing listens on port 1"),
        Err(e) => format!("{e:#}"),
    };
    assert!(!err.contains("s3cret-pw"), "{err}");
    assert!(err.contains("forecourt:***@"), "{err}");
    assert!(!format!("{config:?}").contains("s3cret-pw"));
}
