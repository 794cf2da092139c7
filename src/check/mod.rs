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
pub mod definition_conflict;
mod deprecated_term;
pub mod directive_conflict;
mod duplicate_id;
pub mod duplicate_passage;
pub mod fact_mismatch;
mod heading_order;
mod inconsistent_expansion;
mod missing_alt_text;
mod missing_section;
mod missing_summary;
pub mod must_without_basis;
pub mod numeric_drift;
mod orphan_page;
pub mod overlay_conflict;
mod predates_amendment;
mod repealed_citation;
mod review_overdue;
mod scope_mismatch;
pub mod similarity;
pub mod statements;
pub mod suppress;
mod undefined_abbreviation;
mod unknown_citation;
mod unknown_id;
mod words;

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::graph::Site;
use jiff::civil::Date;
use rayon::prelude::*;
use std::sync::OnceLock;

/// Inputs every check may read.
pub struct CheckContext<'a> {
    pub site: &'a Site,
    /// The date `review-overdue` compares against: `--today`, or the clock (the only place a
    /// date from the clock is used).
    pub today: Date,
    shared: Shared,
}

/// Analysis shared by the consistency checks, computed once per run on first use.
#[derive(Default)]
struct Shared {
    statements: OnceLock<statements::Statements>,
    facts: OnceLock<Vec<fact_mismatch::Mismatch>>,
    conflicts: OnceLock<Vec<directive_conflict::Conflict>>,
    similar: OnceLock<similarity::Similar>,
    abbreviations: OnceLock<Vec<abbrev::PageAbbreviations>>,
}

impl<'a> CheckContext<'a> {
    pub fn new(site: &'a Site, today: Date) -> Self {
        CheckContext {
            site,
            today,
            shared: Shared::default(),
        }
    }

    /// Statements and passages of every page (sentences classified, skeletons, shingles).
    pub fn statements(&self) -> &statements::Statements {
        self.shared
            .statements
            .get_or_init(|| statements::Statements::build(self.site))
    }

    /// Figures that contradict a cited provision's legal summary.
    pub fn fact_mismatches(&self) -> &[fact_mismatch::Mismatch] {
        self.shared.facts.get_or_init(|| fact_mismatch::find(self))
    }

    /// Directive conflicts, later statement first.
    pub fn directive_conflicts(&self) -> &[directive_conflict::Conflict] {
        self.shared
            .conflicts
            .get_or_init(|| directive_conflict::find(self.statements()))
    }

    /// Abbreviation uses and expansions of every page, read once for the two checks that
    /// need them.
    pub fn abbreviations(&self) -> &[abbrev::PageAbbreviations] {
        self.shared.abbreviations.get_or_init(|| {
            (0..self.site.pages.len())
                .into_par_iter()
                .map(|i| abbrev::scan_page(self.site, i))
                .collect()
        })
    }

    /// Drifted copies and duplicated passages.
    pub fn similar(&self) -> &similarity::Similar {
        self.shared.similar.get_or_init(|| similarity::find(self))
    }
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
    /// Whether the check analyses text across the whole site (statements, similar passages,
    /// glossary terms in every body, citation chains): seconds on a large site, where the
    /// structure checks (links, anchors, ids, headings, front matter) take milliseconds. The
    /// live preview publishes a save once the structure checks pass and runs these in the
    /// background; `waymark check` and `build` run every check alike.
    fn cross_page(&self) -> bool {
        false
    }
}

/// Which checks a run includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every check: `waymark check`, `build`, and the preview's background run.
    All,
    /// The checks that are not [`Check::cross_page`]: what the preview runs before it publishes
    /// a save.
    Structure,
}

impl Selection {
    /// Whether a run of this selection includes the check called `name` (checks outside the
    /// registry, reported by earlier stages, are in every run).
    pub fn includes(self, name: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Structure => !cross_page_names().contains(&name),
        }
    }
}

/// Names of the [`Check::cross_page`] checks.
pub fn cross_page_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        registry()
            .iter()
            .filter(|c| c.cross_page())
            .map(|c| c.name())
            .collect()
    })
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
        Box::new(fact_mismatch::FactMismatch),
        Box::new(directive_conflict::DirectiveConflict),
        Box::new(numeric_drift::NumericDrift),
        Box::new(duplicate_passage::DuplicatePassage),
        Box::new(definition_conflict::DefinitionConflict),
        Box::new(must_without_basis::MustWithoutBasis),
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

/// Checks that read the shared statement analysis: it is built before they run, so that its
/// parallel work is not serialised behind one check.
const STATEMENT_CHECKS: &[&str] = &[
    fact_mismatch::NAME,
    directive_conflict::NAME,
    numeric_drift::NAME,
    duplicate_passage::NAME,
    definition_conflict::NAME,
    must_without_basis::NAME,
];

/// Runs every enabled check in parallel; output order is fixed by sorting afterwards.
///
/// Severity: `site.yaml` `checks:` overrides every finding of a check; otherwise a finding
/// keeps the check's default, or a lower severity the check chose for it (a must/should
/// divergence, or a local page that has not caught up with national guidance, is a warning of
/// an error-level check).
///
/// Contradictions between a force's local page and national guidance then become
/// `overlay-conflict` findings. Suppressions are applied by the caller, over every finding of
/// the run ([`suppress::apply`]).
pub fn run(cx: &CheckContext) -> Vec<Diagnostic> {
    run_selected(cx, Selection::All, &|| false).unwrap_or_default()
}

/// Runs the checks of a selection, as [`run`]. `cancelled` is asked before the shared analysis
/// and before each check: once it says yes, the run stops and returns `None` (a newer save has
/// made the preview's background run pointless).
pub fn run_selected(
    cx: &CheckContext,
    selection: Selection,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Diagnostic>> {
    let checks: Vec<Box<dyn Check>> = registry()
        .into_iter()
        .filter(|c| selection.includes(c.name()))
        .collect();
    let cfg = &cx.site.config;
    let enabled = |name: &str| !matches!(cfg.check(name).and_then(|cc| cc.severity), Some(None));
    let timings = std::env::var_os("WAYMARK_TIMINGS").is_some();
    if STATEMENT_CHECKS
        .iter()
        .any(|n| enabled(n) && selection.includes(n))
    {
        if cancelled() {
            return None;
        }
        let t = std::time::Instant::now();
        let _ = cx.statements();
        if timings {
            eprintln!(
                "timing:   statements {:>8.1} ms wall {:>6} MB peak",
                t.elapsed().as_secs_f64() * 1000.0,
                crate::pipeline::peak_rss_mb()
            );
        }
    }
    let per_check: Vec<Option<Vec<Diagnostic>>> = checks
        .par_iter()
        .map(|c| {
            if cancelled() {
                return None;
            }
            let configured = match cfg.check(c.name()).and_then(|cc| cc.severity) {
                Some(None) => return Some(Vec::new()),
                Some(Some(s)) => Some(s),
                None => None,
            };
            let mut out = Vec::new();
            let started = std::time::Instant::now();
            c.run(cx, &mut out);
            if timings {
                eprintln!(
                    "timing: check {:<24} {:>8.1} ms{}",
                    c.name(),
                    started.elapsed().as_secs_f64() * 1000.0,
                    if c.cross_page() { " (cross-page)" } else { "" }
                );
            }
            for d in &mut out {
                d.severity = match configured {
                    Some(s) => s,
                    // `Severity` orders Error < Warning < Info: keep the less severe.
                    None => d.severity.max(c.default_severity()),
                };
            }
            Some(out)
        })
        .collect();
    let mut all: Vec<Diagnostic> = Vec::new();
    for found in per_check {
        all.extend(found?);
    }
    overlay_conflict::reclassify(
        cx.site,
        cfg.check(overlay_conflict::NAME).and_then(|cc| cc.severity),
        &mut all,
    );
    Some(all)
}
