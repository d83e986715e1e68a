//! Storage: one handle over SQLite or PostgreSQL. Every SQL statement is written once
//! (`$1` placeholders, portable types: BIGINT, TEXT, BOOLEAN) and run on either pool.
//! Times are stored as UTC milliseconds since the epoch, money as integer fen.

use sqlx::{
    pool::PoolConnection,
    postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow},
    sqlite::{
        SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
        SqliteSynchronous,
    },
    Arguments, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction,
};
use std::{borrow::Cow, panic::Location, str::FromStr, sync::Arc, time::Duration};

/// How long a SQLite writer waits for its turn before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
use tracing::Instrument;

/// The database the application runs on.
#[derive(Clone, Debug)]
pub enum Db {
    /// The pool and the process's write queue ([`Db::begin`]).
    Sqlite(SqlitePool, Arc<tokio::sync::Mutex<()>>),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value bound to a `$n` placeholder.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    F64(Option<f64>),
}

macro_rules! val_from {
    ($t:ty, $variant:ident, $conv:expr) => {
        impl From<$t> for Val {
            fn from(v: $t) -> Self {
                Val::$variant(Some($conv(v)))
            }
        }
        impl From<Option<$t>> for Val {
            fn from(v: Option<$t>) -> Self {
                Val::$variant(v.map($conv))
            }
        }
    };
}
val_from!(i64, I64, |v| v);
val_from!(i32, I64, i64::from);
val_from!(String, Text, |v| v);
val_from!(&str, Text, str::to_owned);
val_from!(&String, Text, String::clone);
val_from!(bool, Bool, |v| v);
val_from!(f64, F64, |v| v);

/// A row type readable from both databases.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column value readable from both databases.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

/// A write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`) so
/// that two writers never deadlock upgrading a read lock, and holds the process's place
/// in the write queue until it ends (declared after the transaction: dropped after it).
pub enum Tx {
    Sqlite(
        Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// A pooled connection held for several statements without a transaction.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// Where a statement runs: the pool, a transaction or a held connection.
pub enum Exec<'a> {
    SqlitePool(&'a SqlitePool),
    PgPool(&'a PgPool),
    SqliteConn(&'a mut sqlx::SqliteConnection),
    PgConn(&'a mut sqlx::PgConnection),
}

impl Exec<'_> {
    /// The same place again, for one more statement (a function that runs several on
    /// whatever it was given).
    pub fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::SqlitePool(p) => Exec::SqlitePool(p),
            Exec::PgPool(p) => Exec::PgPool(p),
            Exec::SqliteConn(c) => Exec::SqliteConn(c),
            Exec::PgConn(c) => Exec::PgConn(c),
        }
    }
}

impl<'a> From<&'a Db> for Exec<'a> {
    fn from(db: &'a Db) -> Self {
        match db {
            Db::Sqlite(p, _) => Exec::SqlitePool(p),
            Db::Postgres(p) => Exec::PgPool(p),
        }
    }
}

impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        match tx {
            Tx::Sqlite(t, _) => Exec::SqliteConn(t),
            Tx::Postgres(t) => Exec::PgConn(t),
        }
    }
}

impl<'a> From<&'a mut Conn> for Exec<'a> {
    fn from(c: &'a mut Conn) -> Self {
        match c {
            Conn::Sqlite(c) => Exec::SqliteConn(c),
            Conn::Postgres(c) => Exec::PgConn(c),
        }
    }
}

/// One SQL statement with its bound values, and where in the code it is written (its
/// name in logs, traces and database errors).
#[derive(Clone, Debug)]
#[must_use = "a statement does nothing until it is run"]
pub struct Sql {
    text: Cow<'static, str>,
    args: Vec<Val>,
    at: &'static Location<'static>,
}

/// Starts a statement: `sql("SELECT … WHERE id = $1").bind(id).fetch_one(&db)`.
#[track_caller]
pub fn sql(text: impl Into<Cow<'static, str>>) -> Sql {
    Sql {
        text: text.into(),
        args: Vec::new(),
        at: Location::caller(),
    }
}

/// A database error, naming the statement that failed (`app/src/…/vehicles.rs:212`).
#[derive(Debug)]
pub struct DbError {
    pub statement: Option<&'static Location<'static>>,
    pub source: sqlx::Error,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.statement {
            Some(at) => write!(
                f,
                "statement at {}:{}: {}",
                at.file(),
                at.line(),
                self.source
            ),
            None => write!(f, "{}", self.source),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Errors outside a statement (connecting, beginning or committing a transaction).
impl From<sqlx::Error> for DbError {
    fn from(source: sqlx::Error) -> Self {
        DbError {
            statement: None,
            source,
        }
    }
}

impl DbError {
    /// Is this a unique-constraint violation (on either database)?
    pub fn is_unique_violation(&self) -> bool {
        is_unique_violation(&self.source)
    }
}

pub type DbResult<T> = Result<T, DbError>;

fn sqlite_args(vals: Vec<Val>) -> Result<SqliteArguments<'static>, sqlx::Error> {
    let mut a = SqliteArguments::default();
    for v in vals {
        match v {
            Val::I64(x) => a.add(x),
            Val::Text(x) => a.add(x),
            Val::Bool(x) => a.add(x),
            Val::F64(x) => a.add(x),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

fn pg_args(vals: Vec<Val>) -> Result<PgArguments, sqlx::Error> {
    let mut a = PgArguments::default();
    for v in vals {
        match v {
            Val::I64(x) => a.add(x),
            Val::Text(x) => a.add(x),
            Val::Bool(x) => a.add(x),
            Val::F64(x) => a.add(x),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(a)
}

/// Runs `sqlx::$f::<_, $t, _>(…).$call(…)` against whichever database `$exec` is.
macro_rules! dispatch {
    ($self:ident, $exec:ident, $f:ident, $t:ty, $call:ident) => {{
        let Sql { text, args, at } = $self;
        let span = tracing::debug_span!("sql", at = %format_args!("{}:{}", at.file(), at.line()));
        async move { match $exec.into() {
            Exec::SqlitePool(p) => {
                sqlx::$f::<_, $t, _>(&*text, sqlite_args(args)?)
                    .$call(p)
                    .await
            }
            Exec::SqliteConn(c) => {
                sqlx::$f::<_, $t, _>(&*text, sqlite_args(args)?)
                    .$call(&mut *c)
                    .await
            }
            Exec::PgPool(p) => sqlx::$f::<_, $t, _>(&*text, pg_args(args)?).$call(p).await,
            Exec::PgConn(c) => {
                sqlx::$f::<_, $t, _>(&*text, pg_args(args)?)
                    .$call(&mut *c)
                    .await
            }
        } }
        .instrument(span)
        .await
        .map_err(|source| DbError { statement: Some(at), source })
    }};
}

impl Sql {
    pub fn bind(mut self, v: impl Into<Val>) -> Self {
        self.args.push(v.into());
        self
    }

    /// The same bound values under another text (a statement extended with ORDER BY…).
    pub fn retext(self, text: impl Into<Cow<'static, str>>) -> Self {
        Sql {
            text: text.into(),
            ..self
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Runs the statement; returns the number of rows it changed.
    pub async fn execute<'a>(self, exec: impl Into<Exec<'a>>) -> DbResult<u64> {
        let at = self.at;
        let span = tracing::debug_span!("sql", at = %format_args!("{}:{}", at.file(), at.line()));
        self.execute_inner(exec)
            .instrument(span)
            .await
            .map_err(|source| DbError {
                statement: Some(at),
                source,
            })
    }

    async fn execute_inner<'a>(self, exec: impl Into<Exec<'a>>) -> Result<u64, sqlx::Error> {
        let n = match exec.into() {
            Exec::SqlitePool(p) => sqlx::query_with(&self.text, sqlite_args(self.args)?)
                .execute(p)
                .await?
                .rows_affected(),
            Exec::SqliteConn(c) => sqlx::query_with(&self.text, sqlite_args(self.args)?)
                .execute(&mut *c)
                .await?
                .rows_affected(),
            Exec::PgPool(p) => sqlx::query_with(&self.text, pg_args(self.args)?)
                .execute(p)
                .await?
                .rows_affected(),
            Exec::PgConn(c) => sqlx::query_with(&self.text, pg_args(self.args)?)
                .execute(&mut *c)
                .await?
                .rows_affected(),
        };
        Ok(n)
    }

    pub async fn fetch_all<'a, T: Record>(self, exec: impl Into<Exec<'a>>) -> DbResult<Vec<T>> {
        dispatch!(self, exec, query_as_with, T, fetch_all)
    }

    pub async fn fetch_optional<'a, T: Record>(
        self,
        exec: impl Into<Exec<'a>>,
    ) -> DbResult<Option<T>> {
        dispatch!(self, exec, query_as_with, T, fetch_optional)
    }

    pub async fn fetch_one<'a, T: Record>(self, exec: impl Into<Exec<'a>>) -> DbResult<T> {
        dispatch!(self, exec, query_as_with, T, fetch_one)
    }

    /// The first column of the one row the statement returns.
    pub async fn scalar<'a, T: Scalar>(self, exec: impl Into<Exec<'a>>) -> DbResult<T> {
        dispatch!(self, exec, query_scalar_with, T, fetch_one)
    }

    /// The first column of the first row, if there is one.
    pub async fn scalar_optional<'a, T: Scalar>(
        self,
        exec: impl Into<Exec<'a>>,
    ) -> DbResult<Option<T>> {
        dispatch!(self, exec, query_scalar_with, T, fetch_optional)
    }
}

/// The most values one statement binds: below SQLite's limit (32,766) and PostgreSQL's
/// (65,535), so a multi-row statement built with [`value_rows`] runs on both.
pub const MAX_BINDS: usize = 30_000;

/// How many rows of `cols` values each one multi-row statement carries: as many as
/// [`MAX_BINDS`] allows, at most 2,000 (longer statements gain nothing and cost parsing).
pub fn rows_per_statement(cols: usize) -> usize {
    (MAX_BINDS / cols.max(1)).clamp(1, 2_000)
}

/// The `VALUES` list of a multi-row `INSERT` of `rows` tuples of `cols` values each; bind
/// the rows' values in order, and no other value in the statement. PostgreSQL numbers
/// them (`($1, $2), ($3, $4)`). SQLite takes plain `?` (`(?, ?), (?, ?)`): it keeps `$N`
/// as a name, and looks each name up along a list as it reads the statement and again as
/// each value is bound — with tens of thousands of values, seconds of work.
pub fn value_rows(dialect: Dialect, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 7);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            n += 1;
            match dialect {
                Dialect::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                Dialect::Sqlite => out.push('?'),
            }
        }
        out.push(')');
    }
    out
}

/// A `WHERE` clause made of only the conditions that apply, so each database can use
/// its indexes (an `$1 IS NULL OR …` condition would hide them from SQLite's planner).
#[derive(Default)]
pub struct Where {
    conds: Vec<String>,
    args: Vec<Val>,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition with one value, written `?` in `cond`.
    pub fn and(&mut self, cond: &str, v: impl Into<Val>) -> &mut Self {
        self.args.push(v.into());
        let n = self.args.len();
        self.conds.push(cond.replace('?', &format!("${n}")));
        self
    }

    /// Adds a condition with two values, written `?` and `?` in `cond` in their order
    /// (a range: `name >= ? AND name < ?`).
    pub fn and_range(&mut self, cond: &str, from: impl Into<Val>, to: impl Into<Val>) -> &mut Self {
        self.args.push(from.into());
        let first = self.args.len();
        self.args.push(to.into());
        let cond = cond.replacen('?', &format!("${first}"), 1).replacen(
            '?',
            &format!("${}", first + 1),
            1,
        );
        self.conds.push(cond);
        self
    }

    /// Adds `column IN (…)` for a list of values; for an empty list, a condition nothing
    /// meets.
    pub fn and_in(&mut self, column: &str, values: Vec<Val>) -> &mut Self {
        if values.is_empty() {
            self.conds.push("1 = 0".into());
            return self;
        }
        let mut marks = Vec::with_capacity(values.len());
        for v in values {
            self.args.push(v);
            marks.push(format!("${}", self.args.len()));
        }
        self.conds
            .push(format!("{column} IN ({})", marks.join(", ")));
        self
    }

    /// Adds one condition that holds when any of `parts` does, each written with one `?`
    /// for its own value: `(a LIKE $1 OR b = $2)`. Nothing is added for no parts.
    pub fn and_any(&mut self, parts: Vec<(&str, Val)>) -> &mut Self {
        if parts.is_empty() {
            return self;
        }
        let mut ors = Vec::with_capacity(parts.len());
        for (cond, v) in parts {
            self.args.push(v);
            let n = self.args.len();
            ors.push(cond.replace('?', &format!("${n}")));
        }
        self.conds.push(format!("({})", ors.join(" OR ")));
        self
    }

    /// Adds a condition without a value.
    pub fn and_sql(&mut self, cond: &str) -> &mut Self {
        self.conds.push(cond.to_owned());
        self
    }

    /// `head WHERE … tail`, with the values bound.
    #[track_caller]
    pub fn build(&self, head: &str, tail: &str) -> Sql {
        let clause = if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        };
        Sql {
            text: format!("{head}{clause} {tail}").into(),
            args: self.args.clone(),
            at: Location::caller(),
        }
    }
}

/// Where the database lives, parsed from `DATABASE_URL`. Shown (`Debug`, `Display`) with
/// the password replaced by `***`, so no log line or error message carries it.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(String),
    Postgres(String),
}

/// A URL with the password of its user part replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map(|(u, _)| u).unwrap_or(user);
            if authority.contains(':') && authority[..authority.len() - host.len()].contains(':') {
                format!("{scheme}://{user}:***@{host}{tail}")
            } else {
                format!("{scheme}://{user}@{host}{tail}")
            }
        }
        None => url.to_owned(),
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(path) => write!(f, "sqlite:{path}"),
            DbUrl::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(path) => write!(f, "Sqlite({path:?})"),
            DbUrl::Postgres(url) => write!(f, "Postgres({:?})", redact_url(url)),
        }
    }
}

impl DbUrl {
    /// `postgres://…` / `postgresql://…` selects PostgreSQL; `sqlite://path`, `sqlite:path`
    /// or a bare file path selects SQLite.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url).map_err(|e| {
                format!(
                    "DATABASE_URL is not a valid PostgreSQL URL ({}): {}",
                    redact_url(url),
                    redact_url(&e.to_string())
                )
            })?;
            return Ok(DbUrl::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err("DATABASE_URL names no SQLite file".into());
        }
        if url.contains("://") && !url.starts_with("sqlite://") {
            return Err(format!(
                "DATABASE_URL must be a SQLite file path or start with postgres://, got {:?}",
                redact_url(url)
            ));
        }
        Ok(DbUrl::Sqlite(path.to_owned()))
    }
}

impl Db {
    pub async fn connect(url: &DbUrl) -> Result<Db, sqlx::Error> {
        match url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)?;
                    }
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(BUSY_TIMEOUT);
                // An in-process connection cannot go away underneath the pool: the ping
                // before each acquire would only cost a round trip to its thread.
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .test_before_acquire(false)
                    .connect_with(opts)
                    .await?;
                Ok(Db::Sqlite(pool, Arc::default()))
            }
            DbUrl::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Keeps the query planner's statistics current. SQLite has no background analysis:
    /// `PRAGMA optimize` (bounded by `analysis_limit`) re-analyses the tables whose
    /// statistics are stale, so searches keep choosing the right index as tables grow.
    /// PostgreSQL's autovacuum does this by itself.
    pub async fn optimize(&self) -> DbResult<()> {
        if let Db::Sqlite(..) = self {
            sql("PRAGMA analysis_limit = 1000").execute(self).await?;
            sql("PRAGMA optimize = 0x10002").execute(self).await?;
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(..) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Applies the migrations of this database's dialect (kept in step in
    /// `migrations/sqlite` and `migrations/postgres`).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite(p, _) => sqlx::migrate!("../migrations/sqlite").run(p).await,
            Db::Postgres(p) => sqlx::migrate!("../migrations/postgres").run(p).await,
        }
    }

    /// Opens a write transaction. On SQLite, the process's writers first queue in turn
    /// (an in-process lock, as long as the database's busy timeout at most): SQLite takes
    /// one writer at a time, and writers left to its busy handler sleep and retry, so
    /// eight tablets saving at once would spend their time asleep.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Db::Sqlite(p, queue) => {
                let turn = tokio::time::timeout(BUSY_TIMEOUT, queue.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, turn))
            }
            Db::Postgres(p) => Ok(Tx::Postgres(p.begin().await?)),
        }
    }

    pub async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        match self {
            Db::Sqlite(p, _) => Ok(Conn::Sqlite(p.acquire().await?)),
            Db::Postgres(p) => Ok(Conn::Postgres(p.acquire().await?)),
        }
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> DbResult<()> {
        sql("SELECT CAST(1 AS BIGINT)")
            .scalar::<i64>(self)
            .await
            .map(|_| ())
    }

    /// The pool's connections, open and idle: for a report when something waits too long.
    pub fn pool_state(&self) -> String {
        let (size, idle) = match self {
            Db::Sqlite(p, _) => (p.size(), p.num_idle()),
            Db::Postgres(p) => (p.size(), p.num_idle()),
        };
        format!("{size} connections open, {idle} idle")
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(..) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _turn) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _turn) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Is this error a unique-constraint violation (on either database)?
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The current time as stored: UTC milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The lines the two dialects' migrations may write differently, SQLite's first. Every
/// other line must be the same in both trees.
pub const DIALECT_LINES: &[(&str, &str)] = &[
    (
        "INTEGER PRIMARY KEY AUTOINCREMENT",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (
        "Kept in step with ../postgres/",
        "Kept in step with ../sqlite/",
    ),
];

/// The lines that open and close a part of a migration each dialect writes its own way
/// (triggers, functions): [`dialect_drift`] compares what is around it.
pub const DIALECT_BEGIN: &str = "-- dialect-specific: begin";
pub const DIALECT_END: &str = "-- dialect-specific: end";

/// Where a SQLite migration and its PostgreSQL twin differ beyond [`DIALECT_LINES`] and
/// their dialect-specific parts: `(line number, SQLite line, PostgreSQL line)` for each
/// such line (numbered with each dialect-specific part counted as one line).
pub fn dialect_drift(sqlite: &str, postgres: &str) -> Vec<(usize, String, String)> {
    let norm = |text: &str| -> Vec<String> {
        let mut inside = false;
        text.lines()
            .filter(|l| {
                let l = l.trim_end();
                if l == DIALECT_BEGIN {
                    inside = true;
                    return true;
                }
                if l == DIALECT_END {
                    inside = false;
                    return false;
                }
                !inside
            })
            .map(|l| {
                let mut l = l.trim_end().to_owned();
                for (lite, pg) in DIALECT_LINES {
                    l = l.replace(pg, lite);
                }
                l
            })
            .collect()
    };
    let (a, b) = (norm(sqlite), norm(postgres));
    (0..a.len().max(b.len()))
        .filter_map(|i| {
            let (x, y) = (a.get(i).cloned(), b.get(i).cloned());
            (x != y).then(|| (i + 1, x.unwrap_or_default(), y.unwrap_or_default()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_migration_trees_differ_only_in_dialect_lines() {
        let dir = |d: &str| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../migrations")
                .join(d)
        };
        let names = |d: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir(d))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            names("sqlite"),
            names("postgres"),
            "the same migration files"
        );
        for name in names("sqlite") {
            let lite = std::fs::read_to_string(dir("sqlite").join(&name)).unwrap();
            let pg = std::fs::read_to_string(dir("postgres").join(&name)).unwrap();
            let drift = dialect_drift(&lite, &pg);
            assert!(
                drift.is_empty(),
                "{name} differs between the dialects: {drift:#?}"
            );
        }
    }

    #[test]
    fn only_the_dialect_specific_parts_may_differ_freely() {
        let lite = "CREATE TABLE t (a TEXT);\n-- dialect-specific: begin\nCREATE TRIGGER x BEGIN END;\n-- dialect-specific: end\nCREATE INDEX i ON t (a);";
        let pg = "CREATE TABLE t (a TEXT);\n-- dialect-specific: begin\nCREATE FUNCTION f() RETURNS trigger;\nCREATE TRIGGER x;\n-- dialect-specific: end\nCREATE INDEX i ON t (a);";
        assert!(dialect_drift(lite, pg).is_empty());
        let pg_other_index = pg.replace("ON t (a)", "ON t (b)");
        assert_eq!(dialect_drift(lite, &pg_other_index).len(), 1);
        let unclosed =
            "CREATE TABLE t (a TEXT);\n-- dialect-specific: begin\nCREATE TRIGGER x BEGIN END;";
        assert!(dialect_drift(unclosed, "CREATE TABLE t (a TEXT);").len() == 1);
    }

    #[test]
    fn a_column_or_index_in_one_tree_only_is_drift() {
        let lite = "CREATE TABLE t (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    a TEXT\n);";
        let pg = "CREATE TABLE t (\n    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    a TEXT\n);";
        assert!(dialect_drift(lite, pg).is_empty());
        let pg_more = pg.replace("a TEXT", "a TEXT,\n    b TEXT");
        assert!(
            !dialect_drift(lite, &pg_more).is_empty(),
            "a column only PostgreSQL has"
        );
        let lite_index = format!("{lite}\nCREATE INDEX t_a ON t (a);");
        assert_eq!(
            dialect_drift(&lite_index, pg).len(),
            1,
            "an index only SQLite has"
        );
    }

    #[test]
    fn multi_row_values_are_numbered_in_order_and_stay_under_both_limits() {
        let pg = Dialect::Postgres;
        assert_eq!(value_rows(pg, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(pg, 1, 1), "($1)");
        assert_eq!(value_rows(pg, 0, 4), "");
        assert_eq!(value_rows(Dialect::Sqlite, 2, 2), "(?, ?), (?, ?)");
        for cols in [1, 5, 11, 25, 40] {
            let rows = rows_per_statement(cols);
            assert!(rows * cols <= 32_766 && rows >= 1, "{cols}: {rows}");
        }
    }

    #[test]
    fn a_where_clause_numbers_each_value_once() {
        let mut w = Where::new();
        w.and("a = ?", 1i64)
            .and_any(vec![("b LIKE ?", "x%".into()), ("c = ?", 3i64.into())])
            .and_any(Vec::new())
            .and("(d = ? OR e = ?)", 4i64);
        let q = w.build("SELECT 1 FROM t", "LIMIT 1");
        assert_eq!(
            q.text(),
            "SELECT 1 FROM t WHERE a = $1 AND (b LIKE $2 OR c = $3) AND (d = $4 OR e = $4) LIMIT 1"
        );
        assert_eq!(q.args.len(), 4);
    }

    #[test]
    fn database_urls_select_the_dialect() {
        assert_eq!(
            DbUrl::parse("postgres://u:p@localhost:5432/db").unwrap(),
            DbUrl::Postgres("postgres://u:p@localhost:5432/db".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db").unwrap(),
            DbUrl::Sqlite("data/x.db".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite:x.db?mode=rwc").unwrap(),
            DbUrl::Sqlite("x.db".into())
        );
        assert_eq!(
            DbUrl::parse("data/forecourt.db").unwrap(),
            DbUrl::Sqlite("data/forecourt.db".into())
        );
        assert!(DbUrl::parse("").is_err());
        assert!(DbUrl::parse("mysql://localhost/db").is_err());
        assert!(DbUrl::parse("postgres://[bad").is_err());
    }

    #[test]
    fn a_database_password_never_shows() {
        let url = DbUrl::parse("postgres://forecourt:s3cret@db.local:5432/fc").unwrap();
        for shown in [format!("{url}"), format!("{url:?}")] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("forecourt:***@db.local:5432/fc"), "{shown}");
        }
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(
            redact_url("postgres://u:p:q@h/db?x=1"),
            "postgres://u:***@h/db?x=1"
        );
        let bad = DbUrl::parse("mysql://root:hunter2@h/db").unwrap_err();
        assert!(!bad.contains("hunter2"), "{bad}");
    }
}
