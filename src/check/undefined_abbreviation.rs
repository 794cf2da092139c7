use super::abbrev::{self, Source, Use};
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::Site;
use std::collections::BTreeMap;

/// An abbreviation that is neither in the glossary nor written out on the page at or before
/// its first use.
pub struct UndefinedAbbreviation;

impl Check for UndefinedAbbreviation {
    fn name(&self) -> &'static str {
        "undefined-abbreviation"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "an abbreviation not in the glossary and not written out at or before its first use"
    }
    fn explain(&self) -> &'static str {
        "Readers arrive on any page from search, so every abbreviation (a word of two or more\n\
         capitals, such as SPO) must be explained where they meet it. It is defined when:\n\
         - the glossary has it (`abbreviation:`, or a term or synonym written in capitals);\n\
         - the page writes it out at or before its first use: \"stalking protection order (SPO)\"\n\
           or \"SPO (stalking protection order)\", the words spelling its letters; the page title\n\
           counts as before the first use;\n\
         - it is an act's short name declared by a legal summary or `site.yaml` `acts`;\n\
         - it is listed in `site.yaml`: `checks: { undefined-abbreviation: { allow: [UK, CPS] } }`.\n\
         Plurals (\"SPOs\") and possessives are uses of the singular. Citations, inline code and\n\
         the court codes of judgments (\"[2004] EWHC 2782\") are not uses. Reported once per page,\n\
         at the first use.\n\n\
         Example:\n    Refer the victim to an ISAC.            <- not in the glossary, not written out\n    ...\n    An independent stalking advocacy caseworker (ISAC) can ...\n\n\
         Fix: write it out at its first use, add it to the glossary, or allow it in site.yaml if\n\
         every reader knows it."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let known = abbrev::known(site);
        for (i, found) in cx.abbreviations().iter().enumerate() {
            let mut first_use: BTreeMap<&str, &Use> = BTreeMap::new();
            for u in &found.uses {
                first_use.entry(u.abbr.as_str()).or_insert(u);
            }
            for (abbr, u) in first_use {
                if known.contains(abbr) {
                    continue;
                }
                let expansion = found
                    .expansions
                    .iter()
                    .filter(|e| e.abbr == abbr)
                    .min_by_key(|e| e.order);
                if expansion.is_some_and(|e| e.order <= u.order) {
                    continue;
                }
                let Some((file, range)) = place(site, i, u.block, &u.at) else {
                    continue;
                };
                let lower = abbr.to_lowercase();
                // Text included from a snippet is reported where it lives; the same finding from
                // several pages is merged.
                let d = match expansion {
                    Some(e) => {
                        let mut d = Diagnostic::warning(
                            self.name(),
                            format!("`{abbr}` is used before it is written out"),
                        )
                        .at_label(file, range, "first use");
                        if let Some((f2, r2)) = place(site, i, e.block, &e.at) {
                            d = d.related(f2, r2, "written out only here, later");
                        }
                        d.help(format!(
                            "write it out at its first use: \"{} ({abbr})\"",
                            e.text
                        ))
                    }
                    None => Diagnostic::warning(
                        self.name(),
                        format!(
                            "`{abbr}` is not defined: it is not in the glossary, and this page does not write it out at or before its first use"
                        ),
                    )
                    .at_label(file, range, "first use")
                    .help(format!(
                        "write it out at its first use (\"words of the expansion ({abbr})\"), add it to the glossary (`content/glossary/{lower}.md` with `abbreviation: {abbr}`), or, if every reader knows it, list it in site.yaml under `checks: undefined-abbreviation: allow:`"
                    )),
                };
                out.push(d);
            }
        }
    }
}

/// The file and range of a place on a page: in a block of the body, or on the title's or
/// summary's front-matter line.
pub fn place(
    site: &Site,
    i: usize,
    block: Source,
    at: &std::ops::Range<usize>,
) -> Option<(crate::diag::FileId, std::ops::Range<usize>)> {
    let page = &site.pages[i];
    let (key, text) = match block {
        Source::Block(b) => {
            let b = &site.docs[i].blocks[b];
            return page.body.locate(&b.body_range(at));
        }
        Source::Title => ("title", page.title()),
        Source::Summary => ("summary", page.fm.summary.as_deref().unwrap_or("")),
    };
    let span = page.fm.span(key)?;
    let file = &site.sources.get(page.file).text;
    // Point at the words inside the key's line where they can be found there.
    let line = file.get(span.clone())?;
    let want = text.get(at.clone())?;
    match line.find(want) {
        Some(k) => Some((page.file, span.start + k..span.start + k + want.len())),
        None => Some((page.file, span)),
    }
}
