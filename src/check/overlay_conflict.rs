//! A force's local page (an overlay) against national guidance. Two parts:
//! - [`reclassify`] runs after every other check: a contradiction finding whose places span an
//!   overlay page and a national page becomes an `overlay-conflict`, reported on the local
//!   page (deviations are applied later, with the other suppressions);
//! - the check itself flags a local page whose national page changed after it was last
//!   updated (SPEC §5: the overlay is flagged for review).

use super::{Check, CheckContext};
use crate::diag::{Diagnostic, FileId, Severity};
use crate::graph::Site;
use crate::model::Origin;
use std::collections::BTreeMap;

pub const NAME: &str = "overlay-conflict";

/// Checks whose findings are contradictions between two places.
pub const CONTRADICTIONS: &[&str] = &[
    "directive-conflict",
    "fact-mismatch",
    "numeric-drift",
    "definition-conflict",
];

pub struct OverlayConflict;

impl Check for OverlayConflict {
    fn name(&self) -> &'static str {
        NAME
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a force's local page contradicts national guidance, or has not caught up with it"
    }
    fn explain(&self) -> &'static str {
        "Local procedures (pages from `--overlay DIR`) sit beside national guidance and must not\n\
         silently depart from it. Any contradiction the other checks find (directive-conflict,\n\
         fact-mismatch, numeric-drift, definition-conflict) between a local page and a national\n\
         page is reported as overlay-conflict, at the local page, keeping its severity. A local\n\
         page that knowingly departs records it.\n\n\
         Example:\n    deviation:\n      - target: guidance/stalking/first-response\n        rationale: \"Our force attends every report within 1 hour under the local agreement.\"\n        approved_by: \"ACC Crime\"\n        review_due: 2026-09-01\n\
         A deviation covers conflicts with its target page (or, with `#anchor`, that section)\n\
         until its `review_due` passes; after that the conflicts come back.\n\n\
         The check also warns when the national page a local page `overlays` was updated after\n\
         the local page was: the local procedure needs reviewing against it.\n\n\
         Fix: align the local page with national guidance, or record an approved deviation; after\n\
         reviewing against a changed national page, update the local page's `updated`."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for p in &site.pages {
            if !matches!(p.origin, Origin::Overlay(_)) {
                continue;
            }
            let Some(target) = p.fm.overlay.as_ref().and_then(|o| o.overlays.as_deref()) else {
                continue;
            };
            let Some(n) = super::cited::page_by_id(site, target) else {
                continue;
            };
            let national = &site.pages[n];
            if national.origin != Origin::National {
                continue;
            }
            let Some(national_updated) = national.fm.updated.or(national.fm.first_published) else {
                continue;
            };
            let (local_updated, key) = match (p.fm.updated, p.fm.first_published) {
                (Some(d), _) => (Some(d), "updated"),
                (None, Some(d)) => (Some(d), "first_published"),
                _ => (None, "overlays"),
            };
            if local_updated.is_some_and(|d| d >= national_updated) {
                continue;
            }
            let since = match local_updated {
                Some(d) => format!("after this local page was last updated ({d})"),
                None => "and this local page has no `updated` date".into(),
            };
            let nkey = if national.fm.updated.is_some() {
                "updated"
            } else {
                "first_published"
            };
            out.push(
                Diagnostic::warning(
                    NAME,
                    format!(
                        "the national page `{}` was updated on {national_updated}, {since}: review this local procedure against it",
                        national.id
                    ),
                )
                .at_label(p.file, super::cited::fm_span(p, &[key, "overlays"]), "local page last updated")
                .related(national.file, super::cited::fm_span(national, &[nkey]), "national page updated")
                .help("review the local page against the national page, then set its `updated` date"),
            );
        }
    }
}

/// The page each file belongs to (pages only; snippets are national text).
fn file_pages(site: &Site) -> BTreeMap<FileId, usize> {
    site.pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file, i))
        .collect()
}

/// Turns contradictions between a local page and a national page into `overlay-conflict`
/// findings at the local page. `severity` overrides the original severity when `site.yaml`
/// sets one; `None` drops them (the check is off).
pub fn reclassify(site: &Site, severity: Option<Option<Severity>>, diags: &mut Vec<Diagnostic>) {
    if !site
        .pages
        .iter()
        .any(|p| matches!(p.origin, Origin::Overlay(_)))
    {
        return;
    }
    let pages = file_pages(site);
    let is_overlay = |f: FileId| {
        pages
            .get(&f)
            .is_some_and(|&i| matches!(site.pages[i].origin, Origin::Overlay(_)))
    };
    let mut kept = Vec::with_capacity(diags.len());
    for mut d in std::mem::take(diags) {
        if !CONTRADICTIONS.contains(&d.check) {
            kept.push(d);
            continue;
        }
        let Some(primary) = d.primary.clone() else {
            kept.push(d);
            continue;
        };
        let local = std::iter::once(&primary)
            .chain(&d.related)
            .find(|l| is_overlay(l.file))
            .cloned();
        let national = std::iter::once(&primary)
            .chain(&d.related)
            .find(|l| !is_overlay(l.file))
            .cloned();
        let (Some(local), Some(_)) = (local, national) else {
            kept.push(d);
            continue;
        };
        match severity {
            Some(None) => continue,
            Some(Some(s)) => d.severity = s,
            None => {}
        }
        let original = d.check;
        // Report on the local page: it is the one that departs.
        if local != primary {
            let k = d.related.iter().position(|l| *l == local).unwrap_or(0);
            let old = std::mem::replace(&mut d.related[k], primary);
            d.primary = Some(old);
        }
        let force = pages
            .get(&local.file)
            .and_then(|&i| site.pages[i].fm.overlay.as_ref())
            .and_then(|o| o.force.clone());
        let who = force.map_or_else(
            || "local procedure".to_string(),
            |f| format!("local procedure ({f})"),
        );
        d.message = format!(
            "{who} contradicts national guidance ({original}): {}",
            d.message
        );
        let deviation = "if the local procedure knowingly departs, record a `deviation` (target, rationale, approved_by, review_due) in its front matter";
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h}; {deviation}"),
            None => deviation.to_string(),
        });
        d.check = NAME;
        kept.push(d);
    }
    *diags = kept;
}
