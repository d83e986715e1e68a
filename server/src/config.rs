//! Configuration from the environment, validated at start with a message that says which
//! variable is wrong and why.

use app::{auth::session::SessionPolicy, db::DbUrl, server::TrustedProxies};
use leptos::config::{Env, LeptosOptions};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Clone, Debug)]
pub struct Config {
    pub database: DbUrl,
    pub addr: SocketAddr,
    /// Where the built site (pkg/, icons, manifest) is served from.
    pub site_root: PathBuf,
    pub sessions: SessionPolicy,
    pub trusted_proxies: TrustedProxies,
}

pub const DEFAULT_DATABASE: &str = "data/forecourt.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";

/// Reads a variable, treating an empty value as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn hours(name: &str, default: u64) -> anyhow::Result<Duration> {
    match var(name) {
        None => Ok(Duration::from_secs(default * 3600)),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(h) if h > 0 => Ok(Duration::from_secs(h * 3600)),
            _ => anyhow::bail!("{name} must be a whole number of hours above 0, got {v:?}"),
        },
    }
}

impl Config {
    /// From `DATABASE_URL`, `FORECOURT_ADDR`, `FORECOURT_SITE_ROOT`,
    /// `FORECOURT_SECURE_COOKIES`, `FORECOURT_SESSION_IDLE_HOURS`,
    /// `FORECOURT_SESSION_MAX_HOURS`.
    pub fn from_env() -> anyhow::Result<Config> {
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE.into());
        let database = DbUrl::parse(&database_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        let addr_text = var("FORECOURT_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| DEFAULT_ADDR.into());
        let addr: SocketAddr = addr_text.trim().parse().map_err(|_| {
            anyhow::anyhow!(
                "FORECOURT_ADDR must be an address and port like 127.0.0.1:3000, got {addr_text:?}"
            )
        })?;
        let site_root = var("FORECOURT_SITE_ROOT")
            .or_else(|| var("LEPTOS_SITE_ROOT"))
            .map(PathBuf::from)
            .unwrap_or_else(default_site_root);
        let secure_cookie = match var("FORECOURT_SECURE_COOKIES").as_deref().map(str::trim) {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(v) => anyhow::bail!("FORECOURT_SECURE_COOKIES must be true or false, got {v:?}"),
        };
        let idle = hours("FORECOURT_SESSION_IDLE_HOURS", 8)?;
        let absolute = hours("FORECOURT_SESSION_MAX_HOURS", 24)?;
        if absolute < idle {
            anyhow::bail!(
                "FORECOURT_SESSION_MAX_HOURS must not be shorter than FORECOURT_SESSION_IDLE_HOURS"
            );
        }
        Ok(Config {
            database,
            addr,
            site_root,
            sessions: SessionPolicy {
                idle,
                absolute,
                secure_cookie,
            },
            trusted_proxies: TrustedProxies::parse(
                &var("FORECOURT_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| anyhow::anyhow!("FORECOURT_TRUSTED_PROXIES: {e}"))?,
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        // cargo-leptos writes hash.txt beside the release binary when it hashes file names.
        let hash_files = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("hash.txt")))
            .is_some_and(|p| p.exists());
        LeptosOptions::builder()
            .output_name("forecourt")
            .site_root(self.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .env(Env::PROD)
            .site_addr(self.addr)
            .hash_files(hash_files)
            .build()
    }
}

/// `target/site` of the workspace this binary was built in, else `site` beside the binary.
fn default_site_root() -> PathBuf {
    let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"));
    if built.exists() {
        return built;
    }
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("site")))
        .unwrap_or_else(|| PathBuf::from("target/site"))
}
