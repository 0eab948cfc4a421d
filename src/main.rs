//! The `liveblog` binary.

/// mimalloc, not glibc's malloc: glibc gives each thread that allocates an arena of its
/// own and keeps what is freed there, so the reader's first poll of huge feeds (parsed
/// on blocking threads, stored on the cache worker, held on the UI thread) kept about
/// 120 MB it no longer used (five 28 MB feeds: 254 MB peak and 223 MB settled; 241 MB
/// and 105-123 MB with mimalloc 3; `bench/poll-huge.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    liveblog::cli::main()
}
