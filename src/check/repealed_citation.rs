use super::cited::{self, describe};
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::Site;
use crate::model::{LegalStatus, Page};

/// Guidance that relies on law that is no longer in force: a provision whose summary is
/// `status: repealed`, has `repealed:` or names a successor in `superseded_by`.
pub struct RepealedCitation;

/// Why a provision is out of date, and where its summary says so.
struct Gone {
    /// The summary that records it (the cited one, or its section's or act's page).
    page: usize,
    what: String,
    span_keys: &'static [&'static str],
    successor: Option<usize>,
    successor_id: Option<String>,
}

fn gone(site: &Site, t: usize) -> Option<Gone> {
    for p in cited::chain(site, t) {
        let page: &Page = &site.pages[p];
        let Some(l) = &page.fm.legal.legislation else {
            continue;
        };
        let repeal = page.fm.legal.repealed.as_ref();
        let repealed = l.status == LegalStatus::Repealed || repeal.is_some();
        let successor_id = l.superseded_by.clone();
        if !repealed && successor_id.is_none() {
            continue;
        }
        let successor = successor_id
            .as_deref()
            .and_then(|s| cited::page_by_id(site, s));
        // "which was repealed ..." when the cited summary records it; "; the Act was
        // repealed ..." when a summary above it does.
        let subject = if p == t {
            "which".to_string()
        } else {
            format!("and {}", describe(site, p))
        };
        let what = if repealed {
            let mut w = format!("{subject} was repealed");
            if let Some(on) = repeal.and_then(|r| r.on) {
                w.push_str(&format!(" on {on}"));
            }
            if let Some(by) = repeal.and_then(|r| r.by.as_deref()) {
                w.push_str(&format!(" by {by}"));
            }
            w
        } else {
            let by = successor.map_or_else(
                || format!("`{}`", successor_id.as_deref().unwrap_or("")),
                |s| describe(site, s),
            );
            format!("{subject} has been superseded by {by}")
        };
        let span_keys: &[&str] = if repeal.is_some() {
            &[
                "repealed",
                "legislation.status",
                "legislation.superseded_by",
            ]
        } else if repealed {
            &["legislation.status", "legislation.superseded_by"]
        } else {
            &["legislation.superseded_by", "legislation.status"]
        };
        return Some(Gone {
            page: p,
            what,
            span_keys,
            successor,
            successor_id,
        });
    }
    None
}

impl Check for RepealedCitation {
    fn name(&self) -> &'static str {
        "repealed-citation"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a citation of a provision that has been repealed or superseded"
    }
    fn explain(&self) -> &'static str {
        "Guidance must not send officers to law that no longer applies. A provision is out of date\n\
         when its legal summary says `status: repealed`, carries `repealed: {on, by}`, or names its\n\
         replacement in `superseded_by`; a repeal recorded on the section's or the act's summary\n\
         covers the subsections below it. The finding is reported at the first citation of the\n\
         provision on each page, with the summary's line that records the repeal. A sentence that\n\
         itself reports the history (\"s.5 was repealed and replaced by ...\") is not a finding.\n\n\
         Example:\n    legislation/pha-1997/s5.md:   status: repealed, superseded_by: legislation/sentencing-act-2020/s360\n    guidance/orders.md:           Apply for a restraining order under s.5 PHA 1997.\n                                                                  ^^^^^^^^^^^^ repealed\n\n\
         Fix: cite the provision that replaced it (the help names it), or say that the law changed\n\
         and from when."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for i in 0..site.pages.len() {
            let mut reported = std::collections::BTreeSet::new();
            for c in cited::all_cites(site, i) {
                if reported.contains(&c.target) {
                    continue;
                }
                let Some(g) = gone(site, c.target) else {
                    continue;
                };
                // A sentence about the repeal itself is history, not reliance.
                let text = &site.docs[i].blocks[c.block].text;
                let sentence = cited::sentence_at(text, &c.in_block);
                if cited::is_history(&text[sentence]) {
                    continue;
                }
                // The provision's own summary (or the act page above it) may cite it freely.
                if cited::chain(site, c.target).contains(&i) {
                    continue;
                }
                // Nor the summary of the provision that replaced it, which says what it replaced.
                if g.successor
                    .is_some_and(|s| cited::chain(site, s).contains(&i))
                {
                    continue;
                }
                reported.insert(c.target);
                let summary = &site.pages[g.page];
                let mut d = Diagnostic::error(
                    self.name(),
                    format!("cites {}, {}", describe(site, c.target), g.what),
                )
                .at_label(c.file, c.range.clone(), "cited here")
                .related(
                    summary.file,
                    cited::fm_span(summary, g.span_keys),
                    "the legal summary records it here",
                );
                d = match (g.successor, &g.successor_id) {
                    (Some(s), _) => d.help(format!(
                        "cite the provision that replaced it, {} (`{}`), or say that the law changed and from when",
                        describe(site, s),
                        site.pages[s].id
                    )),
                    (None, Some(id)) => d.help(format!(
                        "cite the provision that replaced it (`{id}`), or say that the law changed and from when"
                    )),
                    _ => d.help(
                        "remove the citation, or say that the provision was repealed and what applies now",
                    ),
                };
                out.push(d);
            }
        }
    }
}
