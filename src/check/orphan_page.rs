use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

/// Pages that nothing links to and no section lists, so readers cannot reach them.
pub struct OrphanPage;

impl Check for OrphanPage {
    fn name(&self) -> &'static str {
        "orphan-page"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a page that no page links to and no section lists"
    }
    fn explain(&self) -> &'static str {
        "Section pages (`_index.md`) list the pages in their folder, so a page is an orphan only when\n\
         its folder has no section page and no other page links to it. Readers can then reach it only\n\
         through search.\n\nFix: add an `_index.md` to the folder, or link to the page."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, p) in site.pages.iter().enumerate() {
            let listed = site.parent[i].is_some_and(|s| site.children[s].contains(&i));
            if p.id.is_empty() || listed || !site.backlinks[i].is_empty() {
                continue;
            }
            out.push(
                Diagnostic::warning(self.name(), format!("orphan page: nothing links to `{}`", p.id))
                    .at(p.file, p.fm.span("title").unwrap_or(0..0))
                    .help("add an `_index.md` section page to its folder, or link to it from another page"),
            );
        }
    }
}
