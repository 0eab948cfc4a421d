//! The HTTP client at the edge: conditional GET, limits, decompression, errors as values.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::{Concurrency, DEFAULT_MAX_BODY, FetchLimits};
use crate::sources::schedule::Hints;

use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, DATE, ETAG, EXPIRES, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER,
};

/// Cache validators for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` of the last full response.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full response.
    pub last_modified: Option<String>,
}

/// A body larger than this waits for one of the fetcher's large-body slots before it
/// is read on (see [`LargeSlot`]).
pub const LARGE_BODY: usize = 4 << 20;

/// How many large documents a fetcher lets into memory at once: one. A large document
/// costs about 1.5 times its size once parsed and twice that while it is stored (the
/// cache copies what it stores), so a second one alongside would double the peak. The
/// price is time: large documents are fetched, parsed and stored one after another
/// (five 28 MB feeds: 9.2 s instead of 7.3 s, before a feed's pieces were parsed on
/// every core), while the small sources go on beside.
pub const LARGE_SLOTS: usize = 1;

/// How many request timeouts a large body's fetch waits for a slot, before its request
/// is sent (see [`Fetcher::large_patience`]).
const LARGE_PATIENCE_TIMEOUTS: u32 = 4;

/// One of a fetcher's [`LARGE_SLOTS`] slots for large bodies, held from the moment a
/// body is known to be large until its document is stored (the poller carries it in
/// the `Poll`; drop it then). Five 28 MB feeds otherwise all sat in memory at once,
/// as bodies waiting for a parse and documents waiting to be stored.
#[derive(Debug, Clone)]
pub struct LargeSlot {
    _permit: Arc<OwnedSemaphorePermit>,
}

/// A full response body and what the server said about it.
#[derive(Debug, Clone)]
pub struct Body {
    /// The bytes, decompressed, at most the size cap.
    pub bytes: Vec<u8>,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The URL after redirects (base for relative links).
    pub final_url: String,
    /// Validators to send next time.
    pub validators: Validators,
    /// What the server said about polling again.
    pub hints: Hints,
    /// Held when the body is large: drop it when the parse is done.
    pub large_slot: Option<LargeSlot>,
}

/// What one fetch gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators were issued.
    NotModified(Hints),
    /// A new body.
    Body(Body),
}

/// Why a fetch failed, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// Could not connect.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("HTTP {status}{}", retry_after.map(|wait| format!(" (retry after {}s)", wait.as_secs())).unwrap_or_default())]
    Status {
        /// Code and reason, e.g. `429 Too Many Requests`.
        status: String,
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },
    /// The body was over the size cap.
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    /// Too many redirects.
    #[error("too many redirects")]
    Redirects,
    /// A redirect to a scheme other than http(s), e.g. `file:`: never followed, and
    /// not the server's error status either.
    #[error("redirect to a {0}: URL refused")]
    RedirectScheme(String),
    /// A 304 to a request that sent no validators: there is nothing it can refer to,
    /// so taking it as "nothing changed" would hide a broken server forever.
    #[error("HTTP 304 Not Modified to a request without validators")]
    NotModifiedUnasked,
    /// Any other transport failure.
    #[error("{0}")]
    Transport(String),
    /// A local file could not be read.
    #[error("cannot read {path}: {reason}")]
    File { path: String, reason: String },
}

impl FetchError {
    /// What the failure says about polling again (`Retry-After`).
    pub fn hints(&self) -> Hints {
        match self {
            FetchError::Status { retry_after, .. } => Hints {
                retry_after: *retry_after,
                ..Hints::default()
            },
            _ => Hints::default(),
        }
    }
}

/// Fetches sources: one per process, shared by every poll (connection reuse).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
    limits: Arc<Limits>,
}

#[derive(Debug)]
struct Limits {
    concurrency: Concurrency,
    total: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Slots for large bodies ([`LARGE_SLOTS`]).
    large: Arc<Semaphore>,
    /// URLs whose last body was large: their next request waits for a slot before it
    /// is sent, not with the server's answer half read and the request's clock running.
    large_urls: Mutex<std::collections::HashSet<String>>,
}

impl Limits {
    /// Limits of `concurrency`, and [`LARGE_SLOTS`] large-body slots.
    fn new(concurrency: Concurrency) -> Limits {
        Limits::with_large_slots(concurrency, LARGE_SLOTS)
    }

    fn with_large_slots(concurrency: Concurrency, large_slots: usize) -> Limits {
        Limits {
            concurrency,
            total: Arc::new(Semaphore::new(concurrency.total.max(1))),
            hosts: Mutex::new(HashMap::new()),
            large: Arc::new(Semaphore::new(large_slots.max(1))),
            large_urls: Mutex::new(std::collections::HashSet::new()),
        }
    }

    /// Whether `url`'s last body was large.
    fn was_large(&self, url: &str) -> bool {
        self.large_urls.lock().is_ok_and(|urls| urls.contains(url))
    }

    /// Remembers whether `url`'s body was large.
    fn remember(&self, url: &str, large: bool) {
        if let Ok(mut urls) = self.large_urls.lock() {
            if large {
                urls.insert(url.to_string());
            } else {
                urls.remove(url);
            }
        }
    }

    /// A large-body slot if one is free now.
    fn try_large_slot(&self) -> Option<LargeSlot> {
        let permit = Arc::clone(&self.large).try_acquire_owned().ok()?;
        Some(LargeSlot {
            _permit: Arc::new(permit),
        })
    }

    /// Waits for a large-body slot, at most `patience`: the slots bound memory, never
    /// whether a fetch ends (a caller holding one body while it fetches another must
    /// not wait forever for its own slot), so past that the body is read without one.
    async fn large_slot(&self, patience: Duration) -> Option<LargeSlot> {
        let wait = Arc::clone(&self.large).acquire_owned();
        let permit = tokio::time::timeout(patience, wait).await.ok()?.ok()?;
        Some(LargeSlot {
            _permit: Arc::new(permit),
        })
    }

    /// Waits for a slot for `url`'s host and one overall; released when dropped.
    async fn acquire(
        &self,
        url: &str,
    ) -> (Option<OwnedSemaphorePermit>, Option<OwnedSemaphorePermit>) {
        let host = url::Url::parse(url)
            .ok()
            .map(|url| {
                format!(
                    "{}:{}",
                    url.host_str().unwrap_or(""),
                    url.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        let host_semaphore = match self.hosts.lock() {
            Ok(mut hosts) => Some(Arc::clone(hosts.entry(host).or_insert_with(|| {
                Arc::new(Semaphore::new(self.concurrency.per_host.max(1)))
            }))),
            Err(_) => None,
        };
        let host_permit = match host_semaphore {
            Some(semaphore) => semaphore.acquire_owned().await.ok(),
            None => None,
        };
        let total_permit = Arc::clone(&self.total).acquire_owned().await.ok();
        (host_permit, total_permit)
    }
}

impl Fetcher {
    /// A fetcher with a per-request `timeout` and the default body cap.
    pub fn new(timeout: Duration) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "liveblog/",
                env!("CARGO_PKG_VERSION"),
                " (terminal live-blog reader)"
            ))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .redirect(redirect_policy())
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|err| FetchError::Transport(one_line(&err)))?;
        Ok(Fetcher {
            client,
            timeout,
            max_body: DEFAULT_MAX_BODY,
            limits: Arc::new(Limits::new(Concurrency::default())),
        })
    }

    /// A fetcher with these limits (the config's timeout, body cap and concurrency).
    pub fn with_limits(limits: FetchLimits) -> Result<Fetcher, FetchError> {
        Ok(Fetcher::new(limits.timeout)?
            .with_max_body(limits.max_body)
            .with_concurrency(limits.concurrency))
    }

    /// Sets how many requests may run at once.
    pub fn with_concurrency(mut self, concurrency: Concurrency) -> Fetcher {
        self.limits = Arc::new(Limits::new(concurrency));
        self
    }

    /// Sets the body size cap.
    pub fn with_max_body(mut self, max_body: usize) -> Fetcher {
        self.max_body = max_body;
        self
    }

    /// Fetches `location`: an http(s) URL (conditional on `validators`), a `file://`
    /// URL or a local path. A file is always a full body.
    pub async fn fetch(
        &self,
        location: &str,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        match local_path(location) {
            Some(path) => self.read_file(path).await,
            None => self.get(location, validators).await,
        }
    }

    async fn read_file(&self, path: PathBuf) -> Result<Fetched, FetchError> {
        let file_error = |err: std::io::Error| FetchError::File {
            path: path.display().to_string(),
            reason: err.to_string(),
        };
        let metadata = tokio::fs::metadata(&path).await.map_err(file_error)?;
        if metadata.len() > self.max_body as u64 {
            return Err(FetchError::TooLarge(self.max_body));
        }
        let large_slot = if metadata.len() > LARGE_BODY as u64 {
            self.limits.large_slot(self.large_patience()).await
        } else {
            None
        };
        let bytes = tokio::fs::read(&path).await.map_err(file_error)?;
        let final_url =
            url::Url::from_file_path(std::path::absolute(&path).unwrap_or(path.clone()))
                .map(|url| url.to_string())
                .unwrap_or_else(|()| path.display().to_string());
        Ok(Fetched::Body(Body {
            bytes,
            content_type: None,
            final_url,
            validators: Validators::default(),
            hints: Hints::default(),
            large_slot,
        }))
    }

    async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let known_large = self.limits.was_large(url);
        match self.get_once(url, validators, known_large).await? {
            Some(fetched) => Ok(fetched),
            // Large, with every slot taken: asked again once a slot is free (waited for
            // before the request is sent, off its clock) rather than read beside the
            // other large documents.
            None => self
                .get_once(url, validators, true)
                .await?
                .ok_or_else(|| FetchError::Transport("large body: no slot".to_string())),
        }
    }

    /// One request for `url`. With `wait_first`, a large-body slot is waited for
    /// before it is sent (at most [`Fetcher::large_patience`]) and a large body is read
    /// even without one; without it, a body found large while every slot is taken is
    /// left unread (`None`: ask again with `wait_first`).
    async fn get_once(
        &self,
        url: &str,
        validators: &Validators,
        wait_first: bool,
    ) -> Result<Option<Fetched>, FetchError> {
        let mut large_slot = None;
        if wait_first {
            large_slot = self.limits.large_slot(self.large_patience()).await;
        }
        // A body found large takes a free slot; says whether to leave it unread.
        let leave_unread = |slot: &mut Option<LargeSlot>| {
            if slot.is_none() {
                *slot = self.limits.try_large_slot();
            }
            if slot.is_none() && !wait_first {
                self.limits.remember(url, true);
                return true;
            }
            false
        };
        let _permits = self.limits.acquire(url).await;
        let mut request = self.client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
        let mut response = request.send().await.map_err(|err| self.classify(&err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let hints = hints(&headers);
        if status == StatusCode::NOT_MODIFIED {
            if validators.etag.is_none() && validators.last_modified.is_none() {
                return Err(FetchError::NotModifiedUnasked);
            }
            return Ok(Some(Fetched::NotModified(hints)));
        }
        // reqwest follows http(s) redirects itself; one it hands back unfollowed with a
        // Location elsewhere points at another scheme.
        if status.is_redirection()
            && let Some(scheme) = header(&headers, LOCATION)
                .and_then(|location| response.url().join(location.trim()).ok())
                .map(|target| target.scheme().to_string())
                .filter(|scheme| scheme != "http" && scheme != "https")
        {
            return Err(FetchError::RedirectScheme(scheme));
        }
        if !status.is_success() {
            let reason = status.canonical_reason().unwrap_or("error");
            return Err(FetchError::Status {
                status: format!("{} {reason}", status.as_u16()),
                retry_after: hints.retry_after,
            });
        }
        let final_url = response.url().to_string();
        if response
            .content_length()
            .is_some_and(|length| length > self.max_body as u64)
        {
            return Err(FetchError::TooLarge(self.max_body));
        }
        // Read chunk by chunk so a huge (or decompression-bomb) body stops at the cap.
        // Sized from Content-Length when the server sends one: growing by doubling would hold
        // up to twice the body at the end.
        let expected = response
            .content_length()
            .map_or(0, |length| length.min(self.max_body as u64));
        // A large body needs a slot before it is read on: known large by its
        // Content-Length, or once that many bytes have come.
        if expected > LARGE_BODY as u64 && leave_unread(&mut large_slot) {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|err| self.classify(&err))? {
            if bytes.len() + chunk.len() > self.max_body {
                return Err(FetchError::TooLarge(self.max_body));
            }
            bytes.extend_from_slice(&chunk);
            if bytes.len() > LARGE_BODY && leave_unread(&mut large_slot) {
                return Ok(None);
            }
        }
        self.limits.remember(url, bytes.len() > LARGE_BODY);
        if bytes.len() <= LARGE_BODY {
            large_slot = None;
        }
        Ok(Some(Fetched::Body(Body {
            bytes,
            content_type: header(&headers, CONTENT_TYPE),
            final_url,
            validators: Validators {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
            hints,
            large_slot,
        })))
    }

    /// How long a large body's fetch waits for a slot before its request is sent (a
    /// wait not on the request's clock): long enough for the documents ahead of it to
    /// be parsed and stored, yet finite, so a caller holding a large body while it
    /// fetches another one cannot wait forever for its own slot.
    fn large_patience(&self) -> Duration {
        self.timeout.saturating_mul(LARGE_PATIENCE_TIMEOUTS)
    }

    fn classify(&self, err: &reqwest::Error) -> FetchError {
        if err.is_timeout() {
            FetchError::Timeout(self.timeout)
        } else if err.is_redirect() {
            FetchError::Redirects
        } else if err.is_connect() {
            FetchError::Connect(root_cause(err))
        } else if err.is_body() || err.is_decode() {
            // reqwest's own words ("error decoding response body") hide the cause.
            FetchError::Transport(format!(
                "response body cut short or corrupt: {}",
                root_cause(err)
            ))
        } else {
            // reqwest's own words ("error sending request for url …") hide the cause.
            let cause = root_cause(err);
            FetchError::Transport(if cause == HEAD_TOO_LARGE {
                "response headers too long: the server sent no end to them".to_string()
            } else {
                format!("request failed: {cause}")
            })
        }
    }
}

/// What hyper says when a response head outgrows its buffer (about 400 KB).
const HEAD_TOO_LARGE: &str = "message head is too large";

/// At most 10 redirects, and only to http(s): a redirect elsewhere is handed back
/// unfollowed, for [`Fetcher::get`] to refuse by its scheme.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if !matches!(attempt.url().scheme(), "http" | "https") {
            attempt.stop()
        } else if attempt.previous().len() >= 10 {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// A local path for `file://` URLs and plain paths; `None` for network URLs.
pub fn local_path(location: &str) -> Option<PathBuf> {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return None;
    }
    if lower.starts_with("file://") {
        return url::Url::parse(location)
            .ok()
            .and_then(|url| url.to_file_path().ok());
    }
    Some(PathBuf::from(location))
}

/// `Cache-Control: max-age` (else `Expires` − `Date`) and `Retry-After`.
pub fn hints(headers: &HeaderMap) -> Hints {
    let max_age = header(headers, CACHE_CONTROL).and_then(|value| {
        value.split(',').find_map(|directive| {
            let (name, seconds) = directive.trim().split_once('=')?;
            (name.trim().eq_ignore_ascii_case("max-age"))
                .then(|| seconds.trim().trim_matches('"').parse::<u64>().ok())?
        })
    });
    let expires = || {
        let expires = http_date(&header(headers, EXPIRES)?)?;
        let date = header(headers, DATE)
            .and_then(|value| http_date(&value))
            .unwrap_or_else(jiff::Timestamp::now);
        let seconds = expires.as_second() - date.as_second();
        u64::try_from(seconds).ok()
    };
    let retry_after = header(headers, RETRY_AFTER).and_then(|value| {
        value.trim().parse::<u64>().ok().or_else(|| {
            let at = http_date(&value)?;
            u64::try_from(at.as_second() - jiff::Timestamp::now().as_second()).ok()
        })
    });
    // A server can ask for a pause, not for silence: a day is the most we honour.
    let cap = |seconds: u64| Duration::from_secs(seconds.min(86_400));
    Hints {
        fresh_for: max_age.or_else(expires).map(cap),
        retry_after: retry_after.map(cap),
        ttl: None,
    }
}

fn http_date(value: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(value.trim())
        .ok()
        .map(|zoned| zoned.timestamp())
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    one_line(cause)
}

fn one_line(err: &dyn std::fmt::Display) -> String {
    err.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(fetched: Result<Fetched, FetchError>) -> Body {
        match fetched {
            Ok(Fetched::Body(body)) => body,
            other => panic!("expected a body, got {other:?}"),
        }
    }

    /// Large bodies hold one of the fetcher's slots until dropped; with every slot
    /// held, another large body is read without one only after the fetcher's patience
    /// (a few timeouts: nothing waits forever); small ones never take one.
    #[tokio::test]
    async fn large_bodies_hold_one_of_a_few_slots_until_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let large = dir.path().join("large.xml");
        let small = dir.path().join("small.xml");
        std::fs::write(&large, vec![b' '; LARGE_BODY + 1]).expect("write");
        std::fs::write(&small, b"<rss/>").expect("write");
        let mut fetcher = Fetcher::new(Duration::from_millis(50))
            .expect("fetcher")
            .with_max_body(2 * LARGE_BODY);
        fetcher.limits = Arc::new(Limits::with_large_slots(Concurrency::default(), 2));
        let (large, small) = (large.display().to_string(), small.display().to_string());
        let none = Validators::default();
        let slots = |fetcher: &Fetcher| fetcher.limits.large.available_permits();

        let first = body(fetcher.fetch(&large, &none).await);
        assert!(first.large_slot.is_some());
        assert_eq!(slots(&fetcher), 1);
        assert!(
            body(fetcher.fetch(&small, &none).await)
                .large_slot
                .is_none()
        );
        let second = body(fetcher.fetch(&large, &none).await);
        assert_eq!(slots(&fetcher), 0);
        let third = body(fetcher.fetch(&large, &none).await);
        assert!(
            third.large_slot.is_none(),
            "read without a slot, after waiting"
        );
        assert_eq!(third.bytes.len(), LARGE_BODY + 1);

        drop(first);
        assert_eq!(slots(&fetcher), 1);
        let fourth = body(fetcher.fetch(&large, &none).await);
        assert!(fourth.large_slot.is_some());
        drop((second, fourth));
        assert_eq!(slots(&fetcher), 2);
    }

    /// A loopback HTTP server answering every request with `body` (Content-Length
    /// sent); counts the requests it was sent.
    fn serve(body: Vec<u8>) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/large.xml",
            listener.local_addr().expect("address")
        );
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = body.clone();
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    // The client may hang up on a large body it leaves unread.
                    let _ = stream.write_all(answer.as_bytes());
                    let _ = stream.write_all(&body);
                });
            }
        });
        (url, requests)
    }

    /// A large body that arrives while every large-body slot is taken is not read
    /// beside the documents holding them: its request is dropped and sent again once a
    /// slot is free, and the body is read holding that slot (before, it was read
    /// without one once half the request's timeout had passed).
    #[tokio::test]
    async fn a_large_body_waits_for_a_slot_instead_of_being_read_without_one() {
        let (url, requests) = serve(vec![b' '; LARGE_BODY + 1]);
        let dir = tempfile::tempdir().expect("temp dir");
        let held = dir.path().join("held.xml");
        std::fs::write(&held, vec![b' '; LARGE_BODY + 1]).expect("write");
        let timeout = Duration::from_millis(400);
        let fetcher = Fetcher::new(timeout)
            .expect("fetcher")
            .with_max_body(2 * LARGE_BODY);
        let none = Validators::default();
        // The one slot, held as a poll holds it until its document is stored.
        let holding = body(fetcher.fetch(&held.display().to_string(), &none).await);
        assert!(holding.large_slot.is_some());

        let waiting = {
            let (fetcher, url) = (fetcher.clone(), url.clone());
            tokio::spawn(async move { fetcher.fetch(&url, &Validators::default()).await })
        };
        // Longer than the old patience (half the timeout): the body would have been read.
        tokio::time::sleep(timeout).await;
        assert!(!waiting.is_finished(), "the large body waits for the slot");
        drop(holding);
        let fetched = body(waiting.await.expect("fetch task"));
        assert_eq!(fetched.bytes.len(), LARGE_BODY + 1);
        assert!(fetched.large_slot.is_some(), "read holding the slot");
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
