//! Sign-in throttling that holds under parallel tries and cannot be turned into a lock.
//!
//! Each account name and each client address has a row. A try is *reserved* in that row
//! — atomically, before any password is checked — and counts as a failure until it
//! succeeds. The first few failures cost nothing; after that each new try must wait a
//! delay that doubles (1 s, 2 s, 4 s … at most 5 minutes), and a try that comes too early
//! is refused without a password check. So parallel guesses cannot all be checked, a
//! flood gains nothing, and the right password works again after a short wait instead of
//! a long lock. Failures are forgotten after a quiet window.

use crate::db::{sql, Db, DbResult};

/// How one kind of subject (account or address) is throttled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Failures allowed before the first delay.
    pub free: i64,
    pub first_delay_ms: i64,
    pub max_delay_ms: i64,
    /// Failures older than this are forgotten.
    pub window_ms: i64,
}

impl Limits {
    pub const ACCOUNT: Limits = Limits {
        free: 5,
        first_delay_ms: 1_000,
        max_delay_ms: 5 * 60_000,
        window_ms: 15 * 60_000,
    };
    pub const ADDRESS: Limits = Limits {
        free: 20,
        first_delay_ms: 1_000,
        max_delay_ms: 5 * 60_000,
        window_ms: 15 * 60_000,
    };

    /// The wait before the next try, once `failures` tries have failed: none for the
    /// first `free - 1`, then the first delay, doubling each time up to the maximum.
    pub fn delay_after(self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(30) as u32;
        self.first_delay_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_ms)
    }
}

/// Reserves a try for `subject` (`account:<name>`, `address:<ip>`) at `now`: `Ok(())` if
/// it may go ahead (it counts as a failure until [`succeeded`]), or `Err(wait_ms)`.
pub async fn reserve(
    db: &Db,
    subject: &str,
    limits: Limits,
    now: i64,
) -> DbResult<Result<(), i64>> {
    let mut tx = db.begin().await?;
    sql(
        "INSERT INTO login_throttle (subject, failures, next_at, updated_at) VALUES ($1, 0, 0, $2)
         ON CONFLICT (subject) DO NOTHING",
    )
    .bind(subject)
    .bind(now)
    .execute(&mut tx)
    .await?;
    // One statement decides and counts: a concurrent try waits for this row, then finds
    // the delay this one set.
    let counted: Option<i64> = sql("UPDATE login_throttle
         SET failures = CASE WHEN updated_at < $2 THEN 0 ELSE failures END + 1, updated_at = $3
         WHERE subject = $1 AND next_at <= $3
         RETURNING failures")
    .bind(subject)
    .bind(now - limits.window_ms)
    .bind(now)
    .scalar_optional(&mut tx)
    .await?;
    let Some(failures) = counted else {
        let next_at: i64 = sql("SELECT next_at FROM login_throttle WHERE subject = $1")
            .bind(subject)
            .scalar(&mut tx)
            .await?;
        tx.rollback().await?;
        return Ok(Err((next_at - now).max(1)));
    };
    sql("UPDATE login_throttle SET next_at = $2 WHERE subject = $1")
        .bind(subject)
        .bind(now + limits.delay_after(failures))
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The try of `subject` succeeded: its failures are forgotten.
pub async fn succeeded(db: &Db, subject: &str) -> DbResult<()> {
    sql("UPDATE login_throttle SET failures = 0, next_at = 0 WHERE subject = $1")
        .bind(subject)
        .execute(db)
        .await
        .map(drop)
}

/// A try of `subject` succeeded, or was never checked: only this try's reservation is
/// given back (others from the same address — a showroom — may have failed). When what
/// remains is within the free tries, the delay this reservation may have set goes too, so
/// one person's success never makes the next person wait.
pub async fn refund(db: &Db, subject: &str, limits: Limits) -> DbResult<()> {
    sql("UPDATE login_throttle
         SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
             next_at = CASE WHEN failures - 1 < $2 THEN 0 ELSE next_at END
         WHERE subject = $1")
    .bind(subject)
    .bind(limits.free)
    .execute(db)
    .await
    .map(drop)
}

/// Forgets rows idle for a day (run by the periodic clean-up).
pub async fn purge(db: &Db, now: i64) -> DbResult<u64> {
    sql("DELETE FROM login_throttle WHERE updated_at < $1")
        .bind(now - 24 * 3600 * 1000)
        .execute(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_after_the_free_tries_and_doubles_to_a_cap() {
        let l = Limits::ACCOUNT;
        assert_eq!((1..5).map(|f| l.delay_after(f)).sum::<i64>(), 0);
        assert_eq!(l.delay_after(5), 1_000);
        assert_eq!(l.delay_after(6), 2_000);
        assert_eq!(l.delay_after(7), 4_000);
        assert_eq!(l.delay_after(50), 5 * 60_000);
        assert_eq!(l.delay_after(i64::MAX), 5 * 60_000, "no overflow");
        assert_eq!(Limits::ADDRESS.delay_after(19), 0);
        assert_eq!(Limits::ADDRESS.delay_after(20), 1_000);
    }
}
