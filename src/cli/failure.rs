//! Why a command failed, and so which exit code it gets (shared by every command).

use std::io;

use crate::config::ConfigError;

/// Why a command failed, and so which exit code it gets.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or a bad config: exit 2.
    Usage(String),
    /// The work failed: exit 1.
    Work(String),
    /// stdout was closed (`| head`): stop quietly, exit 0.
    ClosedPipe,
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Failure {
        Failure::Usage(format!("config {err}"))
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Work(err.to_string())
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Failure {
        Failure::Work(format!("{err:#}"))
    }
}

impl From<crate::sources::fetch::FetchError> for Failure {
    fn from(err: crate::sources::fetch::FetchError) -> Failure {
        Failure::Work(format!("HTTP client: {err}"))
    }
}

impl From<crate::store::StoreError> for Failure {
    fn from(err: crate::store::StoreError) -> Failure {
        Failure::Work(err.to_string())
    }
}
