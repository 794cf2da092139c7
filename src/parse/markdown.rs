//! Markdown: include expansion, restricted-block removal, and one pass of pulldown-cmark that
//! collects what later stages need (headings with anchors, links, images, text blocks with
//! their source positions, citations, HTML comments and raw HTML).
//!
//! Rendering re-parses the expanded body (cheap) rather than keeping events alive, so this
//! module's output is plain owned data.

use super::citations::{ActTable, Citation, CitationScanner};
use crate::diag::{Diagnostic, FileId};
use crate::model::{Body, Heading, Segment};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;

/// pulldown-cmark options used everywhere, so parse and render see the same document.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

pub const INCLUDE_CHECK: &str = "unknown-id";

/// A file that can be included: its id, its text and where its body starts.
pub struct Includable<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub body_offset: usize,
}

/// Settings for expanding a page body.
pub struct ExpandOptions<'a> {
    /// Resolves a path from the content root (`_snippets/x.md`) to a file.
    pub lookup: &'a (dyn Fn(&str) -> Option<Includable<'a>> + Sync),
    /// Drop `<!-- waymark-restricted -->` blocks (the public profile).
    pub drop_restricted: bool,
    pub max_depth: usize,
}

const RESTRICTED_OPEN: &str = "<!-- waymark-restricted -->";
const RESTRICTED_CLOSE: &str = "<!-- /waymark-restricted -->";

/// Parses `{{ include(path="...") }}` on a line of its own; returns the path.
pub fn include_directive(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let args = inner
        .strip_prefix("include")?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')?
        .trim();
    let v = args
        .strip_prefix("path")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let q = v.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    v[1..].strip_suffix(q)
}

/// Normalises a path from the content root, refusing anything that climbs out of it.
pub fn normalise_content_path(p: &str) -> Result<String, &'static str> {
    if p.starts_with('/') || p.starts_with('\\') || p.contains(':') && p.chars().nth(1) == Some(':')
    {
        return Err("absolute paths are not allowed; give the path from the content root");
    }
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the path climbs out of the content root");
                }
            }
            c => parts.push(c),
        }
    }
    Ok(parts.join("/"))
}

/// Expands includes and drops restricted blocks, producing the body later stages parse.
pub fn expand(
    file: FileId,
    text: &str,
    body_offset: usize,
    rel_path: &str,
    opts: &ExpandOptions,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let mut body = Body::default();
    let mut stack = vec![rel_path.to_string()];
    expand_into(
        &mut body,
        file,
        text,
        body_offset,
        false,
        &mut stack,
        opts,
        diags,
    );
    body
}

fn push(body: &mut Body, file: FileId, text: &str, range: Range<usize>, included: bool) {
    if range.is_empty() {
        return;
    }
    let start = body.text.len();
    body.text.push_str(&text[range.clone()]);
    body.segments.push(Segment {
        expanded: start..body.text.len(),
        file,
        file_offset: range.start,
        included,
    });
}

#[allow(clippy::too_many_arguments)]
fn expand_into(
    body: &mut Body,
    file: FileId,
    text: &str,
    start: usize,
    included: bool,
    stack: &mut Vec<String>,
    opts: &ExpandOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seg_start = start;
    let mut pos = start;
    let mut fence: Option<(char, usize)> = None;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..line_end];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        // Track fenced code so directives shown as examples are left alone.
        if indent < 4 {
            let fc = trimmed.chars().next();
            if let Some(c @ ('`' | '~')) = fc {
                let n = trimmed.chars().take_while(|&x| x == c).count();
                if n >= 3 {
                    match fence {
                        None => fence = Some((c, n)),
                        Some((fc, fnum))
                            if fc == c && n >= fnum && trimmed[n..].trim().is_empty() =>
                        {
                            fence = None
                        }
                        _ => {}
                    }
                }
            }
        }
        if fence.is_some() || indent >= 4 {
            pos = line_end;
            continue;
        }
        let t = line.trim();
        if t == RESTRICTED_OPEN || t == RESTRICTED_CLOSE {
            push(body, file, text, seg_start..pos, included);
            if t == RESTRICTED_OPEN && opts.drop_restricted {
                // Skip to the closing marker (or the end: an unclosed block stays hidden).
                let close = text[line_end..]
                    .find(RESTRICTED_CLOSE)
                    .map(|i| line_end + i);
                let resume = match close {
                    Some(c) => text[c..].find('\n').map_or(text.len(), |i| c + i + 1),
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "restricted-content",
                                "restricted block is never closed; everything after it is left out",
                            )
                            .at(file, pos..line_end.saturating_sub(1).max(pos))
                            .help(format!("close it with a line `{RESTRICTED_CLOSE}`")),
                        );
                        text.len()
                    }
                };
                // Keep the line count so later positions still map (blank lines only).
                let skipped = text[line_end..resume].matches('\n').count() + 1;
                let s = body.text.len();
                body.text.push_str(&"\n".repeat(skipped));
                body.segments.push(Segment {
                    expanded: s..body.text.len(),
                    file,
                    file_offset: pos,
                    included,
                });
                seg_start = resume;
                pos = resume;
            } else {
                seg_start = line_end;
                pos = line_end;
            }
            continue;
        }
        if let Some(path) = include_directive(line) {
            push(body, file, text, seg_start..pos, included);
            seg_start = line_end;
            let here = pos + indent..pos + line.trim_end().len();
            match resolve_include(path, stack, opts) {
                Ok((target, norm)) => {
                    stack.push(norm);
                    // Blank lines around the fragment keep it in blocks of its own.
                    body.text.push('\n');
                    let s = body.text.len() - 1;
                    body.segments.push(Segment {
                        expanded: s..s + 1,
                        file,
                        file_offset: here.start,
                        included,
                    });
                    expand_into(
                        body,
                        target.file,
                        target.text,
                        target.body_offset,
                        true,
                        stack,
                        opts,
                        diags,
                    );
                    if !body.text.ends_with('\n') {
                        body.text.push('\n');
                    }
                    body.text.push('\n');
                    let e = body.text.len();
                    if let Some(last) = body.segments.last() {
                        let covered = last.expanded.end;
                        if covered < e {
                            body.segments.push(Segment {
                                expanded: covered..e,
                                file,
                                file_offset: here.start,
                                included,
                            });
                        }
                    }
                    stack.pop();
                }
                Err((msg, help)) => diags.push(
                    Diagnostic::error(INCLUDE_CHECK, msg)
                        .at(file, here)
                        .help(help),
                ),
            }
        }
        pos = line_end;
    }
    push(body, file, text, seg_start..text.len(), included);
}

fn resolve_include<'a>(
    path: &str,
    stack: &[String],
    opts: &ExpandOptions<'a>,
) -> Result<(Includable<'a>, String), (String, String)> {
    // Links may start from the content root with `@/`; includes always do, so accept both.
    let rooted = path.strip_prefix("@/").unwrap_or(path);
    let norm = normalise_content_path(rooted).map_err(|e| {
        (
            format!("cannot include `{path}`: {e}"),
            "write the path from the content root, e.g. `_snippets/helpline.md`".to_string(),
        )
    })?;
    if stack.contains(&norm) {
        let chain = stack
            .iter()
            .chain(std::iter::once(&norm))
            .cloned()
            .collect::<Vec<_>>()
            .join(" → ");
        return Err((
            format!("include cycle: {chain}"),
            "a page or snippet cannot include itself, directly or through others".into(),
        ));
    }
    if stack.len() > opts.max_depth {
        return Err((
            format!("includes are nested more than {} deep", opts.max_depth),
            "flatten the snippets, or raise `limits.max_include_depth` in site.yaml".into(),
        ));
    }
    match (opts.lookup)(&norm) {
        Some(t) => Ok((t, norm)),
        None => Err((
            format!("included file `{path}` does not exist"),
            "check the path: it starts at the content root and ends with .md".into(),
        )),
    }
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Inline,
    Wiki,
    Image,
    Autolink,
}

/// A link or image as written, with its position in the expanded body.
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub dest: String,
    pub kind: LinkKind,
    pub range: Range<usize>,
    /// Link text, or the image's alt text.
    pub text: String,
}

/// What sort of block a piece of text sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    ListItem,
    Heading,
    TableCell,
}

/// The plain text of a block (inline markup dropped) with a map back to body positions.
#[derive(Debug, Clone)]
pub struct TextBlock {
    pub kind: BlockKind,
    pub text: String,
    /// (offset in `text`, offset in body, length): runs copied verbatim from the body.
    pub pieces: Vec<(usize, usize, usize)>,
    pub range: Range<usize>,
    /// Inside a blockquote.
    pub quoted: bool,
    /// Between `<!-- waymark-quote -->` markers.
    pub quote_marked: bool,
    /// Index into the page's headings of the section it is in.
    pub section: Option<usize>,
    /// Index of the list item's parent list intro paragraph (the paragraph just before the list).
    pub list_intro: Option<usize>,
    /// Nesting depth of lists.
    pub list_depth: usize,
    /// Starts with a bold term (`**Term**: ...` definitions).
    pub bold_lead: Option<String>,
    /// Whether this block came from an included fragment.
    pub included: bool,
}

impl TextBlock {
    /// Body position of a position in `text`.
    pub fn body_pos(&self, pos: usize) -> usize {
        match self.pieces.binary_search_by(|p| {
            if p.0 + p.2 < pos {
                std::cmp::Ordering::Less
            } else if p.0 > pos {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        }) {
            Ok(i) => {
                let p = self.pieces[i];
                p.1 + (pos - p.0).min(p.2)
            }
            Err(i) => {
                let p = self.pieces.get(i.saturating_sub(1)).or(self.pieces.first());
                p.map_or(self.range.start, |p| p.1 + p.2)
            }
        }
    }

    pub fn body_range(&self, r: &Range<usize>) -> Range<usize> {
        let s = self.body_pos(r.start);
        let e = self.body_pos(r.end).max(s);
        s..e
    }
}

/// An HTML comment (suppressions, quote markers) or raw HTML.
#[derive(Debug, Clone)]
pub struct HtmlPiece {
    pub html: String,
    pub range: Range<usize>,
    pub is_comment: bool,
    /// Index of the next text block after it (what a suppression comment applies to).
    pub next_block: usize,
}

/// A citation found in a text block, with its position in the body.
#[derive(Debug, Clone)]
pub struct CitationRef {
    pub citation: Citation,
    pub range: Range<usize>,
    pub block: usize,
}

/// Everything the later stages need from one page's body.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub blocks: Vec<TextBlock>,
    pub citations: Vec<CitationRef>,
    pub html: Vec<HtmlPiece>,
    /// Body offset where each level of list and blockquote nesting is first reached (its
    /// length is the deepest nesting): for the nesting limit, as browsers and HTML tools slow
    /// down on very deep trees.
    pub nesting: Vec<usize>,
}

/// Slug for a heading anchor (SPEC §4): lower case, punctuation dropped, spaces as hyphens.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    out
}

/// Assigns unique anchors in page order: a repeated heading gets `-1`, `-2`.
pub struct AnchorAllocator {
    seen: HashMap<String, usize>,
}

impl Default for AnchorAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl AnchorAllocator {
    pub fn new() -> Self {
        AnchorAllocator {
            seen: HashMap::new(),
        }
    }
    pub fn allocate(&mut self, base: &str) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base.to_string()
        };
        match self.seen.get_mut(&base) {
            None => {
                self.seen.insert(base.clone(), 0);
                base
            }
            Some(n) => {
                *n += 1;
                let id = format!("{base}-{n}");
                self.seen.insert(id.clone(), 0);
                id
            }
        }
    }
}

struct OpenBlock {
    kind: BlockKind,
    text: String,
    pieces: Vec<(usize, usize, usize)>,
    start: usize,
    bold_lead: Option<String>,
    in_strong_at_start: bool,
}

/// Parses the expanded body once and collects headings, links, text blocks and citations.
pub fn analyse(body: &Body, acts: &ActTable) -> Doc {
    analyse_in(body, acts, None)
}

/// [`analyse`] for a page about an act (a legal summary): bare sections on it belong to that
/// act until another is cited.
pub fn analyse_in(body: &Body, acts: &ActTable, page_act: Option<&str>) -> Doc {
    let mut doc = Doc::default();
    let mut anchors = AnchorAllocator::new();
    let mut scanner = CitationScanner::new(acts);
    if let Some(act) = page_act.filter(|a| !a.trim().is_empty()) {
        scanner.assume_act(act);
    }
    let mut open: Vec<OpenBlock> = Vec::new();
    let mut quote_depth = 0usize;
    let mut quote_marked = false;
    let mut list_depth = 0usize;
    let mut list_intro_stack: Vec<Option<usize>> = Vec::new();
    let mut last_paragraph: Option<usize> = None;
    let mut heading: Option<(HeadingLevel, Option<String>, usize)> = None;
    let mut link_stack: Vec<(String, LinkKind, usize, String)> = Vec::new();
    let mut code_block = false;
    let mut strong_depth = 0usize;
    let mut para_merged: Vec<bool> = Vec::new();

    let parser = Parser::new_ext(&body.text, options()).into_offset_iter();
    for (ev, range) in parser {
        match ev {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    // A paragraph inside a list item (a loose list) is part of the item's text.
                    let merged = open.last().is_some_and(|b| b.kind == BlockKind::ListItem);
                    para_merged.push(merged);
                    if !merged {
                        open.push(new_block(BlockKind::Paragraph, range.start));
                    }
                }
                Tag::Item => {
                    open.push(new_block(BlockKind::ListItem, range.start));
                }
                Tag::TableCell => open.push(new_block(BlockKind::TableCell, range.start)),
                Tag::Heading { level, id, .. } => {
                    heading = Some((level, id.map(|s| s.to_string()), range.start));
                    open.push(new_block(BlockKind::Heading, range.start));
                }
                Tag::BlockQuote(_) => {
                    quote_depth += 1;
                    if quote_depth + list_depth > doc.nesting.len() {
                        doc.nesting.push(range.start);
                    }
                }
                Tag::CodeBlock(_) => code_block = true,
                Tag::List(_) => {
                    list_depth += 1;
                    if quote_depth + list_depth > doc.nesting.len() {
                        doc.nesting.push(range.start);
                    }
                    // The paragraph that introduces a list ("Officers should:") gives its items
                    // their modal verb.
                    list_intro_stack.push(last_paragraph);
                }
                Tag::Strong => {
                    strong_depth += 1;
                    if let Some(b) = open.last_mut()
                        && b.text.trim().is_empty()
                    {
                        b.in_strong_at_start = true;
                    }
                }
                Tag::Link {
                    link_type,
                    dest_url,
                    ..
                } => {
                    let kind = match link_type {
                        LinkType::WikiLink { .. } => LinkKind::Wiki,
                        LinkType::Autolink | LinkType::Email => LinkKind::Autolink,
                        _ => LinkKind::Inline,
                    };
                    let text_start = open.last().map_or(0, |b| b.text.len());
                    link_stack.push((dest_url.to_string(), kind, range.start, String::new()));
                    let _ = text_start;
                }
                Tag::Image { dest_url, .. } => {
                    link_stack.push((
                        dest_url.to_string(),
                        LinkKind::Image,
                        range.start,
                        String::new(),
                    ));
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_) => {
                    if end == TagEnd::Paragraph && para_merged.pop() == Some(true) {
                        add_text(
                            &mut open,
                            &mut link_stack,
                            " ",
                            range.end..range.end,
                            &body.text,
                        );
                        continue;
                    }
                    if let Some(b) = open.pop() {
                        if b.text.trim().is_empty() && b.kind != BlockKind::Heading {
                            continue;
                        }
                        let kind = b.kind;
                        let mut section = doc.headings.len().checked_sub(1);
                        if let (TagEnd::Heading(_), Some((level, explicit, start))) =
                            (&end, heading.take())
                        {
                            let text = b.text.trim().to_string();
                            let anchor = match explicit {
                                Some(id) => anchors.allocate(&id),
                                None => anchors.allocate(&slugify(&text)),
                            };
                            doc.headings.push(Heading {
                                level: level as u8,
                                text,
                                anchor,
                                range: start..range.end,
                            });
                            section = Some(doc.headings.len() - 1);
                        }
                        let list_intro = if kind == BlockKind::ListItem {
                            list_intro_stack.last().copied().flatten()
                        } else {
                            None
                        };
                        let block = TextBlock {
                            kind,
                            text: b.text,
                            pieces: b.pieces,
                            range: b.start..range.end,
                            quoted: quote_depth > 0,
                            quote_marked,
                            section,
                            list_intro,
                            list_depth,
                            bold_lead: b.bold_lead,
                            included: body.is_included(b.start),
                        };
                        let idx = doc.blocks.len();
                        for c in scanner.scan(&block.text) {
                            let r = block.body_range(&c.span);
                            doc.citations.push(CitationRef {
                                citation: c,
                                range: r,
                                block: idx,
                            });
                        }
                        if kind == BlockKind::Paragraph && list_depth == 0 {
                            last_paragraph = Some(idx);
                        }
                        doc.blocks.push(block);
                        // A list item that holds a paragraph: the paragraph closed its own
                        // block; merge nothing further.
                    }
                }
                TagEnd::BlockQuote(_) => quote_depth = quote_depth.saturating_sub(1),
                TagEnd::CodeBlock => code_block = false,
                TagEnd::List(_) => {
                    list_depth = list_depth.saturating_sub(1);
                    list_intro_stack.pop();
                }
                TagEnd::Strong => {
                    strong_depth = strong_depth.saturating_sub(1);
                    if let Some(b) = open.last_mut() {
                        if b.in_strong_at_start && b.bold_lead.is_none() {
                            b.bold_lead = Some(b.text.trim().to_string());
                        }
                        b.in_strong_at_start = false;
                    }
                }
                TagEnd::Link | TagEnd::Image => {
                    if let Some((dest, kind, start, text)) = link_stack.pop() {
                        doc.links.push(LinkRef {
                            dest,
                            kind,
                            range: start..range.end,
                            text,
                        });
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => {
                if code_block {
                    continue;
                }
                add_text(&mut open, &mut link_stack, &t, range.clone(), &body.text);
            }
            Event::SoftBreak | Event::HardBreak => {
                add_text(
                    &mut open,
                    &mut link_stack,
                    " ",
                    range.start..range.start,
                    &body.text,
                );
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = h.trim();
                let is_comment = t.starts_with("<!--");
                if t == "<!-- waymark-quote -->" {
                    quote_marked = true;
                } else if t == "<!-- /waymark-quote -->" {
                    quote_marked = false;
                }
                doc.html.push(HtmlPiece {
                    html: h.to_string(),
                    range,
                    is_comment,
                    next_block: doc.blocks.len() + open.len(),
                });
            }
            _ => {}
        }
    }
    let _ = strong_depth;
    doc
}

fn new_block(kind: BlockKind, start: usize) -> OpenBlock {
    OpenBlock {
        kind,
        text: String::new(),
        pieces: Vec::new(),
        start,
        bold_lead: None,
        in_strong_at_start: false,
    }
}

fn add_text(
    open: &mut [OpenBlock],
    links: &mut [(String, LinkKind, usize, String)],
    t: &str,
    range: Range<usize>,
    src: &str,
) {
    for l in links.iter_mut() {
        l.3.push_str(t);
    }
    let Some(b) = open.last_mut() else { return };
    let at = b.text.len();
    b.text.push_str(t);
    // Only runs that appear verbatim in the source map back exactly; others (entities,
    // escapes) map to the start of their source range.
    let verbatim = src.get(range.clone()) == Some(t);
    if verbatim {
        b.pieces.push((at, range.start, t.len()));
    } else {
        b.pieces.push((at, range.start, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        Body {
            text: text.into(),
            segments: vec![Segment {
                expanded: 0..text.len(),
                file: FileId(0),
                file_offset: 0,
                included: false,
            }],
        }
    }

    #[test]
    fn slugs_and_duplicates() {
        assert_eq!(slugify("Who applies? (s.1)"), "who-applies-s1");
        assert_eq!(
            slugify("  Stalking  vs.  harassment "),
            "stalking-vs-harassment"
        );
        let mut a = AnchorAllocator::new();
        assert_eq!(a.allocate("aim"), "aim");
        assert_eq!(a.allocate("aim"), "aim-1");
        assert_eq!(a.allocate("aim"), "aim-2");
    }

    #[test]
    fn include_directive_syntax() {
        assert_eq!(
            include_directive("{{ include(path=\"_snippets/a.md\") }}"),
            Some("_snippets/a.md")
        );
        assert_eq!(
            include_directive("  {{include(path='x.md')}}  "),
            Some("x.md")
        );
        assert_eq!(include_directive("text {{ include(path=\"a\") }}"), None);
    }

    #[test]
    fn paths_cannot_climb_out() {
        assert!(normalise_content_path("../../etc/passwd").is_err());
        assert!(normalise_content_path("/etc/passwd").is_err());
        assert_eq!(normalise_content_path("a/./b/../c.md").unwrap(), "a/c.md");
    }

    #[test]
    fn collects_headings_links_blocks_and_positions() {
        let acts = {
            let mut t = ActTable::new();
            t.add("Protection from Harassment Act 1997", &["PHA 1997".into()]);
            t
        };
        let src = "# Title\n\nSee [the law](../x.md#a) and s.4A PHA 1997.\n\n## Title\n\nOfficers should:\n\n- record *everything*\n- [[glossary/spo|SPO]]\n";
        let d = analyse(&body(src), &acts);
        assert_eq!(
            d.headings
                .iter()
                .map(|h| h.anchor.as_str())
                .collect::<Vec<_>>(),
            ["title", "title-1"]
        );
        assert_eq!(d.links[0].dest, "../x.md#a");
        assert_eq!(d.links[1].kind, LinkKind::Wiki);
        assert_eq!(d.links[1].dest, "glossary/spo");
        let c = &d.citations[0];
        assert_eq!(&src[c.range.clone()], "s.4A PHA 1997");
        let items: Vec<&TextBlock> = d
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .collect();
        assert_eq!(items[0].text, "record everything");
        assert_eq!(
            d.blocks[items[0].list_intro.unwrap()].text,
            "Officers should:"
        );
        let p = &d.blocks[1];
        let at = p.text.find("and").unwrap();
        assert_eq!(&src[p.body_pos(at)..p.body_pos(at) + 3], "and");
    }
}
