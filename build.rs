//! Tells the tests whether the shared third-party fixtures are beside the repository
//! (`../shared/fixtures`): the tests that read them carry
//! `#[cfg_attr(not(fixtures), ignore = "…")]`, so a fresh clone without them reports them
//! as ignored in cargo's own summary instead of as passing. (CI has them; `.ci/run`
//! fails when they are missing.)

fn main() {
    println!("cargo::rustc-check-cfg=cfg(fixtures)");
    let fixtures = std::path::Path::new("../shared/fixtures");
    // Rerun when the folder appears or goes.
    println!("cargo::rerun-if-changed=../shared/fixtures");
    if fixtures.is_dir() {
        println!("cargo::rustc-cfg=fixtures");
    }
}
