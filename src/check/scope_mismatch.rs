use super::cited::{self, describe, jurisdiction_parts};
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::jurisdiction_name;
use std::collections::BTreeSet;

/// A page that `applies_to` a jurisdiction the law it cites does not extend to.
pub struct ScopeMismatch;

impl Check for ScopeMismatch {
    fn name(&self) -> &'static str {
        "scope-mismatch"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a page applies to a jurisdiction outside a cited provision's extent"
    }
    fn explain(&self) -> &'static str {
        "Criminal law differs across the UK: an offence in an Act that extends to England and Wales\n\
         does not exist in Scotland. A page whose `applies_to` names a jurisdiction outside the\n\
         `legislation.extent` of a provision it cites (or of its act, when the provision's summary\n\
         gives none) tells readers there the wrong law. `england-and-wales` covers England and\n\
         Wales, `great-britain` adds Scotland, `united-kingdom` adds Northern Ireland. Reported at\n\
         the first citation of the provision on the page, with the page's `applies_to` line and the\n\
         summary's `extent`.\n\n\
         Example:\n    applies_to: [england-and-wales, scotland]\n    ... charge under s.4A PHA 1997 ...          <- extent: [england-and-wales]\n\n\
         Fix: narrow `applies_to`, or cite the law that applies in the other jurisdiction (on a\n\
         page of its own)."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, page) in site.pages.iter().enumerate() {
            if page.fm.applies_to.is_empty() {
                continue;
            }
            for c in cited::first_cites(site, i) {
                let chain = cited::chain(site, c.target);
                if chain.contains(&i) {
                    continue;
                }
                // The most specific summary that states an extent.
                let Some(p) = chain.iter().copied().find(|&p| {
                    site.pages[p]
                        .fm
                        .legal
                        .legislation
                        .as_ref()
                        .is_some_and(|l| !l.extent.is_empty())
                }) else {
                    continue;
                };
                let extent = &site.pages[p].fm.legal.legislation.as_ref().unwrap().extent;
                let covered: BTreeSet<String> =
                    extent.iter().flat_map(|e| jurisdiction_parts(e)).collect();
                let outside: Vec<&String> = page
                    .fm
                    .applies_to
                    .iter()
                    .filter(|j| !jurisdiction_parts(j).is_subset(&covered))
                    .collect();
                let Some(first) = outside.first() else {
                    continue;
                };
                let names = |v: &mut dyn Iterator<Item = &String>| {
                    list(&v.map(|j| jurisdiction_name(j)).collect::<Vec<_>>())
                };
                let summary = &site.pages[p];
                let k = page
                    .fm
                    .applies_to
                    .iter()
                    .position(|j| j == *first)
                    .unwrap_or(0);
                out.push(
                    Diagnostic::error(
                        self.name(),
                        format!(
                            "this page applies to {}, but {} extends only to {}",
                            names(&mut outside.iter().copied()),
                            describe(site, c.target),
                            names(&mut extent.iter())
                        ),
                    )
                    .at_label(c.file, c.range.clone(), "cited here")
                    .related(
                        page.file,
                        cited::fm_span(page, &[&format!("applies_to[{k}]"), "applies_to"]),
                        "`applies_to`",
                    )
                    .related(
                        summary.file,
                        cited::fm_span(summary, &["legislation.extent"]),
                        "the provision's extent",
                    )
                    .help(format!(
                        "narrow `applies_to` to where the law applies ({}), or cite the law that applies in {}",
                        names(&mut extent.iter()),
                        names(&mut outside.iter().copied())
                    )),
                );
            }
        }
    }
}

/// "Scotland", "Scotland and Wales", "England and Wales, and Northern Ireland".
fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            let sep = if names.iter().any(|n| n.contains(" and ")) {
                ", and "
            } else {
                " and "
            };
            format!("{}{sep}{last}", rest.join(", "))
        }
    }
}
