//! Throttling of failed logins, per username and per client address.
//!
//! Kept in memory: with several instances each counts on its own, which only lets an
//! attacker multiply the allowance by the number of instances (tolerant, not shared).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    windows: Mutex<HashMap<String, Window>>,
    per_username: u32,
    per_address: u32,
    window: Duration,
}

struct Window {
    started: Instant,
    failures: u32,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(5, 50, Duration::from_secs(15 * 60))
    }
}

impl LoginThrottle {
    pub fn new(per_username: u32, per_address: u32, window: Duration) -> Self {
        LoginThrottle {
            windows: Mutex::new(HashMap::new()),
            per_username,
            per_address,
            window,
        }
    }

    fn keys(username: &str, address: &str) -> [(String, u32); 2] {
        [(format!("u:{username}"), 0), (format!("a:{address}"), 1)]
    }

    fn limit(&self, kind: u32) -> u32 {
        if kind == 0 {
            self.per_username
        } else {
            self.per_address
        }
    }

    /// `Err(seconds)` while the username or the address has used up its failures.
    pub fn check(&self, username: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = 0;
        for (key, kind) in Self::keys(username, address) {
            if let Some(w) = windows.get(&key)
                && w.failures >= self.limit(kind)
            {
                let left = (w.started + self.window).saturating_duration_since(now);
                if !left.is_zero() {
                    wait = wait.max(left.as_secs() + 1);
                }
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn record_failure(&self, username: &str, address: &str) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            // Bound the memory an attacker can make us hold.
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        for (key, _) in Self::keys(username, address) {
            let w = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now.duration_since(w.started) >= self.window {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures += 1;
        }
    }

    pub fn record_success(&self, username: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&format!("u:{username}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_limit_and_success_resets_username() {
        let t = LoginThrottle::new(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.check("an", "1.2.3.4").is_ok());
            t.record_failure("an", "1.2.3.4");
        }
        let wait = t.check("an", "1.2.3.4").unwrap_err();
        assert!((2..=61).contains(&wait));
        assert!(t.check("binh", "1.2.3.4").is_ok());
        t.record_success("an");
        assert!(t.check("an", "5.6.7.8").is_ok());
    }

    #[test]
    fn address_limit_covers_many_usernames() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        t.record_failure("a", "9.9.9.9");
        t.record_failure("b", "9.9.9.9");
        assert!(t.check("c", "9.9.9.9").is_err());
        assert!(t.check("c", "8.8.8.8").is_ok());
    }
}
