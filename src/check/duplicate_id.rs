use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use std::collections::BTreeMap;

/// Two files with one id (`x.md` and `x/_index.md`, or an overlay page at a national page's
/// id), and aliases that collide with a page or with each other.
pub struct DuplicateId;

impl Check for DuplicateId {
    fn name(&self) -> &'static str {
        "duplicate-id"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "two files with the same id, or an alias that collides with a page or another alias"
    }
    fn explain(&self) -> &'static str {
        "A page's id is its URL, so it must be unique. `guidance/x.md` and `guidance/x/_index.md` both\n\
         claim `guidance/x`; an overlay page at a national page's path would replace national text,\n\
         which Waymark never allows silently; an alias equal to another page's id would redirect it.\n\n\
         Fix: rename one of the files, or remove the alias."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (kept, dropped) in &site.duplicate_files {
            let k = &site.pages[*kept];
            let msg = if site.sources.get(*dropped).display.starts_with("content/")
                || k.fm.overlay.is_some()
            {
                format!("duplicate id `{}`: another file has the same id", k.id)
            } else {
                format!(
                    "duplicate id `{}`: a local overlay page cannot replace a national page",
                    k.id
                )
            };
            out.push(
                Diagnostic::error(self.name(), msg)
                    .at(*dropped, 0..0)
                    .related(k.file, 0..0, "the page kept")
                    .help("give the file another name; a local procedure sits beside national guidance with `overlays:`"),
            );
        }
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, p) in site.pages.iter().enumerate() {
            for (k, a) in p.fm.aliases.iter().enumerate() {
                let norm = a.trim_matches('/').trim_end_matches(".md").to_string();
                let span = p.fm.span(&format!("aliases[{k}]")).unwrap_or(0..0);
                if let Some(&owner) = site.by_id.get(&norm) {
                    out.push(
                        Diagnostic::error(
                            self.name(),
                            format!("alias `{norm}` is the id of an existing page"),
                        )
                        .at(p.file, span)
                        .related(site.pages[owner].file, 0..0, "that page")
                        .help("remove the alias, or move the other page"),
                    );
                } else if let Some(&other) = seen.get(&norm) {
                    if other != i {
                        out.push(
                            Diagnostic::error(
                                self.name(),
                                format!("alias `{norm}` is claimed by two pages"),
                            )
                            .at(p.file, span)
                            .related(site.pages[other].file, 0..0, "also claimed here")
                            .help("an old id can redirect to one page only"),
                        );
                    }
                } else {
                    seen.insert(norm, i);
                }
            }
        }
    }
}
