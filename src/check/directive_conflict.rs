//! `directive-conflict`: two directives about the same action with incompatible modal
//! classes (SPEC §6.4), across pages or in one page.
//!
//! Candidates come from grouping directives by (actor, normalised action, conditions), so no
//! pair of unrelated sentences is ever compared: the cost is a sort. Within a group, each
//! directive is reported once, against the earliest earlier directive (in path order) it
//! conflicts with and whose scope overlaps its own. Questions are not directives.

use super::statements::{Statement, Statements, actor_key, condition_key, directive_conflict};
use super::{Check, CheckContext};
use crate::analysis::{Modal, hash::Fnv};
use crate::diag::{Diagnostic, Severity};
use rayon::prelude::*;

pub struct DirectiveConflict;

pub const NAME: &str = "directive-conflict";

/// A conflict: the later statement and the earlier one, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub later: u32,
    pub earlier: u32,
}

impl Check for DirectiveConflict {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "two directives about the same action disagree (must / must not / may / need not / should / should not)"
    }
    fn explain(&self) -> &'static str {
        "Every directive sentence is classified: its modal class (must, must not, should, should\n\
         not, may, need not; \"always\" and imperatives are must, \"never\" and \"do not\" are must\n\
         not), its actor (\"officers\", \"call handlers\"; the reader for imperatives), and its\n\
         action (verb and object, stemmed, abbreviations expanded through the glossary, so\n\
         \"Never issue PINs\" and \"Officers must not issue a police information notice\" are one\n\
         action). Two directives on the same action by the same actor conflict when one says\n\
         must and the other must not or need not, one may and the other must not, or one should\n\
         and the other should not. They are compared only when their pages' scopes overlap\n\
         (`applies_to`, `audience`) and their conditions (\"if\", \"where\", \"unless\") are the\n\
         same; \"where possible\" and similar hedges are ignored. A list item is read with the\n\
         paragraph that introduces it (\"Officers should:\"). Quoted legislation is not read.\n\n\
         Example:\n    guidance/a.md: Officers must not issue a police information notice in stalking cases.\n    \
         guidance/b.md: Officers may issue a PIN in stalking cases.\n    \
         -> directive-conflict at guidance/b.md, with guidance/a.md shown beside it\n\n\
         Fix: make the pages agree. If one is an exception, state its condition in both; if the\n\
         same rule is needed in several places, single-source it with include."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let st = cx.statements();
        for c in cx.directive_conflicts() {
            let (a, b) = (&st.items[c.later as usize], &st.items[c.earlier as usize]);
            let (Some(da), Some(db)) = (st.directive(a), st.directive(b)) else {
                continue;
            };
            let ta = a.text(site);
            let tb = b.text(site);
            let (fa, ra) = a.locate(site, &(a.intro_len()..ta.len()));
            let (fb, rb) = b.locate(site, &(b.intro_len()..tb.len()));
            let other = &site.sources.get(fb).display;
            let msg = format!(
                "conflicting directives: “{}” here, “{}” in {} ({})",
                phrase(&ta, da),
                phrase(&tb, db),
                other,
                describe(da.modal, db.modal)
            );
            out.push(
                Diagnostic::new(NAME, self.default_severity(), msg)
                    .at_label(fa, ra, modal_word(da.modal))
                    .related(fb, rb, format!("{} here", modal_word(db.modal)))
                    .help(
                        "make the two places agree; if one is an exception, state its condition in both, or single-source the rule with include",
                    ),
            );
        }
    }
}

fn modal_word(m: Modal) -> &'static str {
    match m {
        Modal::Must => "must",
        Modal::MustNot => "must not",
        Modal::Should => "should",
        Modal::ShouldNot => "should not",
        Modal::May => "may",
        Modal::NeedNot => "need not",
    }
}

fn describe(a: Modal, b: Modal) -> String {
    format!("{} vs {}", modal_word(a), modal_word(b))
}

/// The directive's wording, shortened: the modal phrase and what follows, up to 80 chars.
fn phrase(text: &str, d: &crate::analysis::Directive) -> String {
    let start = if d.imperative {
        d.modal_span.start
    } else {
        // From the subject's start: the sentence start, or its last clause before the modal.
        text[..d.modal_span.start]
            .rfind([',', ';', ':'])
            .map_or(0, |i| i + 1)
    };
    // Up to the end of the directive's clause: a reason given after a comma is left out.
    let end = text[d.modal_span.end.max(start)..]
        .find([',', ';', ':', '('])
        .map_or(text.len(), |i| d.modal_span.end.max(start) + i);
    let t = text[start..end].trim();
    let t = t.trim_end_matches(['.', ';', ':']);
    if t.chars().count() > 80 {
        let cut: String = t.chars().take(77).collect();
        format!("{}…", cut.trim_end())
    } else {
        t.to_string()
    }
}

/// Every conflict of the site, later statement first in each pair, sorted.
pub fn find(st: &Statements) -> Vec<Conflict> {
    // Group key per distinct text: actor, action and conditions, hashed (groups are checked
    // with the strings themselves, so a collision costs a comparison, not a finding).
    let keys: Vec<Option<u64>> = st
        .analyses
        .par_iter()
        .map(|a| {
            let d = a.directive.as_deref()?;
            if d.question || d.action.is_empty() {
                return None;
            }
            let mut h = Fnv::new();
            h.write_str(actor_key(d));
            h.write_str(&d.action);
            for c in condition_key(d) {
                h.write_str(&c);
            }
            Some(h.finish())
        })
        .collect();
    let mut rows: Vec<(u64, u32, u32)> = st
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((keys[s.analysis as usize]?, s.order, i as u32)))
        .collect();
    rows.sort_unstable();
    let mut out = Vec::new();
    let mut g = 0;
    while g < rows.len() {
        let mut h = g + 1;
        while h < rows.len() && rows[h].0 == rows[g].0 {
            h += 1;
        }
        if h - g >= 2 {
            group(st, &rows[g..h], &mut out);
        }
        g = h;
    }
    out.sort();
    out
}

/// Members are in path order; each is paired with the earliest earlier conflicting member.
fn group(st: &Statements, members: &[(u64, u32, u32)], out: &mut Vec<Conflict>) {
    // Earlier members per modal class (at most a few are scanned: scopes rarely differ).
    const SCAN: usize = 32;
    let mut by_modal: Vec<(Modal, Vec<u32>)> = Vec::new();
    for &(_, _, i) in members {
        let s: &Statement = &st.items[i as usize];
        let Some(d) = st.directive(s) else { continue };
        let mut best: Option<u32> = None;
        for (m, earlier) in &by_modal {
            if !Modal::conflicts(*m, d.modal) {
                continue;
            }
            for &e in earlier.iter().take(SCAN) {
                let es = &st.items[e as usize];
                if es.range == s.range && es.file == s.file {
                    continue;
                }
                if directive_conflict(st, s, es) {
                    if best.is_none_or(|b| st.items[b as usize].order > es.order) {
                        best = Some(e);
                    }
                    break;
                }
            }
        }
        if let Some(e) = best {
            out.push(Conflict {
                later: i,
                earlier: e,
            });
        }
        match by_modal.iter_mut().find(|(m, _)| *m == d.modal) {
            Some((_, v)) => v.push(i),
            None => by_modal.push((d.modal, vec![i])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::directives::classify;

    #[test]
    fn phrases_show_the_directive() {
        let t = "In stalking cases, officers must not issue a police information notice.";
        let d = classify(t).unwrap();
        assert_eq!(
            phrase(t, &d),
            "officers must not issue a police information notice"
        );
        let t = "Do not issue a PIN.";
        assert_eq!(phrase(t, &classify(t).unwrap()), "Do not issue a PIN");
    }
}
