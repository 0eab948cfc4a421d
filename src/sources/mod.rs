//! The sources: fetching a URL or file ([`fetch`]), deciding when each source is due
//! ([`schedule`]), polling them ([`poller`]) into owned [`poller::Poll`] results for
//! the cache, and, for a URL a user pastes, finding what to follow there
//! ([`discover`]) and naming it ([`naming`]). Uses `config`, `model` and `parse`;
//! knows nothing of the cache or the screen.

pub mod discover;
pub mod fetch;
pub mod naming;
pub mod poller;
pub mod schedule;
