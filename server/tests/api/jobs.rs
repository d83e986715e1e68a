//! Background jobs run once per period however many processes reach for them.

use crate::both_dbs;
use app::{db::sql, jobs};

both_dbs!(
    twenty_processes_reaching_for_one_run_make_one_run,
    |app| async move {
        let now = 1_800_000_000_000;
        let every = 60_000;
        let tries = (0..20).map(|i| {
            let db = app.db.clone();
            async move {
                jobs::claim(&db, "test.job", every, now, &format!("worker-{i}"))
                    .await
                    .unwrap()
            }
        });
        let won = futures::future::join_all(tries)
            .await
            .into_iter()
            .filter(|w| *w)
            .count();
        assert_eq!(won, 1, "one process runs it");
        // Not again within the period; once it is over, exactly once more.
        assert!(
            !jobs::claim(&app.db, "test.job", every, now + every - 1, "late")
                .await
                .unwrap()
        );
        let next = (0..5).map(|i| {
            let db = app.db.clone();
            async move {
                jobs::claim(&db, "test.job", every, now + every, &format!("next-{i}"))
                    .await
                    .unwrap()
            }
        });
        let won: usize = futures::future::join_all(next)
            .await
            .into_iter()
            .filter(|w| *w)
            .count();
        assert_eq!(won, 1);
        let run_at: i64 = sql("SELECT run_at FROM jobs WHERE name = 'test.job'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(run_at, now + 2 * every);
    }
);

both_dbs!(
    the_server_runs_its_jobs_at_start_then_each_once_a_period,
    |app| async move {
        // The running server claims and runs every job as it starts.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let done: i64 = sql("SELECT COUNT(*) FROM jobs WHERE runs >= 1 AND last_error = ''")
                .scalar(&app.db)
                .await
                .unwrap();
            if done == 5 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{done} of 5 jobs ran at start"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // Another process right after finds nothing due…
        assert!(jobs::run_due(&app.state, &server::startup::jobs(), "other")
            .await
            .is_empty());
        // …and a minute later only the minute's jobs.
        let mut later = app.state.clone();
        later.clock = app::clock::Clock::Fixed(app::db::now_ms() + 61_000);
        assert_eq!(
            jobs::run_due(&later, &server::startup::jobs(), "other").await,
            [
                "orders.expire_holds",
                "complaints.escalate",
                "service.reminders"
            ]
        );
    }
);
