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

    /// Counts an attempt before its password is checked, so attempts sent in parallel
    /// all count; `Err(seconds)` (and nothing counted) while the username or the address
    /// has used up its attempts. A success gives the attempt back (`succeeded`).
    pub fn begin(&self, username: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            // Bound the memory an attacker can make us hold.
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let mut wait = 0;
        for (key, kind) in Self::keys(username, address) {
            if let Some(w) = windows.get_mut(&key) {
                if now.duration_since(w.started) >= self.window {
                    *w = Window {
                        started: now,
                        failures: 0,
                    };
                } else if w.failures >= self.limit(kind) {
                    let left = (w.started + self.window).saturating_duration_since(now);
                    wait = wait.max(left.as_secs() + 1);
                }
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        for (key, _) in Self::keys(username, address) {
            windows
                .entry(key)
                .or_insert(Window {
                    started: now,
                    failures: 0,
                })
                .failures += 1;
        }
        Ok(())
    }

    /// The attempt succeeded: the username starts afresh, and the address gets its
    /// attempt back, so an office behind one address is not throttled by its own logins.
    pub fn succeeded(&self, username: &str, address: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&format!("u:{username}"));
        if let Some(w) = windows.get_mut(&format!("a:{address}")) {
            w.failures = w.failures.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_limit_and_success_resets_username() {
        let t = LoginThrottle::new(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.begin("an", "1.2.3.4").is_ok());
        }
        let wait = t.begin("an", "1.2.3.4").unwrap_err();
        assert!((2..=61).contains(&wait));
        assert!(t.begin("binh", "1.2.3.4").is_ok());
        t.succeeded("an", "1.2.3.4");
        assert!(t.begin("an", "5.6.7.8").is_ok());
    }

    #[test]
    fn address_limit_covers_many_usernames() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        assert!(t.begin("a", "9.9.9.9").is_ok());
        assert!(t.begin("b", "9.9.9.9").is_ok());
        assert!(t.begin("c", "9.9.9.9").is_err());
        assert!(t.begin("c", "8.8.8.8").is_ok());
    }

    #[test]
    fn attempts_count_before_they_are_checked() {
        // Parallel guesses: each is counted as it starts, not when its check fails.
        let t = LoginThrottle::new(3, 100, Duration::from_secs(60));
        let started = (0..10).filter(|_| t.begin("an", "1.2.3.4").is_ok()).count();
        assert_eq!(started, 3);
    }

    #[test]
    fn successes_give_the_address_its_attempt_back() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        for user in ["a", "b", "c", "d"] {
            assert!(t.begin(user, "9.9.9.9").is_ok());
            t.succeeded(user, "9.9.9.9");
        }
    }
}
