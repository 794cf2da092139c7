use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::graph::{LinkProblem, LinkTarget};

/// Links to a heading anchor that the target page does not have.
pub struct BrokenAnchor;

impl Check for BrokenAnchor {
    fn name(&self) -> &'static str {
        "broken-anchor"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "a link to a heading anchor that does not exist on the target page"
    }
    fn explain(&self) -> &'static str {
        "Anchors are heading slugs: lower case, punctuation dropped, spaces as hyphens; a repeated\n\
         heading gets -1, -2. A link to `page.md#who-can-apply` needs a heading \"Who can apply\" on that page.\n\n\
         Example:\n    [who applies](../orders/spo.md#who-may-apply)   <- the heading is \"Who applies\"\n\n\
         Fix: use the anchor shown in the help, or rename the heading."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, links) in site.links.iter().enumerate() {
            for (l, r) in site.docs[i].links.iter().zip(links) {
                let LinkTarget::Broken(LinkProblem::NoSuchAnchor { page, anchor }) = &r.target
                else {
                    continue;
                };
                let target = &site.pages[*page];
                let mut d = Diagnostic::error(
                    self.name(),
                    format!(
                        "broken anchor: `{}` has no heading `#{anchor}`",
                        if target.id.is_empty() {
                            "home page"
                        } else {
                            &target.id
                        }
                    ),
                );
                let best = site.anchors[*page]
                    .iter()
                    .map(|a| (strsim::levenshtein(a, anchor), a))
                    .min();
                d = match best {
                    Some((dist, a)) if dist <= anchor.len() / 2 + 2 => {
                        d.help(format!("did you mean `#{a}`?"))
                    }
                    _ => d.help(format!(
                        "anchors on that page: {}",
                        site.anchors[*page]
                            .iter()
                            .take(12)
                            .map(|a| format!("#{a}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                if let Some((file, range)) = site.pages[i].body.locate(&l.range) {
                    out.push(d.at(file, range));
                }
            }
        }
    }
}
