use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};
use crate::parse::markdown::LinkKind;

/// Images without alternative text.
pub struct MissingAltText;

impl Check for MissingAltText {
    fn name(&self) -> &'static str {
        "missing-alt-text"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn summary(&self) -> &'static str {
        "an image without alternative text"
    }
    fn explain(&self) -> &'static str {
        "Every image needs alternative text that says what it shows, for readers who cannot see it\n\
         (WCAG 2.2 1.1.1).\n\nExample:\n    ![](flowchart.png)\n\nFix: ![Flowchart: deciding between s.2A and s.4A](flowchart.png)"
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        for (i, p) in site.pages.iter().enumerate() {
            for l in &site.docs[i].links {
                if l.kind != LinkKind::Image || !l.text.trim().is_empty() {
                    continue;
                }
                if let Some((file, range)) = p.body.locate(&l.range) {
                    out.push(Diagnostic::error(self.name(), "image has no alternative text").at(file, range).help("write what the image shows between the brackets: ![description](image.png)"));
                }
            }
        }
    }
}
