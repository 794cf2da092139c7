use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

/// Headings that skip a level, or a level-1 heading in the body (the title is the page's h1).
pub struct HeadingOrder;

impl Check for HeadingOrder {
    fn name(&self) -> &'static str {
        "heading-order"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "a heading that skips a level, or a level-1 heading in the body"
    }
    fn explain(&self) -> &'static str {
        "Screen-reader users navigate by headings, so levels must not skip (## then ####), and each\n\
         page has one level-1 heading: its title, written by the theme. Body headings start at ##.\n\n\
         Fix: change the heading's level."
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, p) in site.pages.iter().enumerate() {
            let mut prev = 1u8;
            for h in &site.docs[i].headings {
                if p.body.is_included(h.range.start) {
                    prev = h.level;
                    continue;
                }
                let msg = if h.level == 1 {
                    Some((
                        "a level-1 heading in the body: the page title is already the h1"
                            .to_string(),
                        "start body headings at `##`",
                    ))
                } else if h.level > prev + 1 {
                    Some((
                        format!("heading skips from level {prev} to level {}", h.level),
                        "use the next level down, so headings nest in order",
                    ))
                } else {
                    None
                };
                if let Some((m, help)) = msg
                    && let Some((file, range)) = p.body.locate(&h.range)
                {
                    let text = &site.sources.get(file).text;
                    let end = text[range.start..]
                        .find('\n')
                        .map_or(range.end, |e| range.start + e);
                    out.push(
                        Diagnostic::warning(self.name(), m)
                            .at(file, range.start..end)
                            .help(help),
                    );
                }
                prev = h.level;
            }
        }
    }
}
