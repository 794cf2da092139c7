//! Markdown to HTML for one page: pulldown-cmark's renderer over an event stream that we
//! rewrite on the way: links resolved to relative URLs, citations linked to their summaries,
//! abbreviations marked up on first use, heading anchors, and raw HTML made safe.

use crate::config::HtmlPolicy;
use crate::graph::{CitationTarget, LinkProblem, LinkTarget, Site};
use crate::model::url;
use crate::parse::markdown::options;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use std::collections::{BTreeSet, HashMap, HashSet};

/// HTML of a page body, plus whether unsafe raw HTML had to be removed.
pub struct BodyHtml {
    pub html: String,
    pub removed_unsafe_html: bool,
}

fn escape_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            c => o.push(c),
        }
    }
    o
}

/// Renders page `i` of the site.
pub fn body_html(site: &Site, i: usize, portable: bool) -> BodyHtml {
    let page = &site.pages[i];
    let doc = &site.docs[i];
    let src = page.body.text.as_str();
    let from = page.id.as_str();

    let link_at: HashMap<usize, &LinkTarget> = doc
        .links
        .iter()
        .zip(&site.links[i])
        .map(|(l, r)| (l.range.start, &r.target))
        .collect();
    // Citations by body range start; linked once per target and section.
    let mut citations: Vec<(std::ops::Range<usize>, usize)> = doc
        .citations
        .iter()
        .zip(&site.citations[i])
        .filter_map(|(c, t)| match t {
            CitationTarget::Page(p) if *p != i => Some((c.range.clone(), *p)),
            _ => None,
        })
        .collect();
    citations.sort_by_key(|c| c.0.start);
    let mut linked_citations: HashSet<(usize, usize)> = HashSet::new();
    let mut abbr_done: BTreeSet<String> = BTreeSet::new();

    let mut events: Vec<Event> = Vec::new();
    let mut heading_no = 0usize;
    let mut section = 0usize;
    let mut in_link = 0usize;
    let mut in_heading = false;
    let mut in_code = false;
    let mut raw_html = false;
    let mut skip_link_end: Vec<bool> = Vec::new();
    let mut skip_image_end: Vec<bool> = Vec::new();

    // Task lists (`- [ ] item`) render as printable tick boxes; the checks read the same
    // text either way.
    let opts = options() | Options::ENABLE_TASKLISTS;
    for (ev, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match ev {
            Event::TaskListMarker(done) => {
                // A drawn box, not a form control: a checklist is a prompt to read or print.
                events.push(Event::InlineHtml(CowStr::from(if done {
                    "<span class=\"tick tick-done\" aria-hidden=\"true\"></span>"
                } else {
                    "<span class=\"tick\" aria-hidden=\"true\"></span>"
                })));
            }
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => {
                let anchor = doc
                    .headings
                    .get(heading_no)
                    .map(|h| h.anchor.clone())
                    .unwrap_or_default();
                heading_no += 1;
                section = heading_no;
                in_heading = true;
                // `{key=value}` attributes are dropped: they would publish `onclick=...`.
                let _ = attrs;
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(anchor)),
                    classes,
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(l)) => {
                in_heading = false;
                events.push(Event::End(TagEnd::Heading(l)));
            }
            Event::Start(Tag::CodeBlock(k)) => {
                in_code = true;
                events.push(Event::Start(Tag::CodeBlock(k)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let href = match link_at.get(&range.start) {
                    Some(LinkTarget::Page {
                        index,
                        anchor: Some(a),
                    }) if *index == i => Some(format!("#{a}")),
                    Some(LinkTarget::Page { index, anchor }) => Some(url::page_href(
                        from,
                        &site.pages[*index].id,
                        anchor.as_deref(),
                        portable,
                    )),
                    Some(LinkTarget::Asset(p)) => Some(url::file_href(from, p)),
                    Some(LinkTarget::External(u)) => Some(u.clone()),
                    // Broken and unsafe links keep their text but lose the link.
                    Some(LinkTarget::Broken(_)) | None => None,
                };
                match href {
                    Some(h) => {
                        in_link += 1;
                        skip_link_end.push(false);
                        let _ = dest_url;
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: CowStr::from(h),
                            title,
                            id,
                        }));
                    }
                    None => skip_link_end.push(true),
                }
            }
            Event::End(TagEnd::Link) => {
                if skip_link_end.pop() == Some(false) {
                    in_link = in_link.saturating_sub(1);
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src_url = match link_at.get(&range.start) {
                    Some(LinkTarget::Asset(p)) => Some(url::file_href(from, p)),
                    Some(LinkTarget::External(u)) => Some(u.clone()),
                    // A `javascript:` or out-of-site source is never published (the check may
                    // be turned off); the alt text stays as text.
                    Some(LinkTarget::Broken(
                        LinkProblem::Unsafe(_) | LinkProblem::OutsideRoot(_),
                    )) => None,
                    _ if unsafe_scheme(&dest_url) => None,
                    _ => Some(dest_url.to_string()),
                };
                match src_url {
                    Some(src_url) => {
                        skip_image_end.push(false);
                        events.push(Event::Start(Tag::Image {
                            link_type,
                            dest_url: CowStr::from(src_url),
                            title,
                            id,
                        }));
                    }
                    None => skip_image_end.push(true),
                }
            }
            Event::End(TagEnd::Image) => {
                if skip_image_end.pop() == Some(false) {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = h.trim_start();
                if t.starts_with("<!--") {
                    // Comments carry directives for Waymark; readers never need them.
                    continue;
                }
                raw_html = true;
                events.push(Event::InlineHtml(h));
            }
            Event::Text(t) if !in_code => {
                let verbatim = src.get(range.clone()) == Some(&*t);
                if !verbatim || in_heading {
                    events.push(Event::Text(t));
                    continue;
                }
                emit_text(
                    site,
                    i,
                    &t,
                    range.start,
                    in_link > 0,
                    section,
                    &citations,
                    &mut linked_citations,
                    &mut abbr_done,
                    portable,
                    &mut events,
                );
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    let mut removed = false;
    if raw_html {
        let cleaned = sanitize(&out);
        removed = normalise_ws(&cleaned) != normalise_ws(&out);
        out = cleaned;
        if site.config.html == HtmlPolicy::Refuse && removed {
            // The check stage reports it; the page is still written safely.
        }
    }
    BodyHtml {
        html: out,
        removed_unsafe_html: removed,
    }
}

/// Whether a destination written in Markdown has a scheme other than the web's, mail's and
/// telephone's (`javascript:`, `data:`, `vbscript:` ...).
fn unsafe_scheme(dest: &str) -> bool {
    let d: String = dest
        .trim()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    match d.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "tel"
        ),
        _ => false,
    }
}

fn normalise_ws(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\" />", "\">")
        .replace(" />", ">")
}

/// The HTML allowed in content (the policy lives in [`crate::parse::html`]).
pub fn sanitize(html: &str) -> String {
    crate::parse::html::sanitize(html)
}

#[allow(clippy::too_many_arguments)]
fn emit_text<'a>(
    site: &Site,
    page: usize,
    text: &str,
    start: usize,
    in_link: bool,
    section: usize,
    citations: &[(std::ops::Range<usize>, usize)],
    linked: &mut HashSet<(usize, usize)>,
    abbr_done: &mut BTreeSet<String>,
    portable: bool,
    out: &mut Vec<Event<'a>>,
) {
    let end = start + text.len();
    let from = site.pages[page].id.as_str();
    let mut cursor = start;
    let mut html = String::new();
    let mut changed = false;
    let first = citations.partition_point(|c| c.0.start < start);
    for (r, target) in &citations[first..] {
        if r.start >= end {
            break;
        }
        if r.end > end || in_link || !linked.insert((*target, section)) {
            continue;
        }
        html.push_str(&abbreviations(
            site,
            page,
            &text[cursor - start..r.start - start],
            in_link,
            abbr_done,
            portable,
            &mut changed,
        ));
        let href = url::page_href(from, &site.pages[*target].id, None, portable);
        html.push_str(&format!(
            "<a class=\"citation\" href=\"{}\">{}</a>",
            super::theme::escape_html(&href),
            escape_text(&text[r.start - start..r.end - start])
        ));
        changed = true;
        cursor = r.end;
    }
    html.push_str(&abbreviations(
        site,
        page,
        &text[cursor - start..],
        in_link,
        abbr_done,
        portable,
        &mut changed,
    ));
    if changed {
        out.push(Event::InlineHtml(CowStr::from(html)));
    } else {
        out.push(Event::Text(CowStr::from(text.to_string())));
    }
}

/// Escapes text, wrapping each glossary abbreviation's first use on the page in `<abbr>`.
fn abbreviations(
    site: &Site,
    page: usize,
    text: &str,
    in_link: bool,
    done: &mut BTreeSet<String>,
    portable: bool,
    changed: &mut bool,
) -> String {
    if site.abbreviations.is_empty() {
        return escape_text(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase()
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-'))
        {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-') {
            j += 1;
        }
        let word = &text[i..j];
        let key = if site.abbreviations.contains_key(word) {
            Some(word)
        } else {
            word.strip_suffix('s')
                .filter(|w| site.abbreviations.contains_key(*w))
        };
        if let Some(k) = key
            && !done.contains(k)
        {
            let g = &site.glossary[site.abbreviations[k]];
            done.insert(k.to_string());
            out.push_str(&escape_text(&text[last..i]));
            let abbr = format!(
                "<abbr title=\"{}\">{}</abbr>",
                super::theme::escape_html(&g.term),
                escape_text(word)
            );
            let target = site.by_id.get(&g.page).copied();
            match target {
                Some(t) if !in_link && t != page => {
                    let href = url::page_href(&site.pages[page].id, &g.page, None, portable);
                    out.push_str(&format!(
                        "<a class=\"term\" href=\"{}\">{abbr}</a>",
                        super::theme::escape_html(&href)
                    ));
                }
                _ => out.push_str(&abbr),
            }
            last = j;
            *changed = true;
        }
        i = j.max(i + 1);
    }
    out.push_str(&escape_text(&text[last..]));
    out
}
