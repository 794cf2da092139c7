//! `must-without-basis`: an explicit "must", "shall" or "is required to" in guidance with no
//! legal basis (SPEC §6.1): no citation of law or link to a legal summary in the sentence,
//! its paragraph (with a list's introduction) or its section, and no `legal_basis` on the
//! page. APP uses "must" only where the law requires; "should" where evidence and expert
//! agreement support the action. Imperatives ("Record the crime.") are not flagged, and
//! quoted legislation is not guidance's own words.

use super::statements::{Statements, cites_law};
use super::{Check, CheckContext};
use crate::analysis::Modal;
use crate::diag::{Diagnostic, FileId, Severity};
use crate::graph::Site;
use crate::model::Kind;
use std::collections::BTreeSet;
use std::ops::Range;

pub struct MustWithoutBasis;

pub const NAME: &str = "must-without-basis";

impl Check for MustWithoutBasis {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "guidance says “must” with no citation or link to the law that requires it"
    }
    fn explain(&self) -> &'static str {
        "Authorised Professional Practice says \"must\" only where the law requires something,\n\
         and \"should\" where evidence and expert agreement support it. A guidance sentence with\n\
         \"must\", \"must not\", \"shall\" or \"is required to\" needs its legal basis close by: a\n\
         citation (\"s.8 SPA 2019\") or a link to a legal summary in the same sentence, paragraph\n\
         (for a list item: the item or the paragraph introducing the list) or section, or the\n\
         provision listed in the page's `legal_basis` front matter. Imperatives (\"Record the\n\
         crime.\") and quoted legislation are not flagged.\n\n\
         Example:\n    Officers must complete a risk assessment at every contact.\n    \
         -> must-without-basis: no citation, link to a legal summary or `legal_basis`\n\n\
         Fix: cite the provision that requires it, add the provision to `legal_basis`, or say\n\
         \"should\" if the action rests on evidence and expert agreement rather than law."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let st = cx.statements();
        let mut seen: BTreeSet<(FileId, usize)> = BTreeSet::new();
        for s in &st.items {
            let Some(d) = st.directive(s) else { continue };
            if d.question || !matches!(d.modal, Modal::Must | Modal::MustNot) {
                continue;
            }
            let text = s.text(site);
            let Some(word) = explicit(&text[d.modal_span.clone()]) else {
                continue;
            };
            let uses = st.uses(site, s);
            if !uses.iter().any(|&(p, _)| is_guidance(site, p as usize)) {
                continue;
            }
            if uses
                .iter()
                .any(|&(p, b)| has_basis(site, st, p as usize, b as usize))
            {
                continue;
            }
            let (file, range) = s.locate(site, &d.modal_span);
            if !seen.insert((file, range.start)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    NAME,
                    self.default_severity(),
                    format!(
                        "“{word}” without a legal basis: no citation of the law or link to a legal summary in the sentence, paragraph or section, and no `legal_basis`"
                    ),
                )
                .at_label(file, range, "no legal basis for this")
                .help(
                    "cite the provision that requires it, add the provision to `legal_basis` in the front matter, or say “should” if it rests on evidence and expert agreement",
                ),
            );
        }
    }
}

/// The explicit form of the modal phrase, if it is one this check reads.
fn explicit(phrase: &str) -> Option<String> {
    let p = phrase.to_lowercase();
    let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
    if p.starts_with("must") || p.starts_with("shall") || p.ends_with("required to") {
        Some(p.replace("mustn't", "must not"))
    } else {
        None
    }
}

/// Guidance pages, and section pages of a guidance folder.
fn is_guidance(site: &Site, p: usize) -> bool {
    let page = &site.pages[p];
    match page.kind {
        Kind::Guidance => true,
        Kind::Section => {
            let top = page.id.split('/').next().unwrap_or("");
            site.config.kinds.get(top) == Some(&Kind::Guidance)
        }
        _ => false,
    }
}

/// Whether a block of a page has a legal basis: `legal_basis`, or a citation or legal link
/// in the block, the list introduction, or the section.
fn has_basis(site: &Site, _st: &Statements, p: usize, b: usize) -> bool {
    let page = &site.pages[p];
    if !page.fm.legal_basis.is_empty() {
        return true;
    }
    let doc = &site.docs[p];
    let block = &doc.blocks[b];
    if cites_law(site, p, &block.range) {
        return true;
    }
    if let Some(ib) = block.list_intro
        && cites_law(site, p, &doc.blocks[ib].range)
    {
        return true;
    }
    cites_law(site, p, &section_range(site, p, block.section))
}

/// The body range of the section a block is in: from its top section heading (level 2 or
/// deeper) to the next heading at that level or above; before the first heading, the
/// introduction.
fn section_range(site: &Site, p: usize, section: Option<usize>) -> Range<usize> {
    let hs = &site.docs[p].headings;
    let end_of_body = site.pages[p].body.text.len();
    let Some(mut h) = section else {
        return 0..hs.first().map_or(end_of_body, |h| h.range.start);
    };
    // Climb to the outermost enclosing heading of level 2 or deeper.
    let mut level = hs[h].level;
    for k in (0..h).rev() {
        if hs[k].level < level && hs[k].level >= 2 {
            h = k;
            level = hs[k].level;
        }
        if hs[k].level < 2 {
            break;
        }
    }
    let end = hs[h + 1..]
        .iter()
        .find(|x| x.level <= level)
        .map_or(end_of_body, |x| x.range.start);
    hs[h].range.start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_forms() {
        assert_eq!(explicit("must").as_deref(), Some("must"));
        assert_eq!(explicit("must not").as_deref(), Some("must not"));
        assert_eq!(explicit("Shall").as_deref(), Some("shall"));
        assert_eq!(
            explicit("are required to").as_deref(),
            Some("are required to")
        );
        assert_eq!(explicit("always"), None);
        assert_eq!(explicit("Record"), None);
        assert_eq!(explicit("has to"), None);
    }
}
