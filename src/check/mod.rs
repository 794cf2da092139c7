//! CHECK: every check, one module each, behind one registry. A check reads the linked site
//! and pushes diagnostics; it never does I/O. Severity comes from the check's default or from
//! `site.yaml` `checks:`; suppressions are applied afterwards (`suppress`), once for all.
//!
//! To add a check: write a module with a unit struct implementing [`Check`], add it to
//! [`registry`], and give it a fixture under `tests/fixtures/checks/` with a failing case and
//! a consistent near-miss.

mod abbrev;
pub mod baseline;
mod broken_anchor;
mod broken_link;
mod cited;
mod deprecated_term;
mod duplicate_id;
mod heading_order;
mod inconsistent_expansion;
mod missing_alt_text;
mod missing_section;
mod missing_summary;
mod orphan_page;
pub mod overlay_conflict;
mod predates_amendment;
mod repealed_citation;
mod review_overdue;
mod scope_mismatch;
pub mod suppress;
mod undefined_abbreviation;
mod unknown_citation;
mod unknown_id;
mod words;

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::graph::Site;
use jiff::civil::Date;
use rayon::prelude::*;

/// Inputs every check may read.
pub struct CheckContext<'a> {
    pub site: &'a Site,
    /// The date `review-overdue` compares against: `--today`, or the clock (the only place a
    /// date from the clock is used).
    pub today: Date,
}

pub trait Check: Sync + Send {
    /// Stable kebab-case name.
    fn name(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
    /// One line: what the check finds.
    fn summary(&self) -> &'static str;
    /// `waymark check --explain NAME`: what it does, why, an example and how to fix it.
    fn explain(&self) -> &'static str;
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>);
}

/// Every check, in a fixed order.
pub fn registry() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(broken_link::BrokenLink),
        Box::new(broken_anchor::BrokenAnchor),
        Box::new(unknown_id::UnknownId),
        Box::new(duplicate_id::DuplicateId),
        Box::new(orphan_page::OrphanPage),
        Box::new(missing_section::MissingSection),
        Box::new(heading_order::HeadingOrder),
        Box::new(missing_alt_text::MissingAltText),
        Box::new(missing_summary::MissingSummary),
        Box::new(repealed_citation::RepealedCitation),
        Box::new(unknown_citation::UnknownCitation),
        Box::new(predates_amendment::PredatesAmendment),
        Box::new(scope_mismatch::ScopeMismatch),
        Box::new(deprecated_term::DeprecatedTerm),
        Box::new(undefined_abbreviation::UndefinedAbbreviation),
        Box::new(inconsistent_expansion::InconsistentExpansion),
        Box::new(review_overdue::ReviewOverdue),
        Box::new(overlay_conflict::OverlayConflict),
    ]
}

/// Names and summaries of checks whose findings come from earlier stages.
pub const STAGE_RULES: &[(&str, &str, Severity)] = &[
    (
        "front-matter",
        "front matter: schema, types, unknown keys, dates",
        Severity::Error,
    ),
    (
        "source",
        "files that cannot be read: encoding, size, binary, links",
        Severity::Error,
    ),
    (
        "config",
        "site.yaml: schema, types, unknown keys",
        Severity::Error,
    ),
    (
        "template",
        "theme templates that fail to load or render",
        Severity::Error,
    ),
    (
        "restricted-content",
        "restricted content markers and leaks",
        Severity::Error,
    ),
    (
        "unsafe-html",
        "raw HTML that is removed (an error with `html: refuse`)",
        Severity::Warning,
    ),
    (
        "limits",
        "resource limits: nesting of lists, blockquotes and raw HTML",
        Severity::Error,
    ),
    (
        "suppression",
        "suppressions without a reason, or that suppress nothing",
        Severity::Warning,
    ),
];

/// Every check name SPEC §6.1 catalogues. A suppression may name any of them: one this build
/// does not run is not a typo (it is reported only if the name is in no list at all).
pub const CATALOGUE: &[&str] = &[
    "front-matter",
    "broken-link",
    "broken-anchor",
    "unknown-id",
    "duplicate-id",
    "orphan-page",
    "missing-section",
    "heading-order",
    "missing-alt-text",
    "missing-summary",
    "fact-mismatch",
    "directive-conflict",
    "numeric-drift",
    "duplicate-passage",
    "definition-conflict",
    "repealed-citation",
    "unknown-citation",
    "predates-amendment",
    "scope-mismatch",
    "deprecated-term",
    "undefined-abbreviation",
    "inconsistent-expansion",
    "must-without-basis",
    "review-overdue",
    "overlay-conflict",
];

pub fn rules() -> Vec<RuleInfo> {
    let mut r: Vec<RuleInfo> = registry()
        .iter()
        .map(|c| RuleInfo {
            name: c.name(),
            summary: c.summary(),
            default_severity: c.default_severity(),
        })
        .collect();
    r.extend(STAGE_RULES.iter().map(|(n, s, sev)| RuleInfo {
        name: n,
        summary: s,
        default_severity: *sev,
    }));
    r
}

/// Looks up a check for `--explain`.
pub fn explain(name: &str) -> Option<String> {
    registry().into_iter().find(|c| c.name() == name).map(|c| {
        format!(
            "{} (default: {})\n\n{}\n\n{}\n",
            c.name(),
            c.default_severity().as_str(),
            c.summary(),
            c.explain().trim()
        )
    })
}

/// Runs every enabled check in parallel; output order is fixed by sorting afterwards.
///
/// Severity: `site.yaml` `checks:` overrides every finding of a check; otherwise a finding
/// keeps the check's default, or a lower severity the check chose for it (a local page that
/// has not caught up with national guidance is a warning of an error-level check).
///
/// Contradictions between a force's local page and national guidance then become
/// `overlay-conflict` findings. Suppressions are applied by the caller, over every finding of
/// the run ([`suppress::apply`]).
pub fn run(cx: &CheckContext) -> Vec<Diagnostic> {
    let checks = registry();
    let cfg = &cx.site.config;
    let per_check: Vec<Vec<Diagnostic>> = checks
        .par_iter()
        .map(|c| {
            let configured = match cfg.check(c.name()).and_then(|cc| cc.severity) {
                Some(None) => return Vec::new(),
                Some(Some(s)) => Some(s),
                None => None,
            };
            let mut out = Vec::new();
            c.run(cx, &mut out);
            for d in &mut out {
                d.severity = match configured {
                    Some(s) => s,
                    // `Severity` orders Error < Warning < Info: keep the less severe.
                    None => d.severity.max(c.default_severity()),
                };
            }
            out
        })
        .collect();
    let mut all: Vec<Diagnostic> = per_check.into_iter().flatten().collect();
    overlay_conflict::reclassify(
        cx.site,
        cfg.check(overlay_conflict::NAME).and_then(|cc| cc.severity),
        &mut all,
    );
    all
}
