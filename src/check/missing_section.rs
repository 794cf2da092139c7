use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::model::Kind;
use crate::parse::markdown::slugify;

/// The body sections every practice-bank entry has (SPEC §3).
pub const PRACTICE_SECTIONS: [&str; 8] = [
    "Aim",
    "Intended outcome",
    "Description",
    "Evaluation",
    "Overall impact",
    "Leadership and governance",
    "Implementation",
    "Learning",
];

pub struct MissingSection;

impl Check for MissingSection {
    fn name(&self) -> &'static str {
        "missing-section"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a practice-bank entry without one of its standard sections"
    }
    fn explain(&self) -> &'static str {
        "Practice-bank entries share one shape so readers can compare them: sections headed Aim,\n\
         Intended outcome, Description, Evaluation, Overall impact, Leadership and governance,\n\
         Implementation and Learning. The finding is reported at line 1 of the entry.\n\n\
         Fix: add the missing headings (write \"Not yet known\" where there is nothing to say)."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, p) in site.pages.iter().enumerate() {
            if p.kind != Kind::Practice || p.is_section {
                continue;
            }
            let have: Vec<String> = site.docs[i]
                .headings
                .iter()
                .map(|h| slugify(&h.text))
                .collect();
            let missing: Vec<&str> = PRACTICE_SECTIONS
                .iter()
                .copied()
                .filter(|s| !have.contains(&slugify(s)))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let line1 = site.sources.get(p.file).text.find('\n').unwrap_or(0);
            out.push(
                Diagnostic::warning(self.name(), format!("practice entry is missing section{}: {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")))
                    .at(p.file, 0..line1)
                    .help("practice entries have sections headed Aim, Intended outcome, Description, Evaluation, Overall impact, Leadership and governance, Implementation, Learning"),
            );
        }
    }
}
