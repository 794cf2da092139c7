use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::{LinkProblem, LinkTarget};

/// Links to pages or files that do not exist, links that leave the content root, and links
/// with schemes that run code.
pub struct BrokenLink;

impl Check for BrokenLink {
    fn name(&self) -> &'static str {
        "broken-link"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a link to a page or file that does not exist"
    }
    fn explain(&self) -> &'static str {
        "Every internal link is resolved at build time: relative links (`../legislation/pha-1997/s4a.md`),\n\
         links from the content root (`@/legislation/pha-1997/s4a.md`) and wiki links\n\
         (`[[legislation/pha-1997/s4a]]`). A link to a page that does not exist, or one that climbs out\n\
         of the content root, is an error, so readers never meet a dead end.\n\n\
         Example:\n    See [the offence](../legislation/pha-1997/s4b.md).   <- there is no s4b.md\n\n\
         Fix: correct the path, or add the page. When a page moved, give it `aliases:` with its old id."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, links) in site.links.iter().enumerate() {
            let page = &site.pages[i];
            for (l, r) in site.docs[i].links.iter().zip(links) {
                let LinkTarget::Broken(problem) = &r.target else {
                    continue;
                };
                let (msg, help) = match problem {
                    LinkProblem::NoSuchPage(p) => (
                        format!("broken link: no page or file at `{p}`"),
                        suggest(site, p).map_or_else(
                            || "check the path; links end in `.md` and are relative to this page, or start with `@/` for the content root".to_string(),
                            |s| format!("did you mean `{s}`?"),
                        ),
                    ),
                    LinkProblem::OutsideRoot(why) => (format!("link `{}` is not allowed: {why}", l.dest), "link to pages inside the content folder".to_string()),
                    LinkProblem::Unsafe(s) => (format!("`{s}:` links are not allowed"), "use an http(s), mailto or tel link, or a link to a page".to_string()),
                    LinkProblem::Empty => ("empty link".to_string(), "give the link a destination".to_string()),
                    LinkProblem::NoSuchAnchor { .. } => continue,
                };
                if let Some((file, range)) = page.body.locate(&l.range) {
                    out.push(
                        Diagnostic::error(self.name(), msg)
                            .at(file, range)
                            .help(help),
                    );
                }
            }
        }
    }
}

/// The existing page id closest to a missing path.
fn suggest(site: &crate::graph::Site, path: &str) -> Option<String> {
    let id = crate::graph::id_from_path(path);
    let best = site
        .pages
        .iter()
        .map(|p| (strsim::levenshtein(&p.id, &id), &p.id))
        .filter(|(d, _)| *d <= 3)
        .min()?;
    Some(format!(
        "@/{}.md",
        if best.1.is_empty() {
            "_index".to_string()
        } else {
            best.1.clone()
        }
    ))
}
