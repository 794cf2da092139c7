use super::abbrev::{self, Expansion};
use super::undefined_abbreviation::place;
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// One abbreviation written out in different words on different pages, or differently from
/// the glossary.
pub struct InconsistentExpansion;

impl Check for InconsistentExpansion {
    fn name(&self) -> &'static str {
        "inconsistent-expansion"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "an abbreviation written out differently on different pages, or differently from the glossary"
    }
    fn explain(&self) -> &'static str {
        "An abbreviation should mean one thing everywhere. Where the glossary has it, every page\n\
         that writes it out must use the glossary's term or one of its `synonyms`. Where the\n\
         glossary does not, the pages must agree with each other: the most common form wins, ties\n\
         going to the first page in path order, and each other form is reported, once per page.\n\
         Case, plurals, hyphens and `&` for `and` do not count as differences.\n\n\
         Example:\n    glossary/spo.md:      term: stalking protection order, abbreviation: SPO\n    guidance/orders.md:   ... a stalking prevention order (SPO) ...   <- differs\n\n\
         Fix: use the glossary's words, or add the form to the term's `synonyms` if it is also\n\
         right."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        // What the glossary accepts for each abbreviation: its term and synonyms, where they
        // spell it.
        #[allow(clippy::type_complexity)]
        let mut glossary: BTreeMap<
            String,
            (usize, BTreeSet<Vec<String>>, BTreeSet<Vec<String>>),
        > = BTreeMap::new();
        for (gi, g) in site.glossary.iter().enumerate() {
            // The abbreviation, or a term that is itself one ("MARAC", with its expansion
            // among the synonyms).
            let Some(a) = g
                .abbreviation
                .as_deref()
                .or(Some(g.term.as_str()))
                .and_then(|a| abbrev::base(a.trim()))
            else {
                continue;
            };
            // A term written with its abbreviation ("Stalking protection order (SPO)") is
            // compared without it.
            let forms: BTreeSet<Vec<String>> = std::iter::once(&g.term)
                .chain(&g.synonyms)
                .map(|t| strip_abbreviation(t, &a))
                .filter(|t| abbrev::expands(&a, t))
                .map(abbrev::normalise)
                .collect();
            // A deprecated variant is `deprecated-term`'s finding, the more specific one.
            let deprecated: BTreeSet<Vec<String>> = g
                .deprecated
                .iter()
                .map(|d| abbrev::normalise(&d.variant))
                .collect();
            if !forms.is_empty() {
                glossary.entry(a).or_insert((gi, forms, deprecated));
            }
        }
        let mut all: BTreeMap<String, Vec<(usize, Expansion)>> = BTreeMap::new();
        for (i, page) in cx.abbreviations().iter().enumerate() {
            for e in &page.expansions {
                all.entry(e.abbr.clone()).or_default().push((i, e.clone()));
            }
        }
        for (abbr, list) in all {
            // Each differing form once per page.
            let mut reported: BTreeSet<(usize, Vec<String>)> = BTreeSet::new();
            if let Some((gi, forms, deprecated)) = glossary.get(&abbr) {
                let g = &site.glossary[*gi];
                let Some(&gp) = site.by_id.get(&g.page) else {
                    continue;
                };
                let gpage = &site.pages[gp];
                for (i, e) in &list {
                    if forms.contains(&e.norm)
                        || deprecated.contains(&e.norm)
                        || !reported.insert((*i, e.norm.clone()))
                    {
                        continue;
                    }
                    let Some((file, range)) = place(site, *i, e.block, &e.at) else {
                        continue;
                    };
                    out.push(
                        Diagnostic::warning(
                            self.name(),
                            format!(
                                "`{abbr}` is written out as \"{}\", but the glossary gives \"{}\"",
                                e.text, g.term
                            ),
                        )
                        .at_label(file, range, "written out here")
                        .related(
                            gpage.file,
                            gpage.fm.span("term").or_else(|| gpage.fm.span("title")).unwrap_or(0..0),
                            "the glossary's term",
                        )
                        .help(format!(
                            "write \"{}\", or add this form to the glossary term's `synonyms` if it is also right",
                            g.term
                        )),
                    );
                }
                continue;
            }
            // No glossary entry: the most common form is the reference.
            let mut counts: BTreeMap<&Vec<String>, (usize, usize)> = BTreeMap::new();
            for (n, (_, e)) in list.iter().enumerate() {
                let c = counts.entry(&e.norm).or_insert((0, n));
                c.0 += 1;
            }
            let Some((reference, &(_, first))) = counts
                .iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
            else {
                continue;
            };
            let reference = (*reference).clone();
            let (ri, re) = &list[first];
            let Some((rf, rr)) = place(site, *ri, re.block, &re.at) else {
                continue;
            };
            for (i, e) in &list {
                if e.norm == reference || !reported.insert((*i, e.norm.clone())) {
                    continue;
                }
                let Some((file, range)) = place(site, *i, e.block, &e.at) else {
                    continue;
                };
                let elsewhere = if ri == i {
                    "earlier on this page".to_string()
                } else {
                    format!("on `{}`", site.pages[*ri].id)
                };
                out.push(
                    Diagnostic::warning(
                        self.name(),
                        format!(
                            "`{abbr}` is written out as \"{}\" here, but as \"{}\" {elsewhere}",
                            e.text, re.text
                        ),
                    )
                    .at_label(file, range, "written out here")
                    .related(rf, rr.clone(), "written out differently here")
                    .help(format!(
                        "write it out the same way everywhere (\"{}\"); a glossary entry for `{abbr}` settles the form",
                        re.text
                    )),
                );
            }
        }
    }
}

/// The term without a trailing "(ABBR)".
fn strip_abbreviation<'a>(term: &'a str, abbr: &str) -> &'a str {
    let t = term.trim();
    t.strip_suffix(')')
        .and_then(|r| r.rsplit_once('('))
        .filter(|(_, inner)| abbrev::base(inner.trim()).as_deref() == Some(abbr))
        .map_or(t, |(head, _)| head.trim_end())
}
