//! `duplicate-passage`: identical or near-identical passages (paragraphs, whole lists) on
//! several pages, which should be single-sourced in a snippet. Text included from a snippet
//! is checked once, where it lives, so it is never a duplicate of itself. Candidates come
//! from [`super::similarity`].

use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

pub struct DuplicatePassage;

pub const NAME: &str = "duplicate-passage";

impl Check for DuplicatePassage {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "the same passage appears on several pages; single-source it in a snippet"
    }
    fn explain(&self) -> &'static str {
        "A paragraph or list of 20 words or more that appears, identical or near-identical\n\
         (MinHash on 3-word shingles, then an exact Jaccard similarity of at least 0.7), on\n\
         another page with the same figures is a duplicate: two copies will drift apart the\n\
         first time one is edited. Copies that already differ in a figure, a negation or a\n\
         modal verb are reported as `numeric-drift` instead. Each later copy (in path order) is\n\
         reported once, with the earliest copy beside it. Text included from a snippet is\n\
         checked where it lives and is never a duplicate of itself.\n\n\
         Example:\n    guidance/a.md and guidance/b.md both carry the paragraph on the National Stalking Helpline.\n    \
         -> duplicate-passage at guidance/b.md, with guidance/a.md shown beside it\n\n\
         Fix: move the passage to content/_snippets/NAME.md and write\n    {{ include(path=\"_snippets/NAME.md\") }}\n\
         on a line of its own in each page."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let st = cx.statements();
        for d in &cx.similar().duplicates {
            let (l, e) = (
                &st.passages[d.later as usize],
                &st.passages[d.earlier as usize],
            );
            let other = &site.sources.get(e.file).display;
            let how = if d.similarity >= 0.999 {
                "repeats"
            } else {
                "nearly repeats"
            };
            out.push(
                Diagnostic::new(
                    NAME,
                    self.default_severity(),
                    format!("this passage {how} one in {other} ({} words)", l.words),
                )
                .at_label(l.file, first_line(site, l.file, &l.range), "this passage")
                .related(e.file, first_line(site, e.file, &e.range), "also here")
                .help(
                    "single-source it with include: move the text to content/_snippets/NAME.md and write {{ include(path=\"_snippets/NAME.md\") }} in both pages",
                ),
            );
        }
    }
}

/// The passage's first line: enough to show where it is without printing all of it.
fn first_line(
    site: &crate::graph::Site,
    file: crate::diag::FileId,
    r: &std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let text = &site.sources.get(file).text;
    let end = text
        .get(r.start..r.end)
        .and_then(|t| t.find('\n'))
        .map_or(r.end, |i| r.start + i);
    r.start..end
}
