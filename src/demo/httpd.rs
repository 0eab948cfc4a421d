//! A tiny loopback HTTP/1.1 server for the `--demo` content and for tests that
//! simulate live sources (edits, conditional GETs, errors, slow servers).
//!
//! It serves a [`Site`] — a shared, mutable map of path → [`Resource`] — on
//! `127.0.0.1` at a port the OS picks. GET and HEAD only; one request per
//! connection (`Connection: close`); every connection on its own task.
//!
//! Conditional requests: a `200` resource with an ETag answers `304 Not Modified`
//! when `If-None-Match` lists it (weak comparison, `*` matches); when the request
//! has no `If-None-Match`, an `If-Modified-Since` equal to or later than the
//! resource's `Last-Modified` gives a `304` too.
//!
//! Limits: the request head is capped at [`MAX_HEAD`] bytes (`431` beyond it) and
//! must arrive within [`READ_TIMEOUT`] (`408` otherwise), so a silent client cannot
//! hold a task forever. A malformed request gets `400`; the server keeps serving.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use jiff::fmt::rfc2822::{DateTimeParser, DateTimePrinter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The largest request head (request line + headers) accepted, in bytes.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server keeps reading (and discarding) after its response, so that
/// unread request bytes do not turn the close into a reset that loses the response.
const LINGER: Duration = Duration::from_millis(500);

/// One thing the server can answer with.
#[derive(Clone, Debug)]
pub struct Resource {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body (not sent for HEAD and 304).
    pub body: Vec<u8>,
    /// The `ETag` header, quotes included (e.g. `"1a2b"` or `W/"x"`).
    pub etag: Option<String>,
    /// The `Last-Modified` header, an IMF-fixdate.
    pub last_modified: Option<String>,
    /// Extra response headers (e.g. `Location`, `Retry-After`, `Content-Encoding`).
    pub headers: Vec<(String, String)>,
}

impl Resource {
    /// A `200` with a strong ETag (a stable hash of the body) and
    /// `Last-Modified` = now.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Resource {
        let body = body.into();
        Resource {
            status: 200,
            content_type: content_type.to_string(),
            etag: Some(etag_for(&body)),
            last_modified: Some(http_date(Timestamp::now())),
            body,
            headers: Vec::new(),
        }
    }

    /// Any status with a body and no validators (no ETag, no Last-Modified).
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Resource {
        Resource {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
            etag: None,
            last_modified: None,
            headers: Vec::new(),
        }
    }

    /// A plain-text response with the given status and message.
    pub fn text(status: u16, message: &str) -> Resource {
        Resource::new(status, "text/plain; charset=utf-8", message)
    }

    /// A redirect (`301`, `302`, `307`, `308`) to `location`.
    pub fn redirect(status: u16, location: &str) -> Resource {
        Resource::text(status, "redirect\n").with_header("Location", location)
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Resource {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces the status code.
    pub fn with_status(mut self, status: u16) -> Resource {
        self.status = status;
        self
    }

    /// Replaces the `Last-Modified` value (an IMF-fixdate), e.g. to back-date it.
    pub fn with_last_modified(mut self, at: Timestamp) -> Resource {
        self.last_modified = Some(http_date(at));
        self
    }

    /// Removes the ETag and Last-Modified validators.
    pub fn without_validators(mut self) -> Resource {
        self.etag = None;
        self.last_modified = None;
        self
    }
}

/// A strong ETag from a stable (FNV-1a, 64-bit) hash of `body`, quotes included.
pub fn etag_for(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in body {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("\"{hash:016x}-{:x}\"", body.len())
}

/// `at` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(at: Timestamp) -> String {
    DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .unwrap_or_else(|_| "Thu, 01 Jan 1970 00:00:00 GMT".to_string())
}

fn parse_http_date(value: &str) -> Option<Timestamp> {
    DateTimeParser::new()
        .relaxed_weekday(true)
        .parse_timestamp(value.trim())
        .ok()
}

#[derive(Default)]
struct Counters {
    requests: usize,
    not_modified: usize,
    last_headers: Option<Vec<(String, String)>>,
}

#[derive(Default)]
struct SiteState {
    resources: HashMap<String, Resource>,
    delays: HashMap<String, Duration>,
    counters: HashMap<String, Counters>,
    total: usize,
}

/// The content a [`Server`] serves: path → [`Resource`], plus per-path counters.
/// Cheap to clone; every clone shares the same state.
#[derive(Clone, Default)]
pub struct Site {
    inner: Arc<Mutex<SiteState>>,
}

fn normalize(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

impl Site {
    /// An empty site.
    pub fn new() -> Site {
        Site::default()
    }

    fn state(&self) -> MutexGuard<'_, SiteState> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Serves `resource` at `path` (replacing what was there).
    pub fn set(&self, path: &str, resource: Resource) {
        self.state().resources.insert(normalize(path), resource);
    }

    /// Stops serving `path` (it answers 404 afterwards).
    pub fn remove(&self, path: &str) {
        self.state().resources.remove(&normalize(path));
    }

    /// The resource served at `path`, if any.
    pub fn get(&self, path: &str) -> Option<Resource> {
        self.state().resources.get(&normalize(path)).cloned()
    }

    /// Delays every response for `path` by `delay` (to simulate a slow server).
    pub fn set_delay(&self, path: &str, delay: Duration) {
        let mut state = self.state();
        if delay.is_zero() {
            state.delays.remove(&normalize(path));
        } else {
            state.delays.insert(normalize(path), delay);
        }
    }

    /// How many well-formed requests asked for `path` (any status, 404 included).
    pub fn requests(&self, path: &str) -> usize {
        self.state()
            .counters
            .get(&normalize(path))
            .map_or(0, |c| c.requests)
    }

    /// How many `304 Not Modified` responses were sent for `path`.
    pub fn not_modified(&self, path: &str) -> usize {
        self.state()
            .counters
            .get(&normalize(path))
            .map_or(0, |c| c.not_modified)
    }

    /// How many well-formed requests the site answered, over all paths.
    pub fn total_requests(&self) -> usize {
        self.state().total
    }

    /// The headers of the last request for `path` (names as sent), if any.
    pub fn last_request_headers(&self, path: &str) -> Option<Vec<(String, String)>> {
        self.state()
            .counters
            .get(&normalize(path))
            .and_then(|c| c.last_headers.clone())
    }

    /// Forgets every counter (not the resources).
    pub fn reset_counters(&self) {
        let mut state = self.state();
        state.counters.clear();
        state.total = 0;
    }

    /// Looks up a request target, counts it, and decides the answer.
    fn answer(&self, request: &Request) -> (Answer, Option<Duration>) {
        let mut state = self.state();
        let path = request.path();
        let key = if state.resources.contains_key(&request.target) {
            request.target.clone()
        } else {
            path.to_string()
        };
        let delay = state.delays.get(&key).copied();
        let resource = state.resources.get(&key).cloned();
        state.total += 1;
        let counters = state.counters.entry(key).or_default();
        counters.requests += 1;
        counters.last_headers = Some(request.headers.clone());
        let Some(resource) = resource else {
            return (Answer::Full(Resource::text(404, "404 Not Found\n")), delay);
        };
        if resource.status == 200 && is_not_modified(&resource, request) {
            counters.not_modified += 1;
            return (Answer::NotModified(resource), delay);
        }
        (Answer::Full(resource), delay)
    }
}

enum Answer {
    Full(Resource),
    NotModified(Resource),
}

fn is_not_modified(resource: &Resource, request: &Request) -> bool {
    if let Some(inm) = request.header("if-none-match") {
        let Some(etag) = &resource.etag else {
            return false;
        };
        let ours = strip_weak(etag);
        return inm
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || (!tag.is_empty() && strip_weak(tag) == ours));
    }
    if let Some(ims) = request.header("if-modified-since") {
        let (Some(since), Some(modified)) = (
            parse_http_date(ims),
            resource.last_modified.as_deref().and_then(parse_http_date),
        ) else {
            return false;
        };
        return since >= modified;
    }
    false
}

fn strip_weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// A running server; its task (and every connection task) stops when it is dropped.
pub struct Server {
    addr: SocketAddr,
    site: Site,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` and serves `site` until the `Server` is dropped.
    /// Must be called within a tokio runtime.
    pub async fn start(site: Site) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(listener, site.clone()));
        Ok(Server { addr, site, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/path` (a leading `/` is added when missing).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, normalize(path))
    }

    /// The site being served (set resources on it while the server runs).
    pub fn site(&self) -> &Site {
        &self.site
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, site: Site) {
    // Connection tasks live in this set, so aborting the accept task aborts them too.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _peer)) => {
                connections.spawn(serve_connection(stream, site.clone()));
            }
            Err(_) => {
                // Usually EMFILE or a connection reset before accept: back off briefly.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// A parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    /// The origin-form target (`/path?query`).
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or(&self.target)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

enum HeadError {
    /// The client closed before sending anything.
    Closed,
    Malformed,
    TooLarge,
    Timeout,
    Io,
}

async fn serve_connection(mut stream: TcpStream, site: Site) {
    let response = match read_head(&mut stream).await {
        Ok(head) => match parse_head(&head) {
            Some(request) => respond(&site, &request).await,
            None => error_response(400, "400 Bad Request\n"),
        },
        Err(HeadError::Malformed) => error_response(400, "400 Bad Request\n"),
        Err(HeadError::TooLarge) => error_response(431, "431 Request Header Fields Too Large\n"),
        Err(HeadError::Timeout) => error_response(408, "408 Request Timeout\n"),
        Err(HeadError::Closed | HeadError::Io) => return,
    };
    if stream.write_all(&response).await.is_err() {
        return;
    }
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
    // Drain what the client still sends (briefly) so the close is not a reset.
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER, async {
        let mut drained = 0usize;
        while let Ok(n) = stream.read(&mut sink).await {
            drained += n;
            if n == 0 || drained > 1 << 20 {
                break;
            }
        }
    })
    .await;
}

async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, HeadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let read = async {
        loop {
            let n = stream.read(&mut chunk).await.map_err(|_| HeadError::Io)?;
            if n == 0 {
                return Err(if buf.is_empty() {
                    HeadError::Closed
                } else {
                    HeadError::Malformed
                });
            }
            let searched_from = buf.len().saturating_sub(3);
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find_head_end(&buf, searched_from) {
                buf.truncate(end);
                return Ok(());
            }
            if buf.len() > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
        }
    };
    match tokio::time::timeout(READ_TIMEOUT, read).await {
        Ok(Ok(())) if buf.len() > MAX_HEAD => Err(HeadError::TooLarge),
        Ok(Ok(())) => Ok(buf),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(HeadError::Timeout),
    }
}

/// The end of the head (before the blank line), accepting `\r\n\r\n` or `\n\n`.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find(|&i| buf[i..].starts_with(b"\r\n\r\n") || buf[i..].starts_with(b"\n\n"))
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn parse_head(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next()?;
    let mut parts = request_line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !is_token(method) {
        return None;
    }
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return None;
    }
    if target.is_empty() || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return None;
    }
    let target = if target.starts_with('/') {
        target.to_string()
    } else if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        // absolute-form: drop the authority
        match rest.find('/') {
            Some(slash) => rest[slash..].to_string(),
            None => "/".to_string(),
        }
    } else {
        return None;
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if !is_token(name) || value.chars().any(|c| c.is_control() && c != '\t') {
            return None;
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Some(Request {
        method: method.to_string(),
        target,
        headers,
    })
}

async fn respond(site: &Site, request: &Request) -> Vec<u8> {
    let head_only = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let mut response = error_response(405, "405 Method Not Allowed\n");
            // Insert `Allow` before the blank line.
            let insert_at = response
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(0, |p| p + 2);
            let allow = b"Allow: GET, HEAD\r\n";
            response.splice(insert_at..insert_at, allow.iter().copied());
            return response;
        }
    };
    let (answer, delay) = site.answer(request);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    match answer {
        Answer::Full(resource) => render(&resource, head_only, false),
        Answer::NotModified(resource) => render(&resource, true, true),
    }
}

fn error_response(status: u16, message: &str) -> Vec<u8> {
    render(&Resource::text(status, message), false, false)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Strips CR and LF so a header value set by a test cannot split the response.
fn header_safe(value: &str) -> String {
    value.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

fn render(resource: &Resource, head_only: bool, not_modified: bool) -> Vec<u8> {
    let status = if not_modified { 304 } else { resource.status };
    let mut head = String::with_capacity(256);
    let _ = write!(head, "HTTP/1.1 {status} {}\r\n", reason(status));
    let _ = write!(head, "Date: {}\r\n", http_date(Timestamp::now()));
    head.push_str("Server: liveblog-httpd\r\n");
    if let Some(etag) = &resource.etag {
        let _ = write!(head, "ETag: {}\r\n", header_safe(etag));
    }
    if let Some(modified) = &resource.last_modified {
        let _ = write!(head, "Last-Modified: {}\r\n", header_safe(modified));
    }
    for (name, value) in &resource.headers {
        let _ = write!(head, "{}: {}\r\n", header_safe(name), header_safe(value));
    }
    let has_body = !not_modified && status != 204 && !(100..200).contains(&status);
    if has_body {
        let _ = write!(
            head,
            "Content-Type: {}\r\n",
            header_safe(&resource.content_type)
        );
        let _ = write!(head, "Content-Length: {}\r\n", resource.body.len());
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut out = head.into_bytes();
    if has_body && !head_only {
        out.extend_from_slice(&resource.body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(head: &str) -> Option<Request> {
        parse_head(head.as_bytes())
    }

    #[test]
    fn parses_a_get() {
        let r = request("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"1\"")
            .expect("valid request");
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/a?b=1");
        assert_eq!(r.path(), "/a");
        assert_eq!(r.header("if-none-match"), Some("\"1\""));
    }

    #[test]
    fn rejects_garbage() {
        assert!(request("hello").is_none());
        assert!(request("GET / HTTP/9.9").is_none());
        assert!(request("GET  / HTTP/1.1").is_none());
        assert!(request("GET / HTTP/1.1\r\nno colon here").is_none());
        assert!(request("GET * HTTP/1.1").is_none());
        assert!(request("G(T / HTTP/1.1").is_none());
    }

    #[test]
    fn absolute_form_target() {
        let r = request("GET http://127.0.0.1:80/x/y HTTP/1.1").expect("valid");
        assert_eq!(r.target, "/x/y");
    }

    #[test]
    fn dates_round_trip() {
        let now = Timestamp::now();
        let text = http_date(now);
        assert!(text.ends_with(" GMT"), "{text}");
        let back = parse_http_date(&text).expect("parses");
        assert_eq!(back.as_second(), now.as_second());
    }

    #[test]
    fn etag_is_stable_and_strong() {
        assert_eq!(etag_for(b"abc"), etag_for(b"abc"));
        assert_ne!(etag_for(b"abc"), etag_for(b"abd"));
        assert!(etag_for(b"").starts_with('"'));
    }

    #[test]
    fn conditional_logic() {
        let resource = Resource::ok("text/plain", "x");
        let etag = resource.etag.clone().expect("etag");
        let modified = resource.last_modified.clone().expect("date");
        let with = |name: &str, value: &str| Request {
            method: "GET".into(),
            target: "/".into(),
            headers: vec![(name.into(), value.into())],
        };
        assert!(is_not_modified(&resource, &with("If-None-Match", &etag)));
        assert!(is_not_modified(
            &resource,
            &with("If-None-Match", &format!("\"zz\", W/{etag}"))
        ));
        assert!(!is_not_modified(
            &resource,
            &with("If-None-Match", "\"zz\"")
        ));
        assert!(is_not_modified(
            &resource,
            &with("If-Modified-Since", &modified)
        ));
        assert!(!is_not_modified(
            &resource,
            &with("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")
        ));
        assert!(!is_not_modified(
            &resource,
            &with("If-Modified-Since", "junk")
        ));
    }
}
