use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::model::Status;

/// Published pages without a summary (search results and lists show it).
pub struct MissingSummary;

impl Check for MissingSummary {
    fn name(&self) -> &'static str {
        "missing-summary"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a published page without `summary`"
    }
    fn explain(&self) -> &'static str {
        "Lists, search results and the page header show the summary: one or two sentences that tell\n\
         an officer whether this is the page they need.\n\nFix: add `summary: ...` to the front matter."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        for p in &cx.site.pages {
            if p.fm.status != Status::Published
                || p.fm
                    .summary
                    .as_deref()
                    .is_some_and(|s| !s.trim().is_empty())
            {
                continue;
            }
            if cx.site.sources.get(p.file).text.is_empty() {
                continue;
            }
            let span = p.fm.span("title").unwrap_or(0..0);
            out.push(
                Diagnostic::warning(self.name(), "published page has no summary")
                    .at(p.file, span)
                    .help("add `summary:` with one or two sentences"),
            );
        }
    }
}
