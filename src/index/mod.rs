//! INDEX: the search indexes, written into the output folder.

pub mod query;

use crate::graph::Site;
use std::path::Path;

/// Builds the search indexes for `site` into the folder `out`.
pub fn build(_site: &Site, _out: &Path, _static_search: bool) -> Result<(), String> {
    Ok(())
}

/// `waymark search`.
pub fn cli_search(_root: &Path, _args: crate::cli::SearchArgs) -> std::process::ExitCode {
    eprintln!("error: search is not built yet");
    std::process::ExitCode::from(2)
}
