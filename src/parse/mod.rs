//! PARSE: pure functions from text to values plus diagnostics. Parsing never fails: a broken
//! file yields what could be read and the diagnostics that say why the rest could not.
pub mod citations;
pub mod front_matter;
pub mod html;
pub mod markdown;
pub mod yaml;
