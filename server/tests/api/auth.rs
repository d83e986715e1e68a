//! Sign-in, sessions, throttling, API keys and cross-site protection.

use crate::both_dbs;
use app::{
    auth::{api_key, session},
    db::sql,
    domain::Role,
};
use server::demo::DEMO_PASSWORD;

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("fc_session="))
        .map(str::to_owned)
}

both_dbs!(
    signing_in_sets_a_fresh_http_only_session,
    |app| async move {
        app.seed_demo().await;
        // A token planted before sign-in (session fixation) is not adopted.
        let planted = "planted-token-000000000000000000000000000";
        let res = app
            .client
            .post(app.url("/sfn/login"))
            .header("accept", "application/json")
            .header("cookie", format!("fc_session={planted}"))
            .form(&[("username", "sh.sales"), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let cookie = session_cookie(&res).expect("a session cookie is set");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let token = cookie
            .trim_start_matches("fc_session=")
            .split(';')
            .next()
            .unwrap();
        assert_ne!(token, planted);
        let stored: i64 = sql("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(session::token_hash(token))
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(stored, 1, "the session is in the database");
        let raw: i64 = sql("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(token)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(raw, 0, "only the hash is stored");
        let audited: i64 = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND actor = 'user:sh.sales'")
        .scalar(&app.db).await.unwrap();
        assert_eq!(audited, 1);

        // Signed in, the page renders; after signing out it no longer does.
        assert_eq!(app.get("/").await.status(), 200);
        let res = app.call("logout", &[]).await;
        assert_eq!(res.status(), 200);
        assert!(session_cookie(&res).unwrap().contains("Max-Age=0"));
        let left: i64 = sql("SELECT COUNT(*) FROM sessions")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(app.get("/").await.status(), 303);
    }
);

both_dbs!(wrong_passwords_are_refused_and_audited, |app| async move {
    app.seed_demo().await;
    let res = app
        .call(
            "login",
            &[("username", "sh.sales"), ("password", "nope-nope")],
        )
        .await;
    assert_eq!(res.status(), 401);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["Unauthenticated"], "用户名或密码错误");
    let res = app
        .call(
            "login",
            &[("username", "nobody"), ("password", "nope-nope")],
        )
        .await;
    assert_eq!(res.status(), 401);
    let res = app
        .call("login", &[("username", ""), ("password", "x")])
        .await;
    assert_eq!(res.status(), 422);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["Invalid"]["fields"][0]["field"], "username");
    let failures: Vec<(String,)> =
        sql("SELECT after_json FROM audit_log WHERE action = 'auth.login_failed' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(failures.len(), 2);
    assert!(failures[0].0.contains("bad_password") && failures[1].0.contains("unknown_user"));
    let sessions: i64 = sql("SELECT COUNT(*) FROM sessions")
        .scalar(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "a failed sign-in creates no session");
});

both_dbs!(
    too_many_failures_lock_the_account_even_for_the_right_password,
    |app| async move {
        app.seed_demo().await;
        for _ in 0..5 {
            let res = app
                .call(
                    "login",
                    &[("username", "sh.sales"), ("password", "wrong-password")],
                )
                .await;
            assert_eq!(res.status(), 401);
        }
        let res = app
            .call(
                "login",
                &[("username", "sh.sales"), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(
            res.status(),
            429,
            "the 6th try within the window is refused"
        );
        assert!(session_cookie(&res).is_none());
        let err: serde_json::Value = res.json().await.unwrap();
        let secs = err["TooManyRequests"]["retry_after_secs"].as_i64().unwrap();
        assert!(secs > 0 && secs <= 15 * 60, "{secs}");
        assert!(err["TooManyRequests"]["message"]
            .as_str()
            .unwrap()
            .contains("分钟后重试"));

        // Another account from another address is unaffected.
        app.login_as("sh.manager").await;

        // When the failures leave the window, the right password works again.
        sql("UPDATE login_failures SET at = at - $1")
            .bind(16 * 60 * 1000i64)
            .execute(&app.db)
            .await
            .unwrap();
        let res = app
            .call(
                "login",
                &[("username", "sh.sales"), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
);

both_dbs!(idle_and_expired_sessions_end, |app| async move {
    app.seed_demo().await;
    app.login_as("sh.sales").await;
    assert_eq!(app.get("/").await.status(), 200);
    // Nine hours without a request: past the 8-hour idle limit.
    sql("UPDATE sessions SET last_seen_at = last_seen_at - $1")
        .bind(9 * 3600 * 1000i64)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.get("/").await.status(), 303);
    let left: i64 = sql("SELECT COUNT(*) FROM sessions")
        .scalar(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "the expired session is deleted");

    app.login_as("sh.sales").await;
    sql("UPDATE sessions SET expires_at = $1")
        .bind(app::db::now_ms() - 1)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get("/").await.status(),
        303,
        "the absolute limit holds however active"
    );

    // A disabled user's sessions stop working at once.
    app.login_as("sh.sales").await;
    sql("UPDATE users SET active = FALSE WHERE username = 'sh.sales'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.get("/").await.status(), 303);
});

both_dbs!(api_keys_authenticate_until_revoked, |app| async move {
    app.seed_demo().await;
    let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&app.db)
        .await
        .unwrap();
    let (id, key) = api_key::create(&app.db, "dms-sync", Role::Sales, Some(store), None)
        .await
        .unwrap();
    let stored: String = sql("SELECT key_hash FROM api_keys WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, key, "only the hash is stored");

    let me = |k: String| {
        let c = app.new_client();
        let url = app.url("/api/v1/me");
        async move { c.get(url).bearer_auth(k).send().await.unwrap() }
    };
    let res = me(key.clone()).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["name"], "dms-sync");
    assert_eq!(body["kind"], "api_key");
    assert_eq!(body["role"], "sales");
    assert_eq!(body["store_id"], store);

    let res = me(format!("{key}x")).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["status"], 401);

    assert!(api_key::revoke(&app.db, id).await.unwrap());
    assert_eq!(me(key).await.status(), 401, "a revoked key is refused");
});

both_dbs!(
    cross_site_posts_with_the_cookie_are_refused,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.sales").await;
        let res = app
            .client
            .post(app.url("/sfn/home_summary"))
            .header("accept", "application/json")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = app
            .client
            .post(app.url("/sfn/home_summary"))
            .header("accept", "application/json")
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = app
            .client
            .post(app.url("/sfn/home_summary"))
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
);

both_dbs!(
    a_form_post_without_javascript_signs_in_and_redirects,
    |app| async move {
        app.seed_demo().await;
        let res = app
            .client
            .post(app.url("/sfn/login"))
            .header("accept", "text/html")
            .header("referer", app.url("/login?next=/"))
            .form(&[
                ("username", "sh.sales"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers()["location"], "/");
        assert!(session_cookie(&res).is_some());

        // A failed form post goes back to the form with the error for the page to show.
        let other = app.new_client();
        let res = other
            .post(app.url("/sfn/login"))
            .header("accept", "text/html")
            .header("referer", app.url("/login"))
            .form(&[
                ("username", "sh.sales"),
                ("password", "wrong-password"),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with(&app.url("/login")) || location.starts_with("/login"),
            "{location}"
        );
        let page = other
            .get(if location.starts_with('/') {
                app.url(&location)
            } else {
                location
            })
            .send()
            .await
            .unwrap();
        assert!(
            page.text().await.unwrap().contains("用户名或密码错误"),
            "the error shows without JavaScript"
        );
    }
);

both_dbs!(the_openapi_document_describes_the_api, |app| async move {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/me", "/api/v1/stores", "/api/v1/stores/{id}"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
});
