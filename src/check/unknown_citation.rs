use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::{CitationTarget, Site};
use crate::parse::citations::Citation;
use std::collections::BTreeSet;

/// A recognised citation that has no legal summary to link to: a section of a known act with
/// no summary, an act nobody declares, or a bare section with no act before it.
pub struct UnknownCitation;

impl Check for UnknownCitation {
    fn name(&self) -> &'static str {
        "unknown-citation"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a legal citation with no legal summary to link to"
    }
    fn explain(&self) -> &'static str {
        "Every citation in guidance is linked to its legal summary, so a reader can check the law in\n\
         one click and the checks can compare what the page says with the law. This check reports,\n\
         once per page and provision, at the first citation:\n\
         - a section of a known act that has no summary (\"s.281(5) CJA 2003\" with no\n\
           `legislation/.../s281.md`);\n\
         - an act that no legal summary declares and `site.yaml` `acts` does not list\n\
           (\"the Criminal Justice Act 2003\");\n\
         - a bare section (\"s.4A\") with no act cited before it on the page, which a reader cannot\n\
           place. References to the document itself (\"section 3 below\", \"section 2 of this\n\
           guidance\") are not citations.\n\
         A whole act that is declared (by an act page or `site.yaml` `acts`) needs no summary.\n\n\
         Example:\n    Proceedings must start within the limit in s.127 of the Magistrates' Courts Act 1980.\n                                               ^^^^^ no summary for s.127\n\n\
         Fix: add the legal summary, name the act for a bare section, or, where a citation rightly\n\
         has no summary, allow it with a reason: `<!-- waymark-allow unknown-citation: reason -->`."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, page) in site.pages.iter().enumerate() {
            let doc = &site.docs[i];
            let mut seen = BTreeSet::new();
            for (ci, target) in site.citations[i].iter().enumerate() {
                let cref = &doc.citations[ci];
                let c = &cref.citation;
                let Some(block) = doc.blocks.get(cref.block) else {
                    continue;
                };
                let (msg, help) = match target {
                    CitationTarget::Page(_) => continue,
                    // A declared act cited as a whole needs no summary of its own.
                    CitationTarget::NoSummary if c.section.is_none() => continue,
                    CitationTarget::NoSummary => (
                        format!("no legal summary for {}", provision_name(c)),
                        match summary_path(site, c) {
                            Some(p) => format!("add a legal summary at `{p}`, or cite a provision that has one"),
                            None => "add a legal summary for it, or cite a provision that has one".into(),
                        },
                    ),
                    CitationTarget::UnknownAct => (
                        match c.section {
                            Some(_) => format!(
                                "no legal summary for {} (no summary declares that act)",
                                provision_name(c)
                            ),
                            None => format!(
                                "the {} has no legal summary, and `site.yaml` `acts` does not list it",
                                act_name(c)
                            ),
                        },
                        "add its legal summaries (the act's folder page `_index.md` declares its name and short names), or list it under `acts:` in site.yaml".into(),
                    ),
                    CitationTarget::Ambiguous => {
                        if block.quoted || block.quote_marked {
                            continue;
                        }
                        let at = crate::check::cited::block_range(block, &cref.range);
                        if refers_to_document(&block.text, at.end) {
                            continue;
                        }
                        let written = written(site, i, &cref.range);
                        (
                            format!(
                                "`{written}` does not say which act it is in, and no act is cited before it on this page"
                            ),
                            format!(
                                "name the act where the section is first cited, e.g. `{written} of the Protection from Harassment Act 1997` or `{written} PHA 1997`; later bare sections then refer to it"
                            ),
                        )
                    }
                };
                let key = (
                    c.act.clone().unwrap_or_default(),
                    c.section.clone(),
                    c.subsections.clone(),
                );
                let Some((file, range)) = page.body.locate(&cref.range) else {
                    continue;
                };
                // Included text is reported where it lives, once per snippet and provision.
                if !seen.insert((file, key)) {
                    continue;
                }
                out.push(
                    Diagnostic::warning(self.name(), msg)
                        .at(file, range)
                        .help(format!(
                            "{help}; where the citation is right as it is, allow it with a reason: `<!-- waymark-allow unknown-citation: reason -->`"
                        )),
                );
            }
        }
    }
}

fn act_name(c: &Citation) -> String {
    let a = c.act.as_deref().unwrap_or("act");
    a.trim_start_matches("the ").to_string()
}

fn provision_name(c: &Citation) -> String {
    match c.provision() {
        Some(p) => format!("{p} of the {}", act_name(c)),
        None => format!("the {}", act_name(c)),
    }
}

/// The text of a citation as written, on one line.
fn written(site: &Site, i: usize, r: &std::ops::Range<usize>) -> String {
    site.pages[i]
        .body
        .text
        .get(r.clone())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where the summary of a missing section of a known act would go: beside the act's page.
fn summary_path(site: &Site, c: &Citation) -> Option<String> {
    let act = c.act.as_deref()?;
    let canonical = site.acts.canonical(act).unwrap_or(act).to_string();
    let &p = site.provisions.get(&(canonical, None, Vec::new()))?;
    let section = c.section.as_deref()?.to_lowercase();
    Some(format!("content/{}/s{section}.md", site.pages[p].id))
}

/// "section 3 below", "section 2 of this guidance", "section 4 in the protocol": a reference
/// to a part of a document, not to legislation.
fn refers_to_document(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("").trim_start();
    let rest = rest.trim_start_matches(['(', ',']);
    let words: Vec<String> = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
        .map(str::to_lowercase)
        .collect();
    match words.first().map(String::as_str) {
        Some("below" | "above" | "earlier" | "later" | "overleaf") => true,
        // "of the Act", "in that Act": an act after all, just not one that can be placed.
        Some("of" | "in") => !words[1..].iter().any(|w| w == "act"),
        _ => false,
    }
}
