use super::words::{in_code, in_order, words};
use super::{Check, CheckContext};
use crate::diag::{Diagnostic, Severity};

/// Wording the glossary marks as deprecated (`deprecated: [{variant, preferred}]`), used in a
/// page.
pub struct DeprecatedTerm;

/// A deprecated variant as lower-case words; the last word may take a plural ending.
struct Variant {
    words: Vec<String>,
    variant: String,
    preferred: String,
    preferred_words: Vec<String>,
    /// Glossary page and index of the entry, for the related label.
    page: usize,
    index: usize,
}

fn lower_words(s: &str) -> Vec<String> {
    words(s).iter().map(|w| fold(w.text)).collect()
}

/// Lower case, typographic apostrophes straightened, possessive dropped.
fn fold(w: &str) -> String {
    let l = w.to_lowercase().replace('\u{2019}', "'");
    match l.strip_suffix("'s") {
        Some(s) => s.to_string(),
        None => l,
    }
}

/// Whether a text word is the variant's word, or (for the last word) its plural.
fn same_word(text: &str, want: &str, last: bool) -> bool {
    if text == want {
        return true;
    }
    if !last {
        return false;
    }
    text.strip_suffix('s') == Some(want)
        || text.strip_suffix("es") == Some(want)
        || want
            .strip_suffix('y')
            .is_some_and(|stem| text.strip_suffix("ies") == Some(stem))
}

impl Check for DeprecatedTerm {
    fn name(&self) -> &'static str {
        "deprecated-term"
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn summary(&self) -> &'static str {
        "wording the glossary marks as deprecated"
    }
    fn explain(&self) -> &'static str {
        "Glossary terms list the wording editors must not use, with what to write instead:\n    deprecated: [{ variant: \"stalking prevention order\", preferred: \"stalking protection order\" }]\n\
         Every use of a variant in any page is reported: whole words, in any case, with the last\n\
         word also matched in the plural (\"harassment warnings\"). Inline code (a word quoted as a\n\
         word) and quoted text (blockquotes, `waymark-quote` blocks) are not uses; nor is a variant\n\
         inside the preferred wording itself.\n\n\
         Example:\n    Apply for a stalking prevention order.    <- write \"stalking protection order\"\n\n\
         Fix: write the preferred wording."
    }
    fn cross_page(&self) -> bool {
        true
    }
    fn run(&self, cx: &CheckContext, out: &mut Vec<Diagnostic>) {
        let site = cx.site;
        let mut variants = Vec::new();
        for g in &site.glossary {
            let Some(&page) = site.by_id.get(&g.page) else {
                continue;
            };
            for (index, d) in g.deprecated.iter().enumerate() {
                let w = lower_words(&d.variant);
                if w.is_empty() {
                    continue;
                }
                let preferred = if d.preferred.trim().is_empty() {
                    g.term.clone()
                } else {
                    d.preferred.clone()
                };
                variants.push(Variant {
                    words: w,
                    variant: d.variant.clone(),
                    preferred_words: lower_words(&preferred),
                    preferred,
                    page,
                    index,
                });
            }
        }
        if variants.is_empty() {
            return;
        }
        for (i, page) in site.pages.iter().enumerate() {
            let doc = &site.docs[i];
            for k in in_order(&doc.blocks) {
                let b = &doc.blocks[k];
                if b.quoted || b.quote_marked {
                    continue;
                }
                let ws = words(&b.text);
                let folded: Vec<String> = ws.iter().map(|w| fold(w.text)).collect();
                for v in &variants {
                    let n = v.words.len();
                    if ws.len() < n {
                        continue;
                    }
                    for s in 0..=ws.len() - n {
                        let hit =
                            (0..n).all(|j| same_word(&folded[s + j], &v.words[j], j == n - 1));
                        if !hit || in_code(b, &page.body.text, ws[s].range.start) {
                            continue;
                        }
                        if inside_preferred(&folded, s, n, &v.preferred_words) {
                            continue;
                        }
                        let at = ws[s].range.start..ws[s + n - 1].range.end;
                        let Some((file, range)) = page.body.locate(&b.body_range(&at)) else {
                            continue;
                        };
                        let gpage = &site.pages[v.page];
                        out.push(
                            Diagnostic::warning(
                                self.name(),
                                format!(
                                    "\"{}\" is deprecated wording: write \"{}\"",
                                    &b.text[at], v.preferred
                                ),
                            )
                            .at_label(file, range, "deprecated")
                            .related(
                                gpage.file,
                                gpage
                                    .fm
                                    .span(&format!("deprecated[{}]", v.index))
                                    .or_else(|| gpage.fm.span("deprecated"))
                                    .unwrap_or(0..0),
                                format!("the glossary deprecates \"{}\"", v.variant),
                            )
                            .help(format!("replace it with \"{}\"", v.preferred)),
                        );
                    }
                }
            }
        }
    }
}

/// Whether the words at `s..s+n` sit inside an occurrence of the preferred wording (a variant
/// "order" is not misused inside "protective order").
fn inside_preferred(folded: &[String], s: usize, n: usize, preferred: &[String]) -> bool {
    let m = preferred.len();
    if m <= n {
        return false;
    }
    let lo = (s + n).saturating_sub(m);
    (lo..=s).any(|start| {
        start + m <= folded.len()
            && (0..m).all(|j| same_word(&folded[start + j], &preferred[j], j == m - 1))
    })
}
