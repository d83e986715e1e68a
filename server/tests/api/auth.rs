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
    after_five_failures_each_try_waits_a_growing_delay_but_is_never_locked_out,
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
        assert_eq!(res.status(), 429, "the 6th try at once waits");
        assert!(session_cookie(&res).is_none());
        let err: serde_json::Value = res.json().await.unwrap();
        let secs = err["TooManyRequests"]["retry_after_secs"].as_i64().unwrap();
        assert!((1..=2).contains(&secs), "a short wait, not a lock: {secs}");
        assert!(err["TooManyRequests"]["message"]
            .as_str()
            .unwrap()
            .contains("秒后重试"));

        // Another account is unaffected.
        app.login_as("sh.manager").await;

        // Once the wait is over, the right password works (and clears the count).
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let res = app
            .call(
                "login",
                &[("username", "sh.sales"), ("password", DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        let failures: i64 =
            sql("SELECT failures FROM login_throttle WHERE subject = 'account:sh.sales'")
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(failures, 0);

        // Each further failure past the free ones doubles the wait.
        for _ in 0..6 {
            sql("UPDATE login_throttle SET next_at = 0 WHERE subject = 'account:sh.sales'")
                .execute(&app.db)
                .await
                .unwrap();
            app.call(
                "login",
                &[("username", "sh.sales"), ("password", "wrong-password")],
            )
            .await;
        }
        let (failures, next_at, updated_at): (i64, i64, i64) = sql(
            "SELECT failures, next_at, updated_at FROM login_throttle WHERE subject = 'account:sh.sales'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(failures, 6);
        assert_eq!(next_at - updated_at, 2_000, "the 6th failure waits 2 s");
    }
);

both_dbs!(
    one_persons_success_at_a_busy_address_leaves_no_wait_for_the_next,
    |app| async move {
        // A showroom's shared address with 19 failures behind it (one short of a delay):
        // each right password still gets straight in, one after another.
        app.seed_demo().await;
        app.login_as("sh.manager").await;
        sql("UPDATE login_throttle SET failures = 19 WHERE subject LIKE 'address:%'")
            .execute(&app.db)
            .await
            .unwrap();
        for user in ["sh.sales", "sh.manager", "sh.sales"] {
            let res = app
                .call("login", &[("username", user), ("password", DEMO_PASSWORD)])
                .await;
            assert_eq!(res.status(), 200, "{user} waits for nobody");
        }
        let (failures, next_at): (i64, i64) =
            sql("SELECT failures, next_at FROM login_throttle WHERE subject LIKE 'address:%'")
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!((failures, next_at), (19, 0), "the failures stand, no delay");
    }
);

both_dbs!(
    forty_guesses_at_once_get_at_most_five_password_checks,
    |app| async move {
        app.seed_demo().await;
        let tries = (0..40).map(|_| {
            let c = app.new_client();
            let url = app.url("/sfn/login");
            async move {
                c.post(url)
                    .header("accept", "application/json")
                    .form(&[("username", "sh.sales"), ("password", "guess-guess")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        });
        let statuses = futures::future::join_all(tries).await;
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert!(
            checked <= 5,
            "{checked} password checks answered: {statuses:?}"
        );
        assert_eq!(checked + refused, 40, "{statuses:?}");
        let recorded: i64 = sql("SELECT COUNT(*) FROM login_failures WHERE username = 'sh.sales'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(
            recorded as usize, checked,
            "only checked tries are failures"
        );
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
);

both_dbs!(
    an_oversized_sign_in_is_refused_before_anything_is_written,
    |app| async move {
        app.seed_demo().await;
        let before: i64 = sql("SELECT COUNT(*) FROM audit_log")
            .scalar(&app.db)
            .await
            .unwrap();
        // 1.9 MB of username: refused by its declared size, before a byte is read.
        let answer = app
            .declare_only("/sfn/login", "application/x-www-form-urlencoded", 1_900_000)
            .await;
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "refused by its size: {answer}"
        );
        let long = "a".repeat(65);
        let res = app
            .call("login", &[("username", long.as_str()), ("password", "x")])
            .await;
        assert_eq!(res.status(), 422, "a name longer than any account's");
        let after: i64 = sql("SELECT COUNT(*) FROM audit_log")
            .scalar(&app.db)
            .await
            .unwrap();
        let failures: i64 = sql("SELECT COUNT(*) FROM login_failures")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!((after, failures), (before, 0), "nothing stored");
        // A request id that is not a short token is replaced.
        let res = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", "x".repeat(300))
            .send()
            .await
            .unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap();
        assert!(id.len() <= 64 && !id.contains("xxxx"), "{id}");
    }
);

both_dbs!(old_sessions_and_failures_are_cleared, |app| async move {
    app.seed_demo().await;
    app.login_as("sh.sales").await;
    app.call(
        "login",
        &[("username", "sh.manager"), ("password", "wrong-password")],
    )
    .await;
    let now = app::clock::Clock::System.now_ms();
    let day = 24 * 3600 * 1000;
    sql("UPDATE sessions SET expires_at = $1")
        .bind(now - 1)
        .execute(&app.db)
        .await
        .unwrap();
    sql("UPDATE login_failures SET at = at - $1")
        .bind(2 * day)
        .execute(&app.db)
        .await
        .unwrap();
    sql("UPDATE login_throttle SET updated_at = updated_at - $1")
        .bind(2 * day)
        .execute(&app.db)
        .await
        .unwrap();
    let (sessions, failures, throttle, _) = server::startup::purge(&app.db, now).await.unwrap();
    assert!(
        sessions >= 1 && failures >= 1 && throttle >= 1,
        "{sessions} {failures} {throttle}"
    );
    for table in ["sessions", "login_failures", "login_throttle"] {
        let left: i64 = sql(format!("SELECT COUNT(*) FROM {table}"))
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
});

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
