use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::model::Status;

/// Pages whose `review_due` date has passed.
pub struct ReviewOverdue;

impl Check for ReviewOverdue {
    fn name(&self) -> &'static str {
        "review-overdue"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a page whose `review_due` date has passed"
    }
    fn explain(&self) -> &'static str {
        "Every page carries the date by which its owner must review it. After that date readers\n\
         cannot trust that it still matches the law and practice, so the page is reported at its\n\
         `review_due` line. Today is `--today` (YYYY-MM-DD) or the clock; a review due today is not\n\
         yet overdue, the day after it is. Withdrawn pages are not reported.\n\n\
         Example (with --today 2026-03-02):\n    review_due: 2026-03-01        <- overdue by 1 day\n\n\
         Fix: review the page, then move `review_due` on (and `updated`, if it changed)."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        for p in &cx.site.pages {
            let Some(due) = p.fm.review_due else { continue };
            if due >= cx.today || p.fm.status == Status::Withdrawn {
                continue;
            }
            // Date differences are in days by default.
            let ago = due.until(cx.today).map_or(0, |s| s.get_days());
            let plural = if ago == 1 { "" } else { "s" };
            out.push(
                Diagnostic::warning(
                    self.name(),
                    format!("review was due on {due}, {ago} day{plural} before {}", cx.today),
                )
                .at_label(
                    p.file,
                    p.fm.span("review_due").unwrap_or(0..0),
                    "review date passed",
                )
                .help("review the page against current law and practice, then set a new `review_due` (and `updated` if the page changed)"),
            );
        }
    }
}
