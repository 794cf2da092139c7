use super::cited::{self, describe};
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

/// A page last updated before an amendment of a provision it cites, with no record that it was
/// reviewed against the amendment since.
pub struct PredatesAmendment;

impl Check for PredatesAmendment {
    fn name(&self) -> &'static str {
        "predates-amendment"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a page last updated before an amendment of a provision it cites"
    }
    fn explain(&self) -> &'static str {
        "When the law changes, every page that cites it needs checking. A page whose `updated` date\n\
         (or, without one, `first_published`) is before an amendment listed in the cited provision's\n\
         `legislation.amended` may describe the law as it was. The finding is reported at the first\n\
         citation of the provision on the page, with the page's `updated` line and the amendment.\n\
         Amendments dated after `--today` are not yet law and are not counted.\n\n\
         Example:\n    legislation/pha-1997/s4a.md:  amended: [{ on: 2017-04-03, by: \"Policing and Crime Act 2017 s.175\" }]\n    guidance/sentencing.md:       updated: 2016-05-01\n                                  ... the maximum for s.4A PHA 1997 is ...\n                                                      ^^^^^^^^^^^^^ predates the amendment\n\n\
         Fix: check the page against the amendment and set `updated`, or record the review without\n\
         other changes:\n    reviewed_against:\n      legislation/pha-1997/s4a: 2017-04-10"
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, page) in site.pages.iter().enumerate() {
            // The page's last change: `updated`, else its newest `changes` entry, else when it
            // was first published.
            let newest_change = page.fm.changes.iter().map(|c| c.date).max();
            let (updated, key) = match (page.fm.updated, newest_change, page.fm.first_published) {
                (Some(d), _, _) => (d, "updated"),
                (None, Some(d), _) => (d, "changes"),
                (None, None, Some(d)) => (d, "first_published"),
                _ => continue,
            };
            let reviews = cited::reviews(site, page);
            for c in cited::first_cites(site, i) {
                let chain = cited::chain(site, c.target);
                if chain.contains(&i) {
                    continue;
                }
                // A review recorded against the provision, its section or its act covers
                // amendments up to that date.
                let reviewed = chain.iter().filter_map(|p| reviews.get(p)).max();
                // The latest amendment the page has not caught up with.
                let mut latest = None;
                for &p in &chain {
                    let Some(l) = &site.pages[p].fm.legal.legislation else {
                        continue;
                    };
                    for (k, a) in l.amended.iter().enumerate() {
                        if a.on <= updated || a.on > cx.today {
                            continue;
                        }
                        if reviewed.is_some_and(|(d, _)| *d >= a.on) {
                            continue;
                        }
                        if latest.is_none_or(
                            |(_, _, b): (usize, usize, &crate::model::Amendment)| a.on > b.on,
                        ) {
                            latest = Some((p, k, a));
                        }
                    }
                }
                let Some((p, k, a)) = latest else { continue };
                let summary = &site.pages[p];
                let mut what = format!("{} was amended on {}", describe(site, c.target), a.on);
                if !a.by.is_empty() {
                    what.push_str(&format!(" by {}", a.by));
                }
                if let Some(n) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
                    what.push_str(&format!(" ({})", n.trim()));
                }
                let mut d = Diagnostic::warning(
                    self.name(),
                    format!("this page was last updated on {updated}, before {what}"),
                )
                .at_label(c.file, c.range.clone(), "cited here")
                .related(
                    page.file,
                    cited::fm_span(page, &[key]),
                    format!("`{key}: {updated}`"),
                )
                .related(
                    summary.file,
                    cited::fm_span(
                        summary,
                        &[&format!("legislation.amended[{k}]"), "legislation.amended"],
                    ),
                    "the amendment",
                );
                if let Some((d0, id)) = reviewed {
                    d = d.related(
                        page.file,
                        cited::fm_span(page, &[&format!("reviewed_against.{id}")]),
                        format!("reviewed only up to {d0}"),
                    );
                }
                out.push(d.help(format!(
                    "check the page against the amendment, then set `updated`, or record the review with `reviewed_against: {{ {}: <date> }}`",
                    site.pages[c.target].id
                )));
            }
        }
    }
}
