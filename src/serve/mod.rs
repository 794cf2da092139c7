//! SERVE: the editors' live preview and the forces' mirror server.

/// `waymark serve`.
pub fn run(
    _root: &std::path::Path,
    _quiet: bool,
    _args: crate::cli::ServeArgs,
) -> std::process::ExitCode {
    eprintln!("error: serving is not built yet");
    std::process::ExitCode::from(2)
}
