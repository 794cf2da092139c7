//! `numeric-drift`: near-identical sentences on different pages that differ in a number,
//! duration, date, negation, antonym ("before" / "after") or modal verb: copies of guidance
//! that drifted apart. must vs should on near-identical sentences is a divergence reported
//! as a warning (SPEC §6.4). Candidates come from [`super::similarity`].

use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

pub struct NumericDrift;

pub const NAME: &str = "numeric-drift";

impl Check for NumericDrift {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "near-identical sentences on different pages differ in a number, date, negation or modal verb"
    }
    fn explain(&self) -> &'static str {
        "Guidance is often copied from page to page, and copies drift: one page is updated and\n\
         the other is not. Every sentence is reduced to a skeleton with its figures (numbers in\n\
         words or digits, durations, dates), modal verbs, negators and a closed list of antonyms\n\
         (before/after, minimum/maximum, with/without ...) masked out; sentences with the same\n\
         skeleton on different pages are copies, and their masked values are compared. Lightly\n\
         edited copies are found by MinHash. Equal figures written differently (\"12 months\" and\n\
         \"1 year\", \"three days\" and \"72 hours\") are the same. Sentences about different\n\
         provisions, or whose pages' scopes (`applies_to`, `audience`) do not overlap, are not\n\
         copies of each other. A finding is reported at the later place in path order, with\n\
         the earlier one beside it. A must/should difference is a warning; a must/must not\n\
         difference on the same action is a `directive-conflict`, and a figure that contradicts\n\
         a legal summary is a `fact-mismatch` instead.\n\n\
         Example:\n    guidance/a.md: The subject must notify the police within 3 days of the order being served.\n    \
         guidance/b.md: The subject must notify the police within 7 days of the order being served.\n    \
         -> numeric-drift at guidance/b.md: 7 days here, 3 days in guidance/a.md\n\n\
         Fix: decide which is right and correct the other; better, single-source the passage\n\
         in a snippet and include it in both pages."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let st = cx.statements();
        for d in &cx.similar().drift {
            let (l, e) = (&st.items[d.later as usize], &st.items[d.earlier as usize]);
            let (lt, et) = (l.text(site), e.text(site));
            let other = site.sources.get(e.file).display.clone();
            let parts: Vec<String> = d
                .differences
                .iter()
                .map(|x| format!("{} here, {}", x.here_text, x.there_text))
                .collect();
            let what = if d.divergence {
                "must and should differ"
            } else {
                "near-identical passages differ"
            };
            let msg = format!("{what}: {} in {other}", parts.join("; "));
            let first = &d.differences[0];
            let here = first.here.clone().unwrap_or(l.intro_len()..lt.len());
            let there = first.there.clone().unwrap_or(e.intro_len()..et.len());
            let (fa, ra) = l.locate(site, &here);
            let (fb, rb) = e.locate(site, &there);
            let severity = if d.divergence {
                Severity::Warning
            } else {
                self.default_severity()
            };
            out.push(
                Diagnostic::new(NAME, severity, msg)
                    .at_label(fa, ra, format!("{} here", first.here_text))
                    .related(fb, rb, format!("{} in the other copy", first.there_text))
                    .help(
                        "decide which is right and correct the other; better, single-source the passage: put it in content/_snippets/ and include it in both pages",
                    ),
            );
        }
    }
}
