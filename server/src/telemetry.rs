//! Structured logs. `RUST_LOG` (or `FORECOURT_LOG`) sets the level; `FORECOURT_LOG_FORMAT=json`
//! writes one JSON object a line for log collectors.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = std::env::var("FORECOURT_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info,sqlx=warn,tower_http=info".into());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|e| {
        eprintln!("warning: ignoring invalid log filter {filter:?}: {e}");
        EnvFilter::new("info")
    });
    let builder = fmt().with_env_filter(filter).with_target(false);
    let result = if std::env::var("FORECOURT_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
