//! The application state every request shares: the database, policies, the event hub
//! and the clock. A request's own facts (caller, language, request id) are its
//! [`crate::ctx::Ctx`].

use crate::{auth::session::SessionPolicy, clock::Clock, db::Db, events::EventHub};
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// Shared by the router, the REST handlers and (through context) the server functions.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub sessions: Arc<SessionPolicy>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub proxies: Arc<TrustedProxies>,
    /// Live events for open pages (stock, follow-ups, orders; service bookings later).
    pub events: EventHub,
    /// Where "now" comes from (fixed in some tests).
    pub clock: Clock,
    /// Password checks at once: one per core (each takes 19 MiB and most of a core).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Open event streams per person.
    pub streams: Arc<StreamCounts>,
}

/// How many event streams each person holds open.
#[derive(Debug, Default)]
pub struct StreamCounts(std::sync::Mutex<std::collections::HashMap<String, usize>>);

impl StreamCounts {
    /// One more stream for `who`, unless they hold `max` already. The count drops when the
    /// guard does.
    pub fn open(self: &Arc<Self>, who: &str, max: usize) -> Option<StreamGuard> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(who.to_owned()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(StreamGuard {
            counts: self.clone(),
            who: who.to_owned(),
        })
    }

    pub fn held(&self, who: &str) -> usize {
        let counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        counts.get(who).copied().unwrap_or(0)
    }
}

#[derive(Debug)]
pub struct StreamGuard {
    counts: Arc<StreamCounts>,
    who: String,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.who) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.who);
            }
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The proxies in front of the server (`FORECOURT_TRUSTED_PROXIES`: addresses or
/// networks, `10.0.0.1, 192.168.0.0/16`). Only when the peer is one of them is the client
/// read from `X-Forwarded-For`; otherwise anyone could claim any address and escape the
/// per-address sign-in limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(std::net::IpAddr, u8)>);

impl TrustedProxies {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (addr, bits) = part.split_once('/').unwrap_or((part, ""));
            let ip: std::net::IpAddr = addr
                .parse()
                .map_err(|_| format!("{part:?} is not an IP address or network"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = if bits.is_empty() {
                max
            } else {
                bits.parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("{part:?} has a bad prefix length"))?
            };
            nets.push((ip, bits));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::*;
        self.0.iter().any(|(net, bits)| match (net, ip) {
            (V4(n), V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (V6(n), V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// The client: the peer itself, unless the peer is a trusted proxy; then the nearest
    /// address in `X-Forwarded-For` that is not one (read from the right).
    pub fn client(&self, peer: std::net::IpAddr, forwarded_for: Option<&str>) -> std::net::IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for
            .unwrap_or("")
            .rsplit(',')
            .map(str::trim)
            .take(16)
        {
            match hop.parse::<std::net::IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.contains(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// Facts about the request that the router's middleware records in its extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
    /// The session cookie as sent, for sign-out.
    pub session_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let p = TrustedProxies::parse("10.0.0.1, 192.168.0.0/16").unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert_eq!(
            p.client(ip("8.8.8.8"), Some("1.2.3.4")),
            ip("8.8.8.8"),
            "a stranger's claim is ignored"
        );
        assert_eq!(p.client(ip("10.0.0.1"), Some("1.2.3.4")), ip("1.2.3.4"));
        assert_eq!(
            p.client(ip("10.0.0.1"), Some("6.6.6.6, 1.2.3.4, 192.168.3.4")),
            ip("1.2.3.4")
        );
        assert_eq!(p.client(ip("10.0.0.1"), Some("junk")), ip("10.0.0.1"));
        assert_eq!(p.client(ip("10.0.0.1"), None), ip("10.0.0.1"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("::1").unwrap().contains(ip("::1")));
    }
}
