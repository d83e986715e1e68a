//! The test harness: `spawn_app(DbKind)` builds the real application on port 0 with a
//! fresh database, and returns a client that keeps cookies.
//!
//! PostgreSQL tests need `FORECOURT_TEST_PG` (a server URL such as
//! `postgres://postgres@127.0.0.1:5433/postgres`; the README test command starts a
//! throwaway cluster and sets it). Outside CI a missing URL skips them with a note; in CI
//! (`CI` set) or with `FORECOURT_REQUIRE_PG=1` it fails them.

use app::{
    db::{sql, Db, DbUrl},
    server::AppState,
};
use server::{config::Config, startup::Application};
use std::{path::PathBuf, sync::Once};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// The running application's state, for calling services directly.
    pub state: AppState,
    pub client: reqwest::Client,
    pub kind: DbKind,
    /// The database, for another process to open.
    pub database: DbUrl,
    pub _dir: TempDir,
}

/// A directory removed when the test ends.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.0.as_os_str().is_empty() {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static TRACING: Once = Once::new();

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The URL of a fresh, empty database of `kind`, or `None` when PostgreSQL tests are to be
/// skipped here.
async fn fresh_database(kind: DbKind, dir: &std::path::Path) -> Option<DbUrl> {
    match kind {
        DbKind::Sqlite => Some(DbUrl::Sqlite(
            dir.join("test.db").to_string_lossy().into_owned(),
        )),
        DbKind::Postgres => {
            let Ok(base) = std::env::var("FORECOURT_TEST_PG") else {
                let required =
                    std::env::var("CI").is_ok() || std::env::var("FORECOURT_REQUIRE_PG").is_ok();
                assert!(
                    !required,
                    "FORECOURT_TEST_PG is not set, and PostgreSQL tests are required here"
                );
                eprintln!("note: FORECOURT_TEST_PG unset; skipping the PostgreSQL variant");
                return None;
            };
            let name = format!("fc_test_{}", unique());
            on_server(&base, format!("CREATE DATABASE {name}")).await;
            let (prefix, _) = base.rsplit_once('/').expect("URL has a database path");
            Some(DbUrl::Postgres(format!("{prefix}/{name}")))
        }
    }
}

pub async fn spawn_app(kind: DbKind) -> Option<TestApp> {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            server::telemetry::init();
        }
    });
    let dir = TempDir(std::env::temp_dir().join(format!("forecourt-test-{}", unique())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    let database = fresh_database(kind, &dir.0).await?;
    let config = Config {
        database: database.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        site_root: dir.0.join("site"),
        sessions: Default::default(),
        trusted_proxies: Default::default(),
    };
    let app = Application::build(config)
        .await
        .expect("the application builds");
    let port = app.port();
    let state = app.state().clone();
    let db = state.db.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        db,
        state,
        client,
        kind,
        database,
        _dir: dir,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Calls a server function as the app's own JavaScript does (form-encoded, JSON back).
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/sfn/{name}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("POST server function")
    }

    /// Sends only the head of a POST that declares `length` bytes of body, and returns
    /// the head of the answer (which must come without the body being sent). A client
    /// that sent the whole body could see the connection closed under it instead.
    pub async fn declare_only(&self, path: &str, content_type: &str, length: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.address.trim_start_matches("http://").to_owned();
        let mut conn = tokio::net::TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {length}\r\n\r\n"
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut answer))
            .await
            .expect("answered without waiting for the body")
            .unwrap();
        String::from_utf8_lossy(&answer[..n]).into_owned()
    }

    /// A request context for a demo user, to call services directly (no HTTP).
    pub async fn ctx_as(&self, username: &str) -> app::ctx::Ctx {
        let (id, display_name, role, store_id): (i64, String, String, Option<i64>) =
            sql("SELECT id, display_name, role, store_id FROM users WHERE username = $1")
                .bind(username)
                .fetch_one(&self.db)
                .await
                .expect("the user exists");
        let principal = app::auth::Principal {
            user_id: Some(id),
            api_key_id: None,
            name: username.to_owned(),
            display_name,
            role: role.parse().expect("a known role"),
            store_id,
        };
        app::ctx::Ctx::for_principal(self.state.clone(), principal, app::i18n::Lang::En)
    }

    /// A store's id by its code (`SH01`).
    pub async fn store_id(&self, code: &str) -> i64 {
        sql("SELECT id FROM stores WHERE code = $1")
            .bind(code)
            .scalar(&self.db)
            .await
            .expect("the store exists")
    }

    /// Someone without an account (the public pages) calling from address `ip`.
    pub fn anonymous(&self, ip: &str) -> app::ctx::Ctx {
        app::ctx::Ctx::new(
            self.state.clone(),
            None,
            app::i18n::Lang::En,
            app::server::RequestInfo {
                request_id: "test".into(),
                ip: ip.into(),
                ..Default::default()
            },
        )
    }

    pub async fn seed_demo(&self) {
        server::demo::seed(&self.db).await.expect("demo data loads");
    }

    /// Signs in with the demo password; panics if that fails.
    pub async fn login_as(&self, username: &str) {
        let res = self
            .call(
                "login",
                &[
                    ("username", username),
                    ("password", server::demo::DEMO_PASSWORD),
                ],
            )
            .await;
        assert!(
            res.status().is_success(),
            "login as {username}: {}",
            res.status()
        );
    }

    /// The same server and database, for a second person (set `client`). Dropping it
    /// leaves the server's files alone.
    pub fn clone_handle(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            db: self.db.clone(),
            state: self.state.clone(),
            client: self.client.clone(),
            kind: self.kind,
            database: self.database.clone(),
            _dir: TempDir(PathBuf::new()),
        }
    }

    /// A second client with its own cookies, for a second person.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL:
/// `both_dbs!(name, |app| async move { … });`
/// A `forecourt serve` process of this build on `app`'s database, stopped when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServerProcess {
    pub async fn start(app: &TestApp) -> ServerProcess {
        ServerProcess::start_with(app, &[]).await
    }

    /// As [`ServerProcess::start`], with more environment (`FORECOURT_TRUSTED_PROXIES`…).
    pub async fn start_with(app: &TestApp, env: &[(&str, &str)]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let database = match &app.database {
            app::db::DbUrl::Sqlite(path) => path.clone(),
            app::db::DbUrl::Postgres(url) => url.clone(),
        };
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_forecourt"))
            .arg("serve")
            .env("DATABASE_URL", database)
            .env("FORECOURT_ADDR", format!("127.0.0.1:{port}"))
            .env("FORECOURT_SITE_ROOT", app._dir.0.join("site"))
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start a server process");
        let server = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let health = format!("{}/healthz", server.address);
        for _ in 0..300 {
            if let Ok(r) = app.client.get(&health).send().await {
                if r.status() == 200 {
                    return server;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server process at {} never answered", server.address);
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long one test may run before it is failed rather than left to hang the suite.
const TEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs `body` on a fresh application of `kind`: failed (with the pool's state) if it
/// runs past [`TEST_LIMIT`]; a PostgreSQL test's database is dropped once it has passed,
/// so a run of the suite leaves no databases behind.
pub async fn run_test<F, Fut>(kind: DbKind, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(app) = spawn_app(kind).await else {
        return;
    };
    let db = app.db.clone();
    let database = app.database.clone();
    if tokio::time::timeout(TEST_LIMIT, body(app)).await.is_err() {
        panic!(
            "the test ran past {} s; the pool then: {}",
            TEST_LIMIT.as_secs(),
            db.pool_state()
        );
    }
    if let DbUrl::Postgres(url) = database {
        drop_database(&url).await;
    }
}

/// Drops a test database, ending the connections the application still holds.
async fn drop_database(url: &str) {
    let Ok(base) = std::env::var("FORECOURT_TEST_PG") else {
        return;
    };
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    on_server(
        &base,
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
}

/// Runs one statement on the test PostgreSQL server `base` (creating or dropping a test
/// database), on a connection of its own.
async fn on_server(base: &str, statement: String) {
    let admin = Db::connect(&DbUrl::parse(base).expect("FORECOURT_TEST_PG is a URL"))
        .await
        .expect("connect to the test PostgreSQL server");
    sql(statement.clone())
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    admin.close().await;
}

#[macro_export]
macro_rules! both_dbs {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::helpers::TestApp) {
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run_test($crate::helpers::DbKind::Sqlite, run).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run_test($crate::helpers::DbKind::Postgres, run).await;
            }
        }
    };
}
