//! When to poll a source next: pure arithmetic, tested without sleeping.
//!
//! The configured interval is the base. A server's `Cache-Control: max-age`, `Expires`,
//! RSS `<ttl>` and `Retry-After` are lower bounds: we never poll faster than it asks.
//! Failures back off exponentially (capped) and a success resets that. A little jitter
//! keeps sources that share an interval from firing together.

use std::time::Duration;

/// The longest a failing source waits between tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

/// What a response said about polling again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// `Cache-Control: max-age` (or `Expires` minus `Date`).
    pub fresh_for: Option<Duration>,
    /// `Retry-After`, on 429 / 503 (or any response that sends it).
    pub retry_after: Option<Duration>,
    /// RSS `<ttl>`.
    pub ttl: Option<Duration>,
}

/// One source's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The configured interval.
    pub interval: Duration,
    /// Failures in a row.
    pub failures: u32,
}

impl Schedule {
    /// A schedule polling every `interval`.
    pub fn new(interval: Duration) -> Schedule {
        Schedule {
            interval,
            failures: 0,
        }
    }

    /// Records a poll's outcome and returns how long to wait before the next one.
    /// `jitter` is a number in [0, 1) (random in production, fixed in tests); it adds
    /// up to a tenth of the wait.
    pub fn next_delay(&mut self, succeeded: bool, hints: &Hints, jitter: f64) -> Duration {
        let base = if succeeded {
            self.failures = 0;
            self.interval
        } else {
            self.failures = self.failures.saturating_add(1);
            // interval × 2^failures, capped: 1 failure doubles the wait.
            let factor = 2u32.saturating_pow(self.failures.min(16));
            self.interval
                .saturating_mul(factor)
                .min(MAX_BACKOFF.max(self.interval))
        };
        let server_floor = [hints.fresh_for, hints.retry_after, hints.ttl]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or_default();
        let wait = base.max(server_floor);
        wait + wait.mul_f64(jitter.clamp(0.0, 1.0) / 10.0)
    }
}

/// A jitter value in [0, 1) from the clock's low bits and the source's name: different
/// per source and per call, with no dependency on a random number crate.
pub fn jitter(salt: &str) -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(salt.as_bytes());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    hasher.write_u32(nanos);
    (hasher.finish() % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn success_waits_the_interval() {
        let mut schedule = Schedule::new(MIN);
        assert_eq!(schedule.next_delay(true, &Hints::default(), 0.0), MIN);
    }

    #[test]
    fn failures_back_off_then_reset() {
        let mut schedule = Schedule::new(MIN);
        let none = Hints::default();
        assert_eq!(schedule.next_delay(false, &none, 0.0), 2 * MIN);
        assert_eq!(schedule.next_delay(false, &none, 0.0), 4 * MIN);
        assert_eq!(schedule.next_delay(false, &none, 0.0), 8 * MIN);
        for _ in 0..40 {
            schedule.next_delay(false, &none, 0.0);
        }
        assert_eq!(schedule.next_delay(false, &none, 0.0), MAX_BACKOFF);
        assert_eq!(schedule.next_delay(true, &none, 0.0), MIN);
        assert_eq!(schedule.failures, 0);
    }

    #[test]
    fn server_hints_are_lower_bounds() {
        let mut schedule = Schedule::new(MIN);
        let max_age = Hints {
            fresh_for: Some(5 * MIN),
            ..Hints::default()
        };
        assert_eq!(schedule.next_delay(true, &max_age, 0.0), 5 * MIN);
        let short = Hints {
            fresh_for: Some(Duration::from_secs(5)),
            ..Hints::default()
        };
        assert_eq!(schedule.next_delay(true, &short, 0.0), MIN);
        let retry = Hints {
            retry_after: Some(30 * MIN),
            ..Hints::default()
        };
        assert_eq!(schedule.next_delay(false, &retry, 0.0), 30 * MIN);
        let ttl = Hints {
            ttl: Some(15 * MIN),
            ..Hints::default()
        };
        assert_eq!(schedule.next_delay(true, &ttl, 0.0), 15 * MIN);
    }

    #[test]
    fn jitter_adds_at_most_a_tenth() {
        let mut schedule = Schedule::new(MIN);
        let wait = schedule.next_delay(true, &Hints::default(), 0.999);
        assert!(
            wait >= MIN && wait < MIN + MIN / 10 + Duration::from_millis(1),
            "{wait:?}"
        );
        for salt in ["a", "b", "c"] {
            let value = jitter(salt);
            assert!((0.0..1.0).contains(&value));
        }
    }

    #[test]
    fn backoff_never_shortens_a_long_interval() {
        let mut schedule = Schedule::new(2 * MAX_BACKOFF);
        assert_eq!(
            schedule.next_delay(false, &Hints::default(), 0.0),
            2 * MAX_BACKOFF
        );
    }
}
