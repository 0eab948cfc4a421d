fn main() -> std::process::ExitCode {
    liveblog::cli::main()
}
