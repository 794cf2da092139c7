//! Suppressions (SPEC §6.5), applied once over every finding of a run, whatever stage made it:
//!
//! - `<!-- waymark-allow CHECK: reason -->` before a block applies to that block (a list, a
//!   table, a paragraph, a heading; inside a paragraph, to the paragraph). Several checks may be
//!   named, separated by commas. A conflict is covered when either of its places is in the
//!   block.
//! - `<!-- waymark-allow CHECK with=guidance/x#anchor: reason -->` covers only findings whose
//!   other place is on that page (in that section, with an anchor).
//! - front matter `allow: [{check, reason, with?}]` covers the page: findings on it, and
//!   conflicts whose other place is in its body.
//! - an overlay page's `deviation: {target, rationale, approved_by, review_due}` covers
//!   `overlay-conflict` findings between it and `target`, until `review_due` has passed.
//!
//! A suppression without a reason, one naming no check, one with an expired `review_due` and
//! one that suppresses nothing are reported under the check `suppression`. Baselines are
//! applied later, by the command line (`baseline`).

use super::overlay_conflict;
use crate::diag::{Diagnostic, FileId, Label, Severity, Suppression};
use crate::graph::Site;
use crate::parse::markdown::options;
use jiff::civil::Date;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::ops::Range;

pub const NAME: &str = "suppression";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Comment,
    FrontMatter,
    Deviation,
}

impl Form {
    fn kind(self) -> &'static str {
        match self {
            Form::Comment => "waymark-allow comment",
            Form::FrontMatter => "front-matter allow",
            Form::Deviation => "deviation",
        }
    }
}

#[derive(Debug, Clone)]
enum Scope {
    /// A block of a file.
    Block(FileId, Range<usize>),
    /// A page: its file, and the body for the other place of a conflict.
    Page(usize),
    /// Nothing follows the comment.
    Nothing,
}

/// The other place a pairwise suppression names: a page, optionally one of its sections.
#[derive(Debug, Clone)]
struct Target {
    raw: String,
    page: Option<usize>,
    /// The section's range in the page's file, when an anchor was given and found.
    section: Option<Range<usize>>,
    anchor_missing: bool,
}

#[derive(Debug, Clone)]
struct Allowance {
    form: Form,
    checks: Vec<String>,
    reason: String,
    with: Option<Target>,
    scope: Scope,
    /// Where it is written, for reports about it.
    file: FileId,
    at: Range<usize>,
    /// For deviations whose `review_due` has passed.
    expired: Option<Date>,
    used: BTreeSet<String>,
    /// Problems found while reading it (message, help).
    problems: Vec<(String, String)>,
}

/// Applies every suppression to `diags` and adds findings about the suppressions themselves.
pub fn apply(site: &Site, today: Date, diags: &mut Vec<Diagnostic>) {
    apply_selected(site, today, diags, super::Selection::All);
}

/// [`apply`] after a run of some of the checks: a suppression of a check left out of the run
/// is not reported as matching nothing.
pub fn apply_selected(
    site: &Site,
    today: Date,
    diags: &mut Vec<Diagnostic>,
    selection: super::Selection,
) {
    let mut allowances = collect(site, today);
    let rules = super::rules();
    // Checks this build runs: only their suppressions can be unused.
    let running: BTreeSet<&str> = rules
        .iter()
        .map(|r| r.name)
        .filter(|n| selection.includes(n))
        .collect();
    let known: BTreeSet<&str> = running
        .iter()
        .copied()
        .chain(super::CATALOGUE.iter().copied())
        .collect();

    // Suppressions by the check they name, so each finding meets only its own.
    let mut by_check: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (k, a) in allowances.iter().enumerate() {
        for c in &a.checks {
            by_check.entry(c.as_str()).or_default().push(k);
        }
    }
    let mut used: Vec<(usize, &'static str)> = Vec::new();
    for d in diags.iter_mut() {
        if d.check == NAME || d.suppressed.is_some() || d.primary.is_none() {
            continue;
        }
        let Some(candidates) = by_check.get(d.check) else {
            continue;
        };
        let matching: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&k| matches(site, &allowances[k], d))
            .collect();
        let first = matching
            .iter()
            .copied()
            .find(|&k| allowances[k].expired.is_none());
        let expired = matching
            .iter()
            .copied()
            .find(|&k| allowances[k].expired.is_some());
        if let Some(k) = first {
            // Every suppression that covers the finding counts as used, so two that overlap
            // are not reported as unused; the first one gives the reason.
            used.extend(
                matching
                    .iter()
                    .filter(|&&m| allowances[m].expired.is_none())
                    .map(|&m| (m, d.check)),
            );
            let a = &allowances[k];
            let reason = if a.reason.trim().is_empty() {
                "(no reason given)".to_string()
            } else {
                a.reason.clone()
            };
            d.suppressed = Some(Suppression {
                kind: a.form.kind().to_string(),
                reason,
            });
        } else if let Some(k) = expired {
            let note = format!(
                "the deviation recorded for this expired on {}",
                allowances[k].expired.expect("expired")
            );
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h}; {note}"),
                None => note,
            });
        }
    }
    drop(by_check);
    for (k, check) in used {
        allowances[k].used.insert(check.to_string());
    }

    let cfg = &site.config;
    let severity = match cfg.check(NAME).and_then(|c| c.severity) {
        Some(None) => return,
        Some(Some(s)) => s,
        None => Severity::Warning,
    };
    let enabled = |c: &str| !matches!(cfg.check(c).and_then(|cc| cc.severity), Some(None));
    for a in &mut allowances {
        let mut report = |msg: String, help: String| {
            diags.push(
                Diagnostic::new(NAME, severity, msg)
                    .at(a.file, a.at.clone())
                    .help(help),
            );
        };
        for (m, h) in std::mem::take(&mut a.problems) {
            report(m, h);
        }
        let mut all_known = true;
        for c in &a.checks {
            if !known.contains(c.as_str()) {
                all_known = false;
                let hint = known
                    .iter()
                    .map(|k| (strsim::levenshtein(k, c), *k))
                    .filter(|(n, _)| *n <= 3)
                    .min()
                    .map_or_else(
                        || "run `waymark check --explain CHECK` with a check's name; the names are in the output of every finding".to_string(),
                        |(_, k)| format!("did you mean `{k}`?"),
                    );
                report(format!("`{c}` is not the name of a check"), hint);
            }
        }
        if a.form != Form::Deviation && a.reason.trim().is_empty() && !a.checks.is_empty() {
            report(
                format!("suppression of `{}` gives no reason", a.checks.join("`, `")),
                match a.form {
                    Form::Comment => format!(
                        "say why the finding is right to ignore: `<!-- waymark-allow {}: reason -->`",
                        a.checks.join(", ")
                    ),
                    _ => "add `reason: \"...\"` saying why the finding is right to ignore".into(),
                },
            );
        }
        if let Some(t) = &a.with {
            if t.page.is_none() {
                report(
                    format!("`with={}`: no page has that id", t.raw),
                    "give the other place as a page id, optionally with a heading anchor: `with=guidance/x#anchor`".into(),
                );
                continue;
            }
            if t.anchor_missing {
                report(
                    format!("`with={}`: the page has no heading with that anchor", t.raw),
                    "use the anchor of a heading on that page, or leave the anchor out".into(),
                );
                continue;
            }
        }
        if let Some(on) = a.expired {
            let target = a
                .with
                .as_ref()
                .map_or("national guidance", |t| t.raw.as_str());
            report(
                format!("the deviation from `{target}` expired on {on}: the conflicts it covered are reported again"),
                "review the local procedure; if the deviation still stands, set a new `review_due`, otherwise remove it".into(),
            );
            continue;
        }
        if !all_known {
            continue;
        }
        for c in &a.checks {
            if !a.used.contains(c) && enabled(c) && running.contains(c.as_str()) {
                report(
                    format!("this suppression of `{c}` matches no finding"),
                    "remove it: the finding it was written for is gone (or the comment is not directly before the block it should cover)".into(),
                );
            }
        }
    }
}

/// Whether a label is in the page's file: anywhere for the primary place, in the body for the
/// other place of a conflict (a front-matter line named as context does not make the finding
/// the page's).
fn on_page(site: &Site, i: usize, l: &Label, primary: bool) -> bool {
    let p = &site.pages[i];
    l.file == p.file && (primary || l.range.start >= p.body_offset)
}

fn in_target(site: &Site, t: &Target, l: &Label) -> bool {
    let Some(p) = t.page else { return false };
    if t.anchor_missing {
        return false;
    }
    if l.file != site.pages[p].file {
        return false;
    }
    match &t.section {
        Some(r) => r.start <= l.range.start && l.range.start < r.end,
        None => true,
    }
}

fn matches(site: &Site, a: &Allowance, d: &Diagnostic) -> bool {
    let Some(primary) = &d.primary else {
        return false;
    };
    let labels: Vec<(&Label, bool)> = std::iter::once((primary, true))
        .chain(d.related.iter().map(|l| (l, false)))
        .collect();
    let here: Vec<usize> = labels
        .iter()
        .enumerate()
        .filter(|(_, (l, is_primary))| match &a.scope {
            Scope::Block(f, r) => {
                l.file == *f && r.start <= l.range.start && l.range.start < r.end.max(r.start + 1)
            }
            Scope::Page(i) => on_page(site, *i, l, *is_primary),
            Scope::Nothing => false,
        })
        .map(|(k, _)| k)
        .collect();
    if here.is_empty() {
        return false;
    }
    match &a.with {
        None => true,
        // The other place: any label but the one that put the finding in scope.
        Some(t) => labels
            .iter()
            .enumerate()
            .any(|(k, (l, _))| !(here.len() == 1 && here[0] == k) && in_target(site, t, l)),
    }
}

/// Every suppression written in the site.
fn collect(site: &Site, today: Date) -> Vec<Allowance> {
    let mut out = Vec::new();
    let mut seen_comments: BTreeSet<(FileId, usize)> = BTreeSet::new();
    for (i, page) in site.pages.iter().enumerate() {
        for c in comments(site, i) {
            if seen_comments.insert((c.file, c.at.start)) {
                out.push(c);
            }
        }
        for a in &page.fm.allow {
            let mut problems = Vec::new();
            let with = a.with.as_deref().map(|w| target(site, w));
            if a.check.split(',').count() > 1 {
                problems.push((
                    format!("`allow` names several checks in one entry (`{}`)", a.check),
                    "give each check an entry of its own".to_string(),
                ));
            }
            out.push(Allowance {
                form: Form::FrontMatter,
                checks: vec![a.check.trim().to_string()],
                reason: a.reason.clone(),
                with,
                scope: Scope::Page(i),
                file: page.file,
                at: a.span.clone(),
                expired: None,
                used: BTreeSet::new(),
                problems,
            });
        }
        if let Some(o) = &page.fm.overlay {
            for d in &o.deviation {
                let mut reason = d.rationale.trim().to_string();
                if let Some(by) = &d.approved_by {
                    reason.push_str(&format!(" (approved by {by}"));
                    match d.review_due {
                        Some(r) => reason.push_str(&format!(", review due {r})")),
                        None => reason.push(')'),
                    }
                }
                out.push(Allowance {
                    form: Form::Deviation,
                    checks: vec![overlay_conflict::NAME.to_string()],
                    reason,
                    with: Some(target(site, &d.target)),
                    scope: Scope::Page(i),
                    file: page.file,
                    at: d.span.clone(),
                    expired: d.review_due.filter(|r| *r < today),
                    used: BTreeSet::new(),
                    problems: Vec::new(),
                });
            }
        }
    }
    out
}

fn target(site: &Site, raw: &str) -> Target {
    let raw = raw.trim().to_string();
    let (id, anchor) = match raw.split_once('#') {
        Some((a, b)) => (a, Some(b)),
        None => (raw.as_str(), None),
    };
    let page = super::cited::page_by_id(site, id);
    let mut section = None;
    let mut anchor_missing = false;
    if let (Some(p), Some(anchor)) = (page, anchor.filter(|a| !a.is_empty())) {
        section = section_range(site, p, anchor);
        anchor_missing = section.is_none();
    }
    Target {
        raw,
        page,
        section,
        anchor_missing,
    }
}

/// The file range of a page's section: from its heading to the next heading at the same or a
/// higher level.
fn section_range(site: &Site, p: usize, anchor: &str) -> Option<Range<usize>> {
    let page = &site.pages[p];
    let hs = &page.headings;
    let k = hs.iter().position(|h| h.anchor == anchor)?;
    let (file, start) = page.body.locate(&hs[k].range)?;
    let end_body = hs[k + 1..]
        .iter()
        .find(|h| h.level <= hs[k].level)
        .map_or(page.body.text.len(), |h| h.range.start);
    let end = match page.body.locate(&(end_body..end_body)) {
        Some((f, r)) if f == file => r.start,
        _ => site.sources.get(file).text.len(),
    };
    Some(start.start..end.max(start.start))
}

/// A block-level element of a page body, in document order.
struct Block {
    depth: usize,
    range: Range<usize>,
    /// An HTML block holding only comments (several allow comments may stand in a row).
    comment_only: bool,
    html: bool,
}

fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// The `waymark-allow` comments of a page body, each with the block it covers.
fn comments(site: &Site, i: usize) -> Vec<Allowance> {
    let page = &site.pages[i];
    let text = &page.body.text;
    if !text.contains("waymark-allow") {
        return Vec::new();
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    // (comment text, body range, block index of its HTML block or of the block holding it,
    // inline)
    let mut found: Vec<(String, Range<usize>, usize, bool)> = Vec::new();
    for (ev, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match ev {
            Event::Start(tag) if is_block(&tag) => {
                let comment_only = matches!(tag, Tag::HtmlBlock) && {
                    let t = text[range.clone()].trim();
                    t.starts_with("<!--") && t.ends_with("-->")
                };
                stack.push(blocks.len());
                blocks.push(Block {
                    depth: stack.len() - 1,
                    range,
                    comment_only,
                    html: matches!(tag, Tag::HtmlBlock),
                });
            }
            Event::End(tag) if is_block_end(&tag) => {
                stack.pop();
            }
            // A comment on its own line is an HTML block; one in running text is inline and
            // covers the block it is in.
            Event::Html(h) | Event::InlineHtml(h) => {
                let Some(&b) = stack.last() else { continue };
                let inline = !blocks[b].html;
                for (c, r) in allow_comments(&h, range.start) {
                    found.push((c, r, b, inline));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (c, r, b, inline) in found {
        let covered = if inline {
            Some(blocks[b].range.clone())
        } else {
            let depth = blocks[b].depth;
            blocks[b + 1..]
                .iter()
                .take_while(|x| x.depth >= depth)
                .find(|x| x.depth == depth && !x.comment_only && x.range.start >= r.end)
                .map(|x| x.range.clone())
        };
        let Some((file, at)) = page.body.locate(&r) else {
            continue;
        };
        let scope = match covered.and_then(|c| locate_range(page, &c)) {
            Some((f, rr)) => Scope::Block(f, rr),
            None => Scope::Nothing,
        };
        out.push(parse_comment(site, &c, scope, file, at));
    }
    out
}

/// A body range in its file, cut at the end of the file's piece it starts in.
fn locate_range(page: &crate::model::Page, r: &Range<usize>) -> Option<(FileId, Range<usize>)> {
    page.body.locate(r)
}

/// `<!-- waymark-allow ... -->` comments in a piece of HTML: (inside text, body range).
fn allow_comments(html: &str, offset: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(s) = html[pos..].find("<!--") {
        let start = pos + s;
        let Some(e) = html[start + 4..].find("-->") else {
            break;
        };
        let end = start + 4 + e + 3;
        let inner = html[start + 4..end - 3].trim();
        if let Some(rest) = inner.strip_prefix("waymark-allow")
            && (rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with(':'))
        {
            out.push((rest.trim().to_string(), offset + start..offset + end));
        }
        pos = end;
    }
    out
}

/// Reads `CHECK[, CHECK] [with=TARGET]: reason`.
fn parse_comment(
    site: &Site,
    inner: &str,
    scope: Scope,
    file: FileId,
    at: Range<usize>,
) -> Allowance {
    let (head, reason) = match inner.split_once(':') {
        Some((h, r)) => (h, r.trim().to_string()),
        None => (inner, String::new()),
    };
    let mut checks = Vec::new();
    let mut with = None;
    let mut problems = Vec::new();
    for tok in head.split([',', ' ', '\t', '\n']).filter(|t| !t.is_empty()) {
        if let Some(t) = tok.strip_prefix("with=") {
            with = Some(target(site, t));
        } else if tok
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            checks.push(tok.to_string());
        } else {
            problems.push((
                format!("cannot read `{tok}` in a `waymark-allow` comment"),
                "write `<!-- waymark-allow CHECK: reason -->`, or `<!-- waymark-allow CHECK with=page/id#anchor: reason -->`".to_string(),
            ));
        }
    }
    if checks.is_empty() {
        problems.push((
            "`waymark-allow` comment names no check".to_string(),
            "write `<!-- waymark-allow CHECK: reason -->`, naming the check to allow".to_string(),
        ));
    }
    Allowance {
        form: Form::Comment,
        checks,
        reason,
        with,
        scope,
        file,
        at,
        expired: None,
        used: BTreeSet::new(),
        problems,
    }
}
