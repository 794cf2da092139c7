//! One integration-test binary (faster to link than one per file). Each area has a module;
//! fixture sites live under `tests/fixtures/<area>/<case>/`.

mod support;

mod checks;
mod content;
mod core;
mod crash;
mod currency;
mod hostile;
mod incremental;
mod search;
#[cfg(feature = "serve")]
mod serve;
mod suppression;
mod theme;
