use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

/// Page ids in front matter (`related`, `superseded_by`, `legal_basis`, `overlays`,
/// `reviewed_against`, deviation targets) that name no page. Missing includes are reported by
/// the parse stage under the same name.
pub struct UnknownId;

impl Check for UnknownId {
    fn name(&self) -> &'static str {
        "unknown-id"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a page id in front matter (related, superseded_by, legal_basis, overlays) that names no page"
    }
    fn explain(&self) -> &'static str {
        "Front matter refers to other pages by id: the path under content/ without `.md`\n\
         (`legislation/pha-1997/s4a`). An id that names no page is an error.\n\n\
         Example:\n    related: [legislation/pha-1997/s4]   <- the file is s4a.md\n\n\
         Fix: correct the id; use the id shown in the help."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for p in &site.pages {
            let fm = &p.fm;
            let mut refs: Vec<(String, String)> = Vec::new();
            refs.extend(
                fm.related
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (format!("related[{k}]"), r.clone())),
            );
            refs.extend(
                fm.legal_basis
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (format!("legal_basis[{k}]"), r.clone())),
            );
            refs.extend(
                fm.reviewed_against
                    .keys()
                    .map(|r| (format!("reviewed_against.{r}"), r.clone())),
            );
            if let Some(s) = fm
                .legal
                .legislation
                .as_ref()
                .and_then(|l| l.superseded_by.clone())
            {
                refs.push(("legislation.superseded_by".into(), s));
            }
            if let Some(o) = &fm.overlay {
                if let Some(t) = &o.overlays {
                    refs.push(("overlays".into(), t.clone()));
                }
                for (k, d) in o.deviation.iter().enumerate() {
                    let target = d.target.split('#').next().unwrap_or("").to_string();
                    refs.push((format!("deviation[{k}].target"), target));
                }
            }
            for (key, id) in refs {
                let norm = id
                    .trim()
                    .trim_start_matches("@/")
                    .trim_matches('/')
                    .trim_end_matches(".md")
                    .trim_end_matches("/_index");
                if site.by_id.contains_key(norm) || site.aliases.contains_key(norm) {
                    continue;
                }
                let span = fm
                    .span(&key)
                    .or_else(|| fm.span(key.split(['[', '.']).next().unwrap_or("")))
                    .unwrap_or(0..0);
                let hint = site
                    .pages
                    .iter()
                    .map(|q| (strsim::levenshtein(&q.id, norm), &q.id))
                    .filter(|(d, _)| *d <= 3)
                    .min()
                    .map_or_else(
                        || "ids are paths under content/ without `.md`".to_string(),
                        |(_, s)| format!("did you mean `{s}`?"),
                    );
                out.push(
                    Diagnostic::error(self.name(), format!("`{key}`: no page has the id `{norm}`"))
                        .at(p.file, span)
                        .help(hint),
                );
            }
        }
    }
}
