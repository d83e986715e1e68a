//! Requests an attacker or an unlucky user would send: each is answered, changes nothing
//! it should not, and leaves the server healthy.

use crate::{
    both_dbs,
    helpers::TestApp,
    inventory::{ids, insert_vehicle, new_vin, vehicle_count},
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
        trusted_proxies: Default::default(),
    };
    let err = match server::startup::Application::build(config.clone()).await {
        Ok(_) => panic!("nothing listens on port 1"),
        Err(e) => format!("{e:#}"),
    };
    assert!(!err.contains("s3cret-pw"), "{err}");
    assert!(err.contains("forecourt:***@"), "{err}");
    assert!(!format!("{config:?}").contains("s3cret-pw"));
}

both_dbs!(
    pages_carry_a_content_security_policy_their_script_satisfies,
    |app| async move {
        app.seed_demo().await;
        let login = app.get("/login").await;
        let csp = login.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(login.headers()["referrer-policy"], "same-origin");
        assert_eq!(login.headers()["cache-control"], "no-store");
        assert!(
            login.headers().get("strict-transport-security").is_none(),
            "not over http"
        );
        let html = login.text().await.unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("the page policy names a nonce")
            .to_owned();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        // Every inline script carries that nonce; no inline event handler anywhere.
        let inline_scripts = html.matches("<script").count() - html.matches("<script src=").count();
        assert!(inline_scripts > 0);
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            html.matches("nonce=\"").count()
        );
        assert!(!html.contains(" onclick=") && !html.contains(" onsubmit="));
        // A fresh nonce for every page.
        let again = app.get("/login").await;
        assert_ne!(
            again.headers()["content-security-policy"].to_str().unwrap(),
            csp
        );

        app.login_as("sh.sales").await;
        for path in ["/", "/inventory", "/inventory/vehicles"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            let csp = res.headers()["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("'nonce-"), "{path}: {csp}");
            assert_eq!(
                res.headers()["cache-control"],
                "no-store",
                "{path}: cost prices are not kept"
            );
        }
        let api = app.get("/api/v1/catalog").await;
        assert_eq!(api.headers()["cache-control"], "no-store");
        assert!(api.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
    }
);

both_dbs!(
    api_keys_reach_the_api_only_and_only_while_their_maker_may,
    |app| async move {
        use app::{auth::api_key, domain::Role};
        app.seed_demo().await;
        let admin_id: i64 = sql("SELECT id FROM users WHERE username = 'admin'")
            .scalar(&app.db)
            .await
            .unwrap();
        let gm_id: i64 = sql("SELECT id FROM users WHERE username = 'gm'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, key) = api_key::create(
            &app.db,
            "made-by-gm",
            Role::GeneralManager,
            None,
            Some(gm_id),
        )
        .await
        .unwrap();
        let c = app.new_client();
        let with_key = |path: &str| c.get(app.url(path)).bearer_auth(&key).send();
        assert_eq!(with_key("/api/v1/me").await.unwrap().status(), 200);
        // Not on pages, server functions, downloads or the event stream.
        for path in ["/", "/inventory/vehicles.xlsx", "/events"] {
            let res = with_key(path).await.unwrap();
            assert_eq!(res.status(), 401, "{path}");
        }
        let res = c
            .post(app.url("/sfn/admin/list_users"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "server functions refuse keys");

        // The key stops when its maker is disabled.
        sql("UPDATE users SET active = FALSE WHERE id = $1")
            .bind(gm_id)
            .execute(&app.db)
            .await
            .unwrap();
        assert_eq!(with_key("/api/v1/me").await.unwrap().status(), 401);

        // An administrator's key acts only if it was made so on purpose.
        let (_, plain_admin) = api_key::create(
            &app.db,
            "admin-by-accident",
            Role::Admin,
            None,
            Some(admin_id),
        )
        .await
        .unwrap();
        let res = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(&plain_admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        app.login_as("admin").await;
        let res = app
            .call(
                "admin/create_api_key",
                &[("name", "root"), ("role", "admin"), ("store_id", "")],
            )
            .await;
        assert_eq!(
            res.status(),
            422,
            "the admin page asks for the box to be ticked"
        );
        let res = app
            .call(
                "admin/create_api_key",
                &[
                    ("name", "root"),
                    ("role", "admin"),
                    ("store_id", ""),
                    ("allow_admin", "on"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let made: serde_json::Value = res.json().await.unwrap();
        let res = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(made["key"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
);

both_dbs!(
    an_event_stream_ends_with_its_session_and_a_person_holds_a_few_at_most,
    |app| async move {
        use futures::StreamExt;
        app.seed_demo().await;
        app.login_as("sh.sales").await;
        let res = app.get("/events").await;
        assert_eq!(res.status(), 200);
        let mut stream = res.bytes_stream();
        // Signing out ends the open stream within a few seconds.
        assert_eq!(app.call("logout", &[]).await.status(), 200);
        let ended = tokio::time::timeout(std::time::Duration::from_secs(15), async {
            while let Some(chunk) = stream.next().await {
                if chunk.is_err() {
                    break;
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "the stream ended after sign-out");

        app.login_as("sh.sales").await;
        let mut open = Vec::new();
        for _ in 0..app::stream::MAX_STREAMS {
            let res = app.get("/events").await;
            assert_eq!(res.status(), 200);
            open.push(res);
        }
        let res = app.get("/events").await;
        assert_eq!(res.status(), 429, "one stream too many");
        drop(open);
        // The server notices closed streams at its next keep-alive (every few seconds).
        let freed = tokio::time::timeout(std::time::Duration::from_secs(15), async {
            loop {
                if app.get("/events").await.status() == 200 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        })
        .await;
        assert!(freed.is_ok(), "closed streams free their places");
    }
);

/// Uploads `bytes` as `name` to the batch import, asking for JSON.
async fn upload(app: &TestApp, bytes: Vec<u8>, name: &'static str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name),
    );
    app.client
        .post(app.url("/inventory/import"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both_dbs!(
    no_uploaded_file_stops_the_server_and_each_is_refused_by_name,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.clerk").await;
        let before = vehicle_count(&app).await;
        for (what, bytes) in app::import::fixtures::hostile() {
            let res = upload(&app, bytes, "batch.xlsx").await;
            assert_eq!(res.status(), 422, "{what}");
            assert_eq!(
                res.headers()["content-type"],
                "application/problem+json",
                "{what}"
            );
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["errors"][0]["field"], "file", "{what}: {body}");
            healthy(&app).await;
        }
        // Over the file limit but within the request limit: read, and refused by name.
        let res = upload(&app, vec![b'a'; 11 << 20], "big.csv").await;
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "file", "{body}");
        // Over the upload limit: refused by its declared length, before a byte is read.
        let answer = app
            .declare_only(
                "/inventory/import",
                "multipart/form-data; boundary=x",
                13 << 20,
            )
            .await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        healthy(&app).await;
        assert_eq!(vehicle_count(&app).await, before, "nothing was written");
    }
);

both_dbs!(
    a_csv_saved_by_chinese_excel_in_gbk_with_its_dates_is_read,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.clerk").await;
        let before = vehicle_count(&app).await;
        let vins = [new_vin(), new_vin(), new_vin()];
        let text = format!(
            "VIN,车型,配置,颜色,仓库,状态,成本价(元),指导价(元),到库日期\r\n\
             {},秦PLUS DM-i,55KM 领先型,雪域白,SH01-S,在库,\"72,000\",,2026/11/20\r\n\
             {},秦PLUS DM-i,55KM 领先型,雪域白,SH01-S,在库,72000,,2026/1/5\r\n\
             {},秦PLUS DM-i,55KM 领先型,时光灰,SH01-Y,在库,72000,79800,2026年11月20日\r\n",
            vins[0], vins[1], vins[2]
        );
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        let res = upload(&app, gbk.into_owned(), "入库.csv").await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(vehicle_count(&app).await, before + 3);
        let mut dates = Vec::new();
        for vin in &vins {
            let d: Option<String> = sql("SELECT arrival_date FROM vehicles WHERE vin = $1")
                .bind(vin)
                .scalar(&app.db)
                .await
                .unwrap();
            dates.push(d.unwrap_or_default());
        }
        assert_eq!(dates, ["2026-11-20", "2026-01-05", "2026-11-20"]);
    }
);

both_dbs!(
    a_customer_file_of_a_few_mib_is_read_as_an_upload_not_refused_as_a_form,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.manager").await;
        let customers: i64 = sql("SELECT COUNT(*) FROM customers")
            .scalar(&app.db)
            .await
            .unwrap();
        // 3 MiB: over the 1 MiB a form may send, well within an upload's 12 MiB.
        let mut text = String::from("姓名,手机号\n");
        while text.len() < 3 << 20 {
            text.push_str("张三,13800138000\n");
        }
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(text.into_bytes()).file_name("客户.csv"),
        );
        let res = app
            .client
            .post(app.url("/crm/import"))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "read, and refused by its rows");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "file", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("5000"),
            "{body}"
        );
        // Over the upload limit, the customer import is refused by size like the others.
        let answer = app
            .declare_only("/crm/import", "multipart/form-data; boundary=x", 13 << 20)
            .await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        healthy(&app).await;
        let after: i64 = sql("SELECT COUNT(*) FROM customers")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(after, customers, "nothing was written");
    }
);
