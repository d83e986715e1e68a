//! Limits on public requests (booking a service visit, looking a booking up, a complaint
//! from the public page): each subject — `book:addr:<ip>`, `book:mobile:<n>` — may make
//! `limit` requests in a fixed window. One upsert counts and decides, so parallel requests
//! from several server processes are counted exactly; a subject past its limit is answered
//! 429 with the seconds until its window ends.

use crate::{
    ctx::Ctx,
    db::{sql, Db, DbResult},
    error::AppError,
};

/// How many requests a subject may make per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub limit: i64,
    pub window_ms: i64,
}

impl Rate {
    /// Booking (or changing a booking) from one address: a showroom's Wi-Fi or a phone
    /// carrier's shared address serves many people.
    pub const BOOK_PER_ADDRESS: Rate = Rate {
        limit: 30,
        window_ms: 3_600_000,
    };
    /// Bookings for one mobile: a person books a few visits a day at most.
    pub const BOOK_PER_MOBILE: Rate = Rate {
        limit: 5,
        window_ms: 24 * 3_600_000,
    };
    /// Tries of a booking code and mobile from one address: enough for typos, far too few
    /// to guess a code (2^40 of them).
    pub const LOOKUP_PER_ADDRESS: Rate = Rate {
        limit: 20,
        window_ms: 3_600_000,
    };
    /// Complaints from the public page per address: each try names a booking code or an
    /// order number with a mobile, so few enough that guessing pairs gets nowhere.
    pub const COMPLAIN_PER_ADDRESS: Rate = Rate {
        limit: 10,
        window_ms: 3_600_000,
    };
    /// Rating answers (and tries of rating tokens) per address.
    pub const RATE_PER_ADDRESS: Rate = Rate {
        limit: 30,
        window_ms: 3_600_000,
    };
}

/// Counts a request of `subject` at `now`: `Ok(())` when within its rate, or
/// `Err(retry_after_secs)`.
pub async fn hit(db: &Db, subject: &str, rate: Rate, now: i64) -> DbResult<Result<(), i64>> {
    let (hits, window_start): (i64, i64) = sql(
        "INSERT INTO rate_limits (subject, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (subject) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits, window_start",
    )
    .bind(subject)
    .bind(now)
    .bind(now - rate.window_ms)
    .fetch_one(db)
    .await?;
    if hits <= rate.limit {
        Ok(Ok(()))
    } else {
        let wait_ms = (window_start + rate.window_ms - now).max(1000);
        Ok(Err((wait_ms + 999) / 1000))
    }
}

/// The caller's address as a subject names it (`unknown` when none is known).
pub fn address(ctx: &Ctx) -> &str {
    match ctx.info().ip.as_str() {
        "" => "unknown",
        ip => ip,
    }
}

/// Counts a public request of `subject` for the caller: past its rate, 429 saying
/// `message` (an i18n key) with the seconds to wait.
pub async fn limit(
    ctx: &Ctx,
    subject: &str,
    rate: Rate,
    message: &'static str,
) -> Result<(), AppError> {
    match hit(ctx.db(), subject, rate, ctx.now_ms()).await? {
        Ok(()) => Ok(()),
        Err(retry_after_secs) => Err(AppError::TooManyRequests {
            message: ctx.t(message).into(),
            retry_after_secs,
        }),
    }
}

/// Forgets windows that ended a day ago (run by the periodic clean-up).
pub async fn purge(db: &Db, now: i64) -> DbResult<u64> {
    sql("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(now - 48 * 3_600_000)
        .execute(db)
        .await
}
