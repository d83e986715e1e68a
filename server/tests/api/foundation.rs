//! The foundation: migrations, the storage layer, health, demo data, the shell.

use crate::both_dbs;
use crate::helpers::DbKind;
use app::{
    db::{sql, Db},
    inventory::Vin,
};

both_dbs!(
    migrations_create_every_table_and_reapply_cleanly,
    |app| async move {
        for table in [
            "dealer_groups",
            "stores",
            "warehouses",
            "users",
            "sessions",
            "api_keys",
            "audit_log",
            "brands",
            "models",
            "trims",
            "colors",
            "customers",
            "vehicles",
            "login_failures",
        ] {
            let n: i64 = sql(format!("SELECT COUNT(*) FROM {table}"))
                .scalar(&app.db)
                .await
                .unwrap_or_else(|e| panic!("table {table} missing: {e}"));
            assert_eq!(n, 0, "{table} starts empty");
        }
        // Running the migrations again changes nothing and does not fail.
        app.db.migrate().await.expect("migrations are idempotent");
        let applied: i64 = sql("SELECT COUNT(*) FROM _sqlx_migrations")
            .scalar(&app.db)
            .await
            .unwrap();
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite"))
            .unwrap()
            .count();
        assert_eq!(applied as usize, files);
        let pg_files = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../migrations/postgres"
        ))
        .unwrap()
        .count();
        assert_eq!(files, pg_files, "both dialects have the same migrations");
    }
);

#[derive(sqlx::FromRow, Debug, PartialEq)]
struct AuditRow {
    at: i64,
    actor_user_id: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    store_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
}

both_dbs!(
    a_row_written_through_the_storage_layer_reads_back_identically,
    |app| async move {
        let written = AuditRow {
            at: 1_795_000_000_123,
            actor_user_id: None,
            actor: "user:张伟".into(),
            action: "test.write".into(),
            entity: "车辆".into(),
            entity_id: "LSVAU218XN2183294".into(),
            store_id: Some(i64::MAX),
            before_json: None,
            after_json: Some(r#"{"价格":9980000,"emoji":"🚗","quote":"it's"}"#.into()),
        };
        let mut tx = app.db.begin().await.unwrap();
        let id: i64 = sql("INSERT INTO audit_log (at, actor_user_id, actor, action, entity, entity_id, store_id, before_json, after_json)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(written.at).bind(written.actor_user_id).bind(&written.actor).bind(&written.action)
        .bind(&written.entity).bind(&written.entity_id).bind(written.store_id)
        .bind(written.before_json.clone()).bind(written.after_json.clone())
        .scalar(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        let read: AuditRow = sql("SELECT at, actor_user_id, actor, action, entity, entity_id, store_id, before_json, after_json
                              FROM audit_log WHERE id = $1")
        .bind(id).fetch_one(&app.db).await.unwrap();
        assert_eq!(read, written);

        // A rolled-back transaction leaves nothing behind.
        let mut tx = app.db.begin().await.unwrap();
        sql("DELETE FROM audit_log").execute(&mut tx).await.unwrap();
        tx.rollback().await.unwrap();
        let n: i64 = sql("SELECT COUNT(*) FROM audit_log")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(n, 1);

        // Booleans and a repeated placeholder behave the same on both databases.
        let t: bool = sql("SELECT $1 = $1")
            .bind(7i64)
            .scalar(&app.db)
            .await
            .unwrap();
        assert!(t);
    }
);

both_dbs!(healthz_answers_when_the_database_does, |app| async move {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let expected = if app.kind == DbKind::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(body["database"], expected);

    app.db.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503, "a closed database is reported");
});

both_dbs!(demo_data_loads_once_with_valid_vins, |app| async move {
    app.seed_demo().await;
    let count = |t: &'static str| {
        let db: Db = app.db.clone();
        async move {
            sql(format!("SELECT COUNT(*) FROM {t}"))
                .scalar::<i64>(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("stores").await, 2);
    assert_eq!(count("warehouses").await, 3);
    assert_eq!(count("models").await, 6);
    assert!(count("vehicles").await >= 200);
    assert!(count("customers").await >= 50);
    let roles: Vec<(String,)> = sql("SELECT DISTINCT role FROM users ORDER BY role")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(roles.len(), 6, "a user for every role");

    let vins: Vec<(String,)> = sql("SELECT vin FROM vehicles")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (vin,) in &vins {
        assert!(Vin::parse(vin).is_ok(), "demo VIN {vin} is valid");
    }
    // Every vehicle's trim and colour belong to its model.
    let mismatched: i64 = sql("SELECT COUNT(*) FROM vehicles v JOIN trims t ON t.id = v.trim_id JOIN colors c ON c.id = v.color_id
                               WHERE t.model_id <> v.model_id OR c.model_id <> v.model_id")
        .scalar(&app.db).await.unwrap();
    assert_eq!(mismatched, 0);

    let before = count("vehicles").await;
    let again = server::demo::seed(&app.db).await.unwrap();
    assert!(matches!(again, server::demo::SeedOutcome::AlreadySeeded));
    assert_eq!(
        count("vehicles").await,
        before,
        "a second seed adds nothing"
    );
});

both_dbs!(
    the_home_page_shows_real_counts_for_the_users_store,
    |app| async move {
        app.seed_demo().await;
        let in_stock_sh: i64 = sql("SELECT COUNT(*) FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                                JOIN stores s ON s.id = w.store_id WHERE v.status = 'in_stock' AND s.code = 'SH01'")
        .scalar(&app.db).await.unwrap();
        let in_stock_all: i64 = sql("SELECT COUNT(*) FROM vehicles WHERE status = 'in_stock'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert!(in_stock_sh > 0 && in_stock_sh < in_stock_all);

        // Not signed in: the page sends you to sign in, and the data is refused.
        let res = app.get("/").await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login");
        let res = app.call("home_summary", &[]).await;
        assert_eq!(res.status(), 401);

        app.login_as("sh.sales").await;
        let summary: serde_json::Value = app.call("home_summary", &[]).await.json().await.unwrap();
        assert_eq!(
            summary["vehicles_in_stock"], in_stock_sh,
            "a salesperson sees their store"
        );
        assert_eq!(summary["stores"], 1);

        let html = app.get("/").await.text().await.unwrap();
        assert!(html.contains("在库车辆"), "zh-CN by default");
        assert!(
            html.contains(&format!(">{in_stock_sh}<")),
            "the count is rendered on the server"
        );

        let gm = crate::helpers::TestApp {
            client: app.new_client(),
            ..app
        };
        gm.login_as("gm").await;
        let summary: serde_json::Value = gm.call("home_summary", &[]).await.json().await.unwrap();
        assert_eq!(
            summary["vehicles_in_stock"], in_stock_all,
            "the general manager sees every store"
        );
        assert_eq!(summary["stores"], 2);
    }
);

both_dbs!(
    the_language_switch_sets_a_cookie_and_returns,
    |app| async move {
        app.seed_demo().await;
        app.login_as("sh.sales").await;
        let res = app
            .client
            .get(app.url("/lang/en"))
            .header("referer", format!("{}/?x=1", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/?x=1");
        assert!(res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en;"));
        let html = app.get("/").await.text().await.unwrap();
        assert!(
            html.contains("In stock") && html.contains(r#"<html lang="en""#),
            "English after the switch"
        );
        assert_eq!(app.get("/lang/fr").await.status(), 404);
    }
);

both_dbs!(unknown_pages_render_the_apps_not_found, |app| async move {
    app.seed_demo().await;
    app.login_as("sh.sales").await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("页面不存在"));
});

both_dbs!(
    built_assets_are_served_precompressed_with_long_cache_headers,
    |app| async move {
        let pkg = app._dir.0.join("site/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let js = "console.log('forecourt');\n".repeat(500);
        std::fs::write(pkg.join("forecourt.Jq90qoS6RYKKNE10CtvgbQ.js"), &js).unwrap();
        std::fs::write(app._dir.0.join("site/manifest.webmanifest"), "{}").unwrap();
        server::assets::precompress(&app._dir.0.join("site"));

        let res = app
            .client
            .get(app.url("/pkg/forecourt.Jq90qoS6RYKKNE10CtvgbQ.js"))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], "br");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let len = res.bytes().await.unwrap().len();
        assert!(len < js.len() / 10, "served compressed: {len} bytes");

        let res = app
            .client
            .get(app.url("/pkg/forecourt.Jq90qoS6RYKKNE10CtvgbQ.js"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip");

        let res = app.get("/manifest.webmanifest").await;
        assert_eq!(res.status(), 200, "static files need no sign-in");
        assert_eq!(
            res.headers()["cache-control"],
            "no-cache",
            "unhashed files are revalidated"
        );
        assert!(
            res.headers().contains_key("x-request-id"),
            "every response carries its request id"
        );
    }
);

both_dbs!(
    the_command_line_creates_users_and_refuses_bad_ones,
    |app| async move {
        app.seed_demo().await;
        let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let id = server::cli::create_user(
            &app.db,
            "Li.Na",
            "李娜",
            app::domain::Role::Sales,
            Some(sh),
            "long-enough-1",
        )
        .await
        .unwrap();
        let (username, role): (String, String) =
            sql("SELECT username, role FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!((username.as_str(), role.as_str()), ("li.na", "sales"));
        let taken = server::cli::create_user(
            &app.db,
            "li.na",
            "李娜",
            app::domain::Role::Sales,
            Some(sh),
            "long-enough-1",
        )
        .await;
        assert!(taken.unwrap_err().to_string().contains("is taken"));
        let bad = server::cli::create_user(
            &app.db,
            "li na!",
            "李娜",
            app::domain::Role::Sales,
            Some(sh),
            "long-enough-1",
        )
        .await;
        assert!(bad.unwrap_err().to_string().contains("--username"));
        let res = app
            .call(
                "login",
                &[("username", "li.na"), ("password", "long-enough-1")],
            )
            .await;
        assert_eq!(res.status(), 200, "the new user signs in");
    }
);
