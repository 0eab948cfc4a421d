//! The HTTP client at the edge: conditional GET, limits, decompression, errors as values.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};

/// The largest body read from a source, after decompression.
pub const DEFAULT_MAX_BODY: usize = 20 * 1024 * 1024;

/// Cache validators for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` of the last full response.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full response.
    pub last_modified: Option<String>,
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
}

/// What one fetch gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators were issued.
    NotModified,
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
    #[error("HTTP {0}")]
    Status(String),
    /// The body was over the size cap.
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    /// Too many redirects.
    #[error("too many redirects")]
    Redirects,
    /// Any other transport failure.
    #[error("{0}")]
    Transport(String),
    /// A local file could not be read.
    #[error("cannot read {path}: {reason}")]
    File { path: String, reason: String },
}

/// Fetches sources: one per process, shared by every poll (connection reuse).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
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
            .redirect(reqwest::redirect::Policy::limited(10))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|err| FetchError::Transport(one_line(&err)))?;
        Ok(Fetcher {
            client,
            timeout,
            max_body: DEFAULT_MAX_BODY,
        })
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
        }))
    }

    async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self.client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
        let mut response = request.send().await.map_err(|err| self.classify(&err))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            let reason = status.canonical_reason().unwrap_or("error");
            return Err(FetchError::Status(format!("{} {reason}", status.as_u16())));
        }
        let headers = response.headers().clone();
        let final_url = response.url().to_string();
        if response
            .content_length()
            .is_some_and(|length| length > self.max_body as u64)
        {
            return Err(FetchError::TooLarge(self.max_body));
        }
        // Read chunk by chunk so a huge (or decompression-bomb) body stops at the cap.
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.classify(&err))? {
            if bytes.len() + chunk.len() > self.max_body {
                return Err(FetchError::TooLarge(self.max_body));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body(Body {
            bytes,
            content_type: header(&headers, CONTENT_TYPE),
            final_url,
            validators: Validators {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
        }))
    }

    fn classify(&self, err: &reqwest::Error) -> FetchError {
        if err.is_timeout() {
            FetchError::Timeout(self.timeout)
        } else if err.is_redirect() {
            FetchError::Redirects
        } else if err.is_connect() {
            FetchError::Connect(root_cause(err))
        } else {
            FetchError::Transport(one_line(err))
        }
    }
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
