//! The sources: fetching a URL or file ([`fetch`]), deciding when each source is due
//! ([`schedule`]), and polling them ([`poller`]) into owned [`poller::Poll`] results for
//! the cache. Uses `config`, `model` and `parse`; knows nothing of the cache or the screen.

pub mod fetch;
pub mod poller;
pub mod schedule;
