//! Raw HTML in content: the one policy for what may be published. [`sanitize`] cleans a
//! rendered page body with it (ammonia), and [`HtmlScanner`] points editors at markup the
//! policy removes or refuses, and at markup nested deeper than the site allows.
//!
//! The scanner reads pieces with html5ever's tokenizer (linear, entity-aware, so
//! `&#106;avascript:` is seen for what it is) and judges each tag and attribute against the
//! same ammonia allowlist the sanitiser uses; the sanitiser still cleans every page with raw
//! HTML, so what the scanner reports never decides what is published.

use super::markdown::Doc;
use crate::config::{HtmlPolicy, SiteConfig};
use crate::diag::{Diagnostic, Severity};
use crate::model::Body;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The allowlist: ordinary document markup and the attributes Waymark's own rendering uses.
/// Scripts, styles, event handlers, `javascript:` and `data:` URLs, forms, frames, SVG and
/// MathML never pass.
pub fn policy() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(&["id", "class", "title", "lang", "dir"])
        .add_tags(&[
            "abbr",
            "details",
            "summary",
            "figure",
            "figcaption",
            "mark",
            "section",
            "aside",
        ])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .add_tag_attributes("td", &["align"])
        .add_tag_attributes("th", &["align", "scope"])
        .add_tag_attributes("ol", &["start"])
        .add_tag_attributes("span", &["aria-hidden"]);
    b
}

fn cached_policy() -> &'static ammonia::Builder<'static> {
    static POLICY: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    POLICY.get_or_init(policy)
}

/// Cleans HTML with the policy.
pub fn sanitize(html: &str) -> String {
    cached_policy().clean(html).to_string()
}

/// The allowlist as plain sets, read once from the ammonia builder.
struct Allowed {
    tags: HashSet<&'static str>,
    drop_content: HashSet<&'static str>,
    generic_attrs: HashSet<&'static str>,
    tag_attrs: HashMap<&'static str, HashSet<&'static str>>,
    schemes: HashSet<&'static str>,
}

fn allowed() -> &'static Allowed {
    static ALLOWED: OnceLock<Allowed> = OnceLock::new();
    ALLOWED.get_or_init(|| {
        let b = policy();
        Allowed {
            tags: b.clone_tags(),
            drop_content: b.clone_clean_content_tags(),
            generic_attrs: b.clone_generic_attributes(),
            tag_attrs: b.clone_tag_attributes(),
            schemes: b.clone_url_schemes(),
        }
    })
}

/// Attributes whose value is a URL (a superset of those the sanitiser checks).
fn is_url_attr(name: &str) -> bool {
    matches!(
        name,
        "href" | "xlink:href" | "src" | "action" | "formaction" | "data" | "ping" | "poster"
    )
}

/// Elements with no end tag, and elements whose end tag is usually left out: neither counts
/// towards nesting depth.
fn never_nests(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "option"
            | "optgroup"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "colgroup"
            | "caption"
            | "html"
            | "head"
            | "body"
    )
}

/// Something in a piece of raw HTML, with its byte offset in the piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Markup the policy removes: what it is, e.g. "`<script>` element".
    Unsafe { at: usize, what: String },
    /// Elements open deeper than the limit here.
    TooDeep { at: usize, depth: usize },
}

/// The scheme of a URL attribute value as a browser reads it, when it is not allowed.
fn bad_scheme(value: &str) -> Option<String> {
    // Not `trim()`: like browsers, the URL parser strips only ASCII spaces and controls, so a
    // value behind a no-break space is a relative path, which the sanitiser keeps.
    match url::Url::parse(value) {
        Ok(u) if !allowed().schemes.contains(u.scheme()) => Some(u.scheme().to_string()),
        Ok(_) => None,
        // Relative URLs are fine; anything the URL parser cannot read is not.
        Err(url::ParseError::RelativeUrlWithoutBase) => None,
        Err(_) => Some("malformed".to_string()),
    }
}

/// A tag as read: kind, name, self-closing, attributes (name, decoded value).
type RawTag = (TagKind, String, bool, Vec<(String, String)>);

#[derive(Default)]
struct Sink {
    tags: RefCell<Vec<RawTag>>,
}

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(t) = token {
            let name = t.name.to_string();
            let attrs = t
                .attrs
                .iter()
                .map(|a| {
                    let n = match a.name.prefix.as_ref() {
                        Some(p) => format!("{}:{}", p, a.name.local),
                        None => a.name.local.to_string(),
                    };
                    (n, a.value.to_string())
                })
                .collect();
            let kind = t.kind;
            self.tags
                .borrow_mut()
                .push((kind, name.clone(), t.self_closing, attrs));
            // The tokenizer alone does not know which elements hold raw text; tell it, so a
            // script's body is not read as tags.
            if kind == TagKind::StartTag {
                return match name.as_str() {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                };
            }
        }
        TokenSinkResult::Continue
    }
}

/// The first character boundary of `s` at or after `i` (its length past the end).
fn next_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Finds `needle` (ASCII case-insensitive) in `hay` from `from`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    // A needle longer than the haystack (a long tag name near the end) has no place to start.
    let last = h.len().checked_sub(n.len())?;
    if n.is_empty() || from > last {
        return None;
    }
    (from..=last).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Reads the raw HTML pieces of one page in order, tracking how deeply elements nest.
pub struct HtmlScanner {
    depth: usize,
    max_depth: usize,
    reported_depth: bool,
}

impl HtmlScanner {
    pub fn new(max_depth: usize) -> Self {
        HtmlScanner {
            depth: 0,
            max_depth,
            reported_depth: false,
        }
    }

    /// Findings in one piece, in order.
    pub fn scan(&mut self, piece: &str) -> Vec<Finding> {
        let sink = Sink::default();
        let tok = Tokenizer::new(sink, TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(StrTendril::from(piece));
        let _ = tok.feed(&input);
        tok.end();
        let tags = tok.sink.tags.take();
        let allowed = allowed();
        let mut out = Vec::new();
        let mut cursor = 0;
        for (kind, name, self_closing, attrs) in tags {
            let lname = name.to_ascii_lowercase();
            if kind == TagKind::EndTag {
                if !never_nests(&lname) {
                    self.depth = self.depth.saturating_sub(1);
                }
                if let Some(i) = find_ci(piece, &format!("</{lname}"), cursor) {
                    cursor = i + 2;
                }
                continue;
            }
            let at = find_ci(piece, &format!("<{lname}"), cursor).unwrap_or(cursor);
            // When the tag was not found (its name was changed by the tokenizer), `at` is the
            // cursor, and one byte on may fall inside a character.
            cursor = next_char_boundary(piece, at + 1);
            let tag_end = piece[at..].find('>').map_or(piece.len(), |i| at + i);
            if !self_closing && !never_nests(&lname) {
                self.depth += 1;
                if self.depth > self.max_depth && !self.reported_depth {
                    self.reported_depth = true;
                    out.push(Finding::TooDeep {
                        at,
                        depth: self.depth,
                    });
                }
            }
            if allowed.drop_content.contains(lname.as_str()) {
                out.push(Finding::Unsafe {
                    at,
                    what: format!("`<{lname}>` element"),
                });
                continue;
            }
            if !allowed.tags.contains(lname.as_str()) {
                out.push(Finding::Unsafe {
                    at,
                    what: format!("`<{lname}>` element"),
                });
                continue;
            }
            for (attr, value) in attrs {
                let lattr = attr.to_ascii_lowercase();
                let attr_at =
                    find_ci(&piece[..tag_end], &lattr, at + 1 + lname.len()).unwrap_or(at);
                let permitted = allowed.generic_attrs.contains(lattr.as_str())
                    || allowed
                        .tag_attrs
                        .get(lname.as_str())
                        .is_some_and(|s| s.contains(lattr.as_str()));
                if !permitted {
                    out.push(Finding::Unsafe {
                        at: attr_at,
                        what: format!("`{lattr}` attribute on `<{lname}>`"),
                    });
                } else if is_url_attr(&lattr)
                    && let Some(scheme) = bad_scheme(&value)
                {
                    out.push(Finding::Unsafe {
                        at: attr_at,
                        what: format!("`{scheme}:` URL in `{lattr}`"),
                    });
                }
            }
        }
        out
    }
}

/// Check name of nesting limits.
pub const LIMITS_CHECK: &str = "limits";
/// Check name of unsafe raw HTML.
pub const UNSAFE_CHECK: &str = "unsafe-html";

/// Problems with a page's markup as a whole: lists and blockquotes nested too deep, raw HTML
/// nested too deep, and raw HTML the policy removes (a warning) or refuses (`html: refuse`,
/// an error). Positions are mapped back to the file each piece came from, so an included
/// snippet's problem is reported once, where it lives.
pub fn check_markup(body: &Body, doc: &Doc, cfg: &SiteConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let limit = cfg.limits.max_nesting_depth;
    let at = |start: usize| -> Option<(crate::diag::FileId, std::ops::Range<usize>)> {
        let end = body.text[start.min(body.text.len())..]
            .find('\n')
            .map_or(body.text.len(), |i| start + i);
        body.locate(&(start..end))
    };
    if doc.nesting.len() > limit
        && let Some((file, range)) = at(doc.nesting[limit])
    {
        out.push(
            Diagnostic::error(
                LIMITS_CHECK,
                format!(
                    "lists and blockquotes are nested {} deep, over the limit of {limit}; level {} starts here",
                    doc.nesting.len(),
                    limit + 1
                ),
            )
            .at(file, range)
            .help("flatten the structure, or raise `limits.max_nesting_depth` in site.yaml"),
        );
    }
    let unsafe_severity = match cfg.html {
        HtmlPolicy::Refuse => Some(Severity::Error),
        HtmlPolicy::Sanitize => match cfg.check(UNSAFE_CHECK).and_then(|c| c.severity) {
            Some(s) => s,
            None => Some(Severity::Warning),
        },
    };
    let mut scanner = HtmlScanner::new(limit);
    for piece in doc.html.iter().filter(|p| !p.is_comment) {
        let findings = scanner.scan(&piece.html);
        if findings.is_empty() {
            continue;
        }
        // Where the piece's text starts in the body (container markers may precede it).
        let base = body
            .text
            .get(piece.range.clone())
            .and_then(|t| t.find(piece.html.as_str()))
            .map_or(piece.range.start, |i| piece.range.start + i);
        for f in findings {
            match f {
                Finding::TooDeep { at: o, depth } => {
                    if let Some((file, range)) = at(base + o) {
                        out.push(
                            Diagnostic::error(
                                LIMITS_CHECK,
                                format!(
                                    "raw HTML elements are nested more than {limit} deep; level {depth} starts here"
                                ),
                            )
                            .at(file, range)
                            .help("close the elements you open, or raise `limits.max_nesting_depth` in site.yaml"),
                        );
                    }
                }
                Finding::Unsafe { at: o, what } => {
                    let Some(severity) = unsafe_severity else {
                        continue;
                    };
                    let Some((file, range)) = at(base + o) else {
                        continue;
                    };
                    let d = if cfg.html == HtmlPolicy::Refuse {
                        Diagnostic::error(
                            UNSAFE_CHECK,
                            format!("unsafe raw HTML: {what} is not allowed"),
                        )
                        .help("remove it: this site refuses unsafe HTML (`html: refuse` in site.yaml); write the content in Markdown")
                    } else {
                        Diagnostic::new(
                            UNSAFE_CHECK,
                            severity,
                            format!("unsafe raw HTML: {what} is removed from the published page"),
                        )
                        .help("write the content in Markdown, or use only the HTML listed in docs/WRITING.md")
                    };
                    out.push(d.at(file, range));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsafe_in(piece: &str) -> Vec<(usize, String)> {
        HtmlScanner::new(32)
            .scan(piece)
            .into_iter()
            .filter_map(|f| match f {
                Finding::Unsafe { at, what } => Some((at, what)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn safe_markup_passes() {
        for ok in [
            "<details><summary>More</summary>",
            "<abbr title=\"Stalking Protection Order\">SPO</abbr>",
            "<a href=\"https://www.legislation.gov.uk/\" class=\"x\">law</a>",
            "<a href=\"../x/#h\">rel</a>",
            "<td align=\"left\">",
            "</div>",
        ] {
            assert_eq!(unsafe_in(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn a_url_behind_a_no_break_space_is_a_relative_path() {
        // Found by fuzzing: a no-break space before a scheme makes a relative path for
        // browsers and the sanitiser alike, so it is not reported as removed.
        assert_eq!(
            unsafe_in("<a href=\"\u{a0}javascript:alert(1)\">x</a>"),
            vec![]
        );
        assert_eq!(
            unsafe_in("<a href=\" javascript:alert(1)\">x</a>"),
            vec![(3, "`javascript:` URL in `href`".to_string())]
        );
    }

    #[test]
    fn tag_names_longer_in_the_tokens_than_in_the_text_do_not_panic() {
        // Found by fuzzing: the tokenizer turns a NUL into U+FFFD (three bytes), so the name it
        // reports can be longer than the text it came from.
        assert_eq!(
            unsafe_in("<x\0>"),
            vec![(0, "`<x\u{fffd}>` element".to_string())]
        );
        assert_eq!(unsafe_in("</b\0>"), vec![]);
        // Two such tags after a wide character: the second used to be looked for from inside
        // the `é`.
        assert_eq!(
            unsafe_in("é<x\0><y\0>"),
            vec![
                (0, "`<x\u{fffd}>` element".to_string()),
                (2, "`<y\u{fffd}>` element".to_string())
            ]
        );
    }

    #[test]
    fn unsafe_markup_is_found_where_it_is() {
        assert_eq!(
            unsafe_in("<script>alert('<b onclick=x>')</script>"),
            vec![(0, "`<script>` element".to_string())]
        );
        assert_eq!(
            unsafe_in("<p class=\"a\" onclick=\"alert(1)\">"),
            vec![(13, "`onclick` attribute on `<p>`".to_string())]
        );
        assert_eq!(
            unsafe_in("x <a href=\"&#106;avascript:alert(1)\">y</a>"),
            vec![(5, "`javascript:` URL in `href`".to_string())]
        );
        assert_eq!(
            unsafe_in("<a href=\" JaVaScRiPt:alert(1)\">"),
            vec![(3, "`javascript:` URL in `href`".to_string())]
        );
        assert_eq!(
            unsafe_in("<svg><circle onload=\"x\"/></svg><math>"),
            vec![
                (0, "`<svg>` element".to_string()),
                (5, "`<circle>` element".to_string()),
                (31, "`<math>` element".to_string())
            ]
        );
        assert_eq!(
            unsafe_in("<img src=\"data:image/svg+xml,x\" alt=\"\">"),
            vec![(5, "`data:` URL in `src`".to_string())]
        );
    }

    #[test]
    fn nesting_is_tracked_across_pieces() {
        let mut s = HtmlScanner::new(3);
        assert_eq!(s.scan("<div><div>"), vec![]);
        assert_eq!(s.scan("<p><p><li><br>"), vec![]);
        assert_eq!(s.scan("<section>"), vec![]);
        assert_eq!(s.scan("</section><section>"), vec![]);
        assert_eq!(s.scan("<div>"), vec![Finding::TooDeep { at: 0, depth: 4 }]);
        assert_eq!(s.scan("<div>"), vec![], "reported once per page");
    }

    #[test]
    fn sanitize_removes_what_the_scanner_reports() {
        let dirty =
            "<p onclick=\"x\">a</p><script>b</script><a href=\"javascript:c\">d</a><svg></svg>";
        let clean = sanitize(dirty);
        assert_eq!(clean, "<p>a</p><a>d</a>");
    }
}
