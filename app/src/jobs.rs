//! Background jobs that run once per period however many server processes serve the
//! same database — releasing expired vehicle holds, the aged-stock sweep, clearing what
//! only grows — and that service reminders will use too.
//!
//! Each job has a row in `jobs` with the time of its next run. A process runs a job only
//! after claiming that run, which moves the time on: on PostgreSQL the row is taken with
//! `FOR UPDATE SKIP LOCKED`, so a second process passes over it instead of waiting; on
//! SQLite (one writer at a time) a conditional update does the same. A run that fails is
//! recorded and the job tries again at its next period.

use crate::{
    db::{sql, Db, DbResult, Dialect},
    server::AppState,
};
use futures::future::BoxFuture;
use std::time::Duration;

/// What a job does with the application at a moment: a short account of what it did, or
/// why it failed.
pub type Work = fn(AppState, i64) -> BoxFuture<'static, Result<String, String>>;

/// A job: its name (its row), how often it runs, and its work.
#[derive(Clone, Copy)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
    pub work: Work,
}

impl Job {
    fn every_ms(&self) -> i64 {
        self.every.as_millis().min(i64::MAX as u128) as i64
    }
}

/// Claims the run of `job` due at `now` for `worker`: `true` when this call won it (and
/// the next run is moved one period on), `false` when it is not due or another process
/// has it.
pub async fn claim(db: &Db, job: &str, every_ms: i64, now: i64, worker: &str) -> DbResult<bool> {
    sql("INSERT INTO jobs (name, every_ms, run_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(job)
        .bind(every_ms)
        .bind(now)
        .execute(db)
        .await?;
    const MOVE_ON: &str =
        "UPDATE jobs SET run_at = $2, every_ms = $3, claimed_by = $4, claimed_at = $5
         WHERE name = $1 AND run_at <= $5";
    match db.dialect() {
        Dialect::Postgres => {
            let mut tx = db.begin().await?;
            let due: Option<i64> = sql(
                "SELECT run_at FROM jobs WHERE name = $1 AND run_at <= $2 FOR UPDATE SKIP LOCKED",
            )
            .bind(job)
            .bind(now)
            .scalar_optional(&mut tx)
            .await?;
            if due.is_none() {
                tx.rollback().await?;
                return Ok(false);
            }
            let moved = sql(MOVE_ON)
                .bind(job)
                .bind(now + every_ms)
                .bind(every_ms)
                .bind(worker)
                .bind(now)
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
            Ok(moved == 1)
        }
        Dialect::Sqlite => Ok(sql(MOVE_ON)
            .bind(job)
            .bind(now + every_ms)
            .bind(every_ms)
            .bind(worker)
            .bind(now)
            .execute(db)
            .await?
            == 1),
    }
}

/// Records how a run ended.
async fn record(db: &Db, job: &str, now: i64, error: &str) -> DbResult<()> {
    sql("UPDATE jobs SET last_run_at = $2, last_error = $3, runs = runs + 1 WHERE name = $1")
        .bind(job)
        .bind(now)
        .bind(error)
        .execute(db)
        .await
        .map(drop)
}

/// Runs every due job this process can claim, one after another; returns the names of
/// those it ran.
pub async fn run_due(state: &AppState, jobs: &[Job], worker: &str) -> Vec<&'static str> {
    let mut ran = Vec::new();
    for job in jobs {
        let now = state.clock.now_ms();
        match claim(&state.db, job.name, job.every_ms(), now, worker).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "job not claimed");
                continue;
            }
        }
        let outcome = (job.work)(state.clone(), now).await;
        let error = match &outcome {
            Ok(done) => {
                tracing::info!(job = job.name, done = %done, "job ran");
                String::new()
            }
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "job failed");
                e.chars().take(500).collect()
            }
        };
        if let Err(e) = record(&state.db, job.name, now, &error).await {
            tracing::warn!(job = job.name, error = %e, "job outcome not recorded");
        }
        ran.push(job.name);
    }
    ran
}

/// Looks for due jobs every `tick` until the server stops.
pub async fn run_forever(state: AppState, jobs: Vec<Job>, tick: Duration) {
    let worker = format!("pid-{}-{:x}", std::process::id(), rand::random::<u32>());
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stopped = state.events.closed();
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            _ = interval.tick() => { run_due(&state, &jobs, &worker).await; }
            _ = &mut stopped => return,
        }
    }
}
