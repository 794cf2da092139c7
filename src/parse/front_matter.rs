//! Front matter: split it from the body, parse the YAML with positions, and validate it into a
//! typed [`FrontMatter`], reporting every problem (not just the first) at its line and column
//! in the file.

use super::yaml::{self, Node, Value, YamlLimits};
use crate::diag::{Diagnostic, FileId, SourceFile};
use crate::model::*;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::ops::Range;

pub const CHECK: &str = "front-matter";

/// What the caller knows about the file before reading its front matter.
#[derive(Debug, Clone, Copy)]
pub struct FrontMatterContext {
    /// Kind given by the page's folder (SPEC §2); `kind:` in front matter may override it.
    pub folder_kind: Kind,
    pub is_section: bool,
    pub is_overlay: bool,
}

/// The result of reading a page's front matter. `front_matter` is `None` only when there was
/// nothing usable (no front matter at all, or YAML that does not parse).
#[derive(Debug)]
pub struct Parsed {
    pub front_matter: Option<FrontMatter>,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where the front-matter block is: the YAML's byte range and the line it starts on.
struct Block {
    yaml: Range<usize>,
    body_offset: usize,
    /// 0-based file line of the YAML's first line.
    first_line: usize,
}

enum Split {
    Found(Block),
    Missing,
    Unterminated,
}

fn split(text: &str) -> Split {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_end].trim_end() != "---" {
        return Split::Missing;
    }
    let yaml_start = start + first_end;
    let mut pos = yaml_start;
    let mut line = 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            return Split::Found(Block {
                yaml: yaml_start..pos,
                body_offset: end,
                first_line: 1,
            });
        }
        pos = end;
        line += 1;
    }
    let _ = line;
    Split::Unterminated
}

/// Reads the front matter of a page.
pub fn parse(
    file: &SourceFile,
    file_id: FileId,
    ctx: FrontMatterContext,
    limits: YamlLimits,
) -> Parsed {
    let text = &file.text;
    let mut diags = Vec::new();
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(CHECK, "the file is empty")
                .at(file_id, 0..0)
                .help("start the page with front matter: a line `---`, `title: ...`, and a closing `---`"),
        );
        return Parsed {
            front_matter: None,
            body_offset: text.len(),
            diagnostics: diags,
        };
    }
    let block = match split(text) {
        Split::Found(b) => b,
        Split::Missing => {
            let first_len = text.find('\n').unwrap_or(text.len());
            diags.push(
                Diagnostic::error(CHECK, "the page has no front matter")
                    .at(file_id, 0..first_len)
                    .help("start the file with a line `---`, then `title: ...` and other keys, then a line `---`"),
            );
            return Parsed {
                front_matter: None,
                body_offset: 0,
                diagnostics: diags,
            };
        }
        Split::Unterminated => {
            diags.push(
                Diagnostic::error(CHECK, "the front matter is never closed")
                    .at_label(file_id, 0..3, "front matter opens here")
                    .help("end the front matter with a line holding only `---`"),
            );
            return Parsed {
                front_matter: None,
                body_offset: text.len(),
                diagnostics: diags,
            };
        }
    };
    let yaml_text = &text[block.yaml.clone()];
    let root = match yaml::parse(yaml_text, limits) {
        Ok(n) => n,
        Err(e) => {
            let line = e.line.unwrap_or(1) + block.first_line;
            let start = file.offset_of(line, e.col.unwrap_or(1));
            let end = line_end(text, start);
            let (message, help) = yaml_error_text(&e);
            diags.push(
                Diagnostic::error(CHECK, message)
                    .at(file_id, start..end)
                    .help(help),
            );
            return Parsed {
                front_matter: None,
                body_offset: block.body_offset,
                diagnostics: diags,
            };
        }
    };
    let mut v = Validator {
        file,
        file_id,
        first_line: block.first_line,
        diags,
        fm: FrontMatter::default(),
    };
    v.root(&root, ctx, block.yaml.start);
    Parsed {
        front_matter: Some(v.fm),
        body_offset: block.body_offset,
        diagnostics: v.diags,
    }
}

/// What to tell an editor about a YAML error in front matter: a syntax slip or a limit.
fn yaml_error_text(e: &yaml::YamlError) -> (String, &'static str) {
    use yaml::YamlErrorKind as K;
    let message = match e.kind {
        K::Syntax => format!("invalid YAML in front matter: {}", e.message),
        _ => format!(
            "front matter refused: {}",
            e.message.replacen("the YAML", "it", 1)
        ),
    };
    let help = match e.kind {
        K::Syntax => {
            "front matter is YAML: `key: value` lines; quote text that contains `: ` or starts with a special character"
        }
        K::TooBig => {
            "move long text into the page body, or raise `limits.max_front_matter_size` in site.yaml"
        }
        K::Aliases => "write the value out in full wherever it is needed",
        K::TooDeep => "front matter needs only a few levels of nesting: flatten it",
        K::TooMany => "front matter holds a page's metadata only: move the data elsewhere",
    };
    (message, help)
}

fn line_end(text: &str, start: usize) -> usize {
    let start = start.min(text.len());
    text[start..].find('\n').map_or(text.len(), |i| start + i)
}

const COMMON_KEYS: &[&str] = &[
    "title",
    "summary",
    "status",
    "first_published",
    "updated",
    "review_due",
    "changes",
    "owner",
    "audience",
    "applies_to",
    "tags",
    "topics",
    "related",
    "aliases",
    "weight",
    "visibility",
    "legal_basis",
    "reviewed_against",
    "allow",
    "template",
    "short_title",
    "kind",
];
const LEGAL_KEYS: &[&str] = &["legislation", "offence", "facts", "repealed"];
const PRACTICE_KEYS: &[&str] = &[
    "organisation",
    "region",
    "contact",
    "partners",
    "stage",
    "outcome",
    "start_date",
    "scale",
    "target_group",
    "purpose",
    "illustrative",
];
const RECOMMENDATION_KEYS: &[&str] = &["number", "addressees", "due", "source"];
const TERM_KEYS: &[&str] = &[
    "term",
    "abbreviation",
    "definition",
    "synonyms",
    "deprecated",
];
const OVERLAY_KEYS: &[&str] = &["force", "overlays", "deviation"];
/// Section pages in the legislation tree declare an act with `legislation:`.
const SECTION_KEYS: &[&str] = &["legislation"];

const RECOMMENDATION_PROGRESS: &[&str] = &[
    "open",
    "in-progress",
    "implemented",
    "partially-implemented",
    "closed",
    "superseded",
    "not-started",
];

fn keys_for(kind: Kind, is_overlay: bool) -> Vec<&'static str> {
    let mut keys: Vec<&str> = COMMON_KEYS.to_vec();
    keys.extend_from_slice(match kind {
        Kind::Legal => LEGAL_KEYS,
        Kind::Practice => PRACTICE_KEYS,
        Kind::Recommendation => RECOMMENDATION_KEYS,
        Kind::Term => TERM_KEYS,
        Kind::Section => SECTION_KEYS,
        Kind::Guidance => &[],
    });
    if is_overlay {
        keys.extend_from_slice(OVERLAY_KEYS);
    }
    keys
}

/// The closest candidate to a mistyped name, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&w, c),
                strsim::jaro_winkler(&w, c),
                c,
            )
        })
        .filter(|(d, jw, c)| *d <= 2.max(c.len() / 4) || *jw >= 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

struct Validator<'a> {
    file: &'a SourceFile,
    file_id: FileId,
    first_line: usize,
    diags: Vec<Diagnostic>,
    fm: FrontMatter,
}

impl Validator<'_> {
    /// File byte range of a node: from its start to the end of that line.
    fn span(&self, n: &Node) -> Range<usize> {
        let start = self.file.offset_of(n.line + self.first_line, n.col);
        let end = line_end(&self.file.text, start);
        start..end.max(start)
    }

    fn error(&mut self, n: &Node, msg: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::error(CHECK, msg).at(self.file_id, self.span(n));
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    fn record(&mut self, path: &str, n: &Node) {
        let s = self.span(n);
        self.fm.spans.insert(path.to_string(), s);
    }

    fn root(&mut self, root: &Node, ctx: FrontMatterContext, _yaml_start: usize) {
        let entries = match &root.value {
            Value::Map(m) => m.clone(),
            other => {
                let t = other.type_name();
                self.error(
                    root,
                    format!("front matter must be a mapping of `key: value` lines, found {t}"),
                    None,
                );
                return;
            }
        };
        // `kind:` decides which keys are valid, so read it first.
        let mut kind = if ctx.is_section {
            Kind::Section
        } else {
            ctx.folder_kind
        };
        for (k, v) in &entries {
            if k.value == Value::Str("kind".into())
                && let Some(s) = self.string(v, "kind")
            {
                match Kind::parse(&s) {
                    Some(kd) => {
                        kind = kd;
                        self.fm.kind = Some(kd);
                    }
                    None => {
                        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                        let hint = did_you_mean(&s, all.iter().copied())
                            .map(|c| format!("did you mean `{c}`?"))
                            .unwrap_or_else(|| format!("expected one of: {}", all.join(", ")));
                        self.error(v, format!("`kind`: unknown kind `{s}`"), Some(hint));
                    }
                }
            }
        }
        let allowed = keys_for(kind, ctx.is_overlay);
        let mut title_seen = false;
        let mut practice = PracticeMeta::default();
        let mut rec = RecommendationMeta::default();
        let mut term = TermMeta::default();
        let mut overlay = OverlayMeta::default();
        let (mut has_practice, mut has_rec, mut has_term, mut has_overlay) =
            (false, false, false, false);
        for (k, v) in &entries {
            let Some(key) = k.value.scalar_text() else {
                self.error(k, "front-matter keys must be plain words", None);
                continue;
            };
            self.record(&key, k);
            if !allowed.contains(&key.as_str()) {
                self.unknown_key(k, &key, kind, ctx.is_overlay, &allowed);
                continue;
            }
            match key.as_str() {
                "title" => {
                    title_seen = true;
                    if let Some(s) = self.string(v, "title") {
                        if s.trim().is_empty() {
                            self.error(v, "`title` is empty", None);
                        }
                        self.fm.title = s;
                    }
                }
                "summary" => self.fm.summary = self.string(v, "summary"),
                "status" => self.status(v, kind, &mut rec, &mut has_rec),
                "first_published" => self.fm.first_published = self.date(v, "first_published"),
                "updated" => self.fm.updated = self.date(v, "updated"),
                "review_due" => self.fm.review_due = self.date(v, "review_due"),
                "changes" => self.changes(v),
                "owner" => self.fm.owner = self.string(v, "owner"),
                "audience" => self.fm.audience = self.string_list(v, "audience"),
                "applies_to" => self.fm.applies_to = self.string_list(v, "applies_to"),
                "tags" => self.fm.tags = self.string_list(v, "tags"),
                "topics" => self.fm.topics = self.string_list(v, "topics"),
                "related" => self.fm.related = self.string_list(v, "related"),
                "aliases" => self.fm.aliases = self.aliases(v),
                "weight" => match &v.value {
                    Value::Int(i) => self.fm.weight = Some(*i),
                    other => {
                        let t = other.type_name();
                        self.error(
                            v,
                            format!("`weight` should be a whole number, found {t}"),
                            None,
                        )
                    }
                },
                "visibility" => {
                    if let Some(s) = self.enum_str(v, "visibility", &["public", "restricted"]) {
                        self.fm.visibility = if s == "restricted" {
                            Visibility::Restricted
                        } else {
                            Visibility::Public
                        };
                    }
                }
                "legal_basis" => self.fm.legal_basis = self.string_list(v, "legal_basis"),
                "reviewed_against" => self.reviewed_against(v),
                "allow" => self.allow(v),
                "template" => self.fm.template = self.string(v, "template"),
                "short_title" => self.fm.short_title = self.string(v, "short_title"),
                "kind" => {}
                "legislation" => self.legislation(v, kind == Kind::Section),
                "offence" => self.fm.legal.offence = self.offence(v),
                "facts" => self.fm.legal.facts = self.facts(v, "facts"),
                "repealed" => self.repealed(v),
                "organisation" | "region" | "contact" | "target_group" | "purpose" | "scale" => {
                    has_practice = true;
                    let s = if key == "scale" {
                        self.enum_str(v, "scale", &["local", "regional", "national"])
                    } else {
                        self.string(v, &key)
                    };
                    match key.as_str() {
                        "organisation" => practice.organisation = s,
                        "region" => practice.region = s,
                        "contact" => practice.contact = s,
                        "target_group" => practice.target_group = s,
                        "purpose" => practice.purpose = s,
                        _ => practice.scale = s,
                    }
                }
                "partners" => {
                    has_practice = true;
                    practice.partners = self.string_list(v, "partners");
                }
                "stage" => {
                    has_practice = true;
                    practice.stage = self
                        .enum_str(
                            v,
                            "stage",
                            &["untested", "evaluated-locally", "independently-evaluated"],
                        )
                        .map(|s| match s.as_str() {
                            "untested" => PracticeStage::Untested,
                            "evaluated-locally" => PracticeStage::EvaluatedLocally,
                            _ => PracticeStage::IndependentlyEvaluated,
                        });
                }
                "outcome" => {
                    has_practice = true;
                    practice.outcome = self
                        .enum_str(
                            v,
                            "outcome",
                            &["worked", "promising", "new", "did-not-work"],
                        )
                        .map(|s| match s.as_str() {
                            "worked" => PracticeOutcome::Worked,
                            "promising" => PracticeOutcome::Promising,
                            "new" => PracticeOutcome::New,
                            _ => PracticeOutcome::DidNotWork,
                        });
                }
                "start_date" => {
                    has_practice = true;
                    practice.start_date = self.date(v, "start_date");
                }
                "illustrative" => {
                    has_practice = true;
                    practice.illustrative = self.boolean(v, "illustrative").unwrap_or(false);
                }
                "number" => {
                    has_rec = true;
                    rec.number = self.string(v, "number");
                }
                "addressees" => {
                    has_rec = true;
                    rec.addressees = self.string_list(v, "addressees");
                }
                "due" => {
                    has_rec = true;
                    rec.due = self.date(v, "due");
                }
                "source" => {
                    has_rec = true;
                    rec.source = self.string(v, "source");
                }
                "term" => {
                    has_term = true;
                    term.term = self.string(v, "term").unwrap_or_default();
                }
                "abbreviation" => {
                    has_term = true;
                    term.abbreviation = self.string(v, "abbreviation");
                }
                "definition" => {
                    has_term = true;
                    term.definition = self.string(v, "definition");
                }
                "synonyms" => {
                    has_term = true;
                    term.synonyms = self.string_list(v, "synonyms");
                }
                "deprecated" => {
                    has_term = true;
                    term.deprecated = self.deprecated(v);
                }
                "force" => {
                    has_overlay = true;
                    overlay.force = self.string(v, "force");
                }
                "overlays" => {
                    has_overlay = true;
                    overlay.overlays = self.string(v, "overlays");
                }
                "deviation" => {
                    has_overlay = true;
                    overlay.deviation = self.deviations(v);
                }
                _ => unreachable!("key `{key}` is allowed but not handled"),
            }
        }
        if !title_seen {
            let d = Diagnostic::error(CHECK, "missing required key `title`")
                .at(self.file_id, self.span(root))
                .help("add `title: ...` to the front matter");
            self.diags.push(d);
        }
        if kind == Kind::Term || has_term {
            if term.term.is_empty() {
                term.term = self.fm.title.clone();
            }
            self.fm.term = Some(term);
        }
        if kind == Kind::Practice || has_practice {
            self.fm.practice = Some(practice);
        }
        if kind == Kind::Recommendation || has_rec {
            self.fm.recommendation = Some(rec);
        }
        if ctx.is_overlay || has_overlay {
            self.fm.overlay = Some(overlay);
        }
        if kind == Kind::Legal && self.fm.legal.legislation.is_none() {
            let d = Diagnostic::error(
                CHECK,
                "a legal summary needs `legislation:` (act, provision, source)",
            )
            .at(self.file_id, self.span(root))
            .help("add `legislation: { act: ..., provision: s.N, source: <official URL> }`");
            self.diags.push(d);
        }
    }

    fn unknown_key(&mut self, k: &Node, key: &str, kind: Kind, is_overlay: bool, allowed: &[&str]) {
        let owner = [
            (LEGAL_KEYS, "legal summaries (kind: legal)"),
            (PRACTICE_KEYS, "practice-bank entries (kind: practice)"),
            (
                RECOMMENDATION_KEYS,
                "recommendations (kind: recommendation)",
            ),
            (TERM_KEYS, "glossary terms (kind: term)"),
            (OVERLAY_KEYS, "pages of a local overlay (--overlay)"),
        ]
        .iter()
        .find(|(keys, _)| keys.contains(&key))
        .map(|(_, who)| *who);
        let (msg, help) = match owner {
            Some(who) => (
                format!("`{key}` is not a key for a {} page", kind.as_str()),
                Some(format!("`{key}` is only for {who}")),
            ),
            None => {
                let hint = did_you_mean(key, allowed.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"));
                (
                    format!("unknown front-matter key `{key}`"),
                    hint.or_else(|| Some(format!("valid keys here: {}", allowed.join(", ")))),
                )
            }
        };
        let _ = is_overlay;
        self.error(k, msg, help);
    }

    fn string(&mut self, v: &Node, field: &str) -> Option<String> {
        match &v.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => v.value.scalar_text(),
            other => {
                let t = other.type_name();
                self.error(v, format!("`{field}` should be text, found {t}"), None);
                None
            }
        }
    }

    fn boolean(&mut self, v: &Node, field: &str) -> Option<bool> {
        match &v.value {
            Value::Bool(b) => Some(*b),
            other => {
                let t = other.type_name();
                self.error(
                    v,
                    format!("`{field}` should be true or false, found {t}"),
                    None,
                );
                None
            }
        }
    }

    fn enum_str(&mut self, v: &Node, field: &str, options: &[&str]) -> Option<String> {
        let s = self.string(v, field)?;
        if options.contains(&s.as_str()) {
            return Some(s);
        }
        let hint = did_you_mean(&s, options.iter().copied())
            .map(|c| format!("did you mean `{c}`?"))
            .unwrap_or_else(|| format!("expected one of: {}", options.join(", ")));
        self.error(
            v,
            format!("`{field}`: `{s}` is not a valid value"),
            Some(hint),
        );
        None
    }

    fn date(&mut self, v: &Node, field: &str) -> Option<Date> {
        let s = match &v.value {
            Value::Str(s) => s.clone(),
            other => {
                let t = other.type_name();
                self.error(
                    v,
                    format!("`{field}` should be a date (YYYY-MM-DD), found {t}"),
                    None,
                );
                return None;
            }
        };
        match parse_date(&s) {
            Some(d) => {
                self.record(field, v);
                Some(d)
            }
            None => {
                self.error(
                    v,
                    format!("`{field}`: `{s}` is not a valid date"),
                    Some("write dates as YYYY-MM-DD, e.g. 2025-03-27".into()),
                );
                None
            }
        }
    }

    fn string_list(&mut self, v: &Node, field: &str) -> Vec<String> {
        match &v.value {
            Value::Seq(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    self.record(&format!("{field}[{i}]"), item);
                    if let Some(s) = self.string(item, &format!("{field}[{i}]")) {
                        out.push(s);
                    }
                }
                out
            }
            Value::Null => Vec::new(),
            other => {
                let t = other.type_name();
                self.error(
                    v,
                    format!("`{field}` should be a list, found {t}"),
                    Some(format!("write a list: `{field}: [first, second]`")),
                );
                Vec::new()
            }
        }
    }

    /// Old ids, normalised (`/guidance/old.md` is `guidance/old`). Each becomes a redirect
    /// file in the output, so one that climbs out of the site or cannot be a file name is
    /// refused here.
    fn aliases(&mut self, v: &Node) -> Vec<String> {
        let Value::Seq(items) = &v.value else {
            return self.string_list(v, "aliases");
        };
        let mut out = Vec::new();
        for item in items {
            let Some(raw) = self.string(item, "aliases") else {
                continue;
            };
            let trimmed = raw.trim().trim_matches('/');
            let trimmed = trimmed.strip_suffix(".md").unwrap_or(trimmed);
            let problem = match super::markdown::normalise_content_path(trimmed) {
                Err(e) => Some(e.to_string()),
                Ok(id) if id.is_empty() => Some("it names the home page".to_string()),
                Ok(id) => match crate::model::url::path_problem(&id) {
                    Some(p) => Some(format!("it {p}")),
                    None => {
                        self.record(&format!("aliases[{}]", out.len()), item);
                        out.push(id);
                        None
                    }
                },
            };
            if let Some(p) = problem {
                self.error(
                    item,
                    format!("alias `{}` is not allowed: {p}", raw.escape_debug()),
                    Some(
                        "an alias is the page's old id, from the content root: `guidance/old-name`"
                            .into(),
                    ),
                );
            }
        }
        out
    }

    fn map<'n>(&mut self, v: &'n Node, field: &str) -> Option<&'n Vec<(Node, Node)>> {
        match &v.value {
            Value::Map(m) => Some(m),
            other => {
                let t = other.type_name();
                self.error(
                    v,
                    format!("`{field}` should be a mapping of `key: value`, found {t}"),
                    None,
                );
                None
            }
        }
    }

    /// Walks a nested mapping with a fixed set of keys, reporting unknown ones.
    fn fields<'n>(&mut self, v: &'n Node, field: &str, keys: &[&str]) -> Vec<(String, &'n Node)> {
        let Some(m) = self.map(v, field) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, val) in m {
            let Some(name) = k.value.scalar_text() else {
                continue;
            };
            if keys.contains(&name.as_str()) {
                self.record(&format!("{field}.{name}"), k);
                out.push((name, val));
            } else {
                let hint = did_you_mean(&name, keys.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"))
                    .unwrap_or_else(|| format!("valid keys: {}", keys.join(", ")));
                self.error(k, format!("unknown key `{name}` in `{field}`"), Some(hint));
            }
        }
        out
    }

    fn status(&mut self, v: &Node, kind: Kind, rec: &mut RecommendationMeta, has_rec: &mut bool) {
        let Some(s) = self.string(v, "status") else {
            return;
        };
        self.fm.status = match s.as_str() {
            "draft" => Status::Draft,
            "published" => Status::Published,
            "withdrawn" => Status::Withdrawn,
            // SPEC §3 gives recommendations a `status` of their own: their progress. Those
            // values mean the page itself is published.
            p if kind == Kind::Recommendation && RECOMMENDATION_PROGRESS.contains(&p) => {
                rec.progress = Some(p.to_string());
                *has_rec = true;
                Status::Published
            }
            _ => {
                let mut options = vec!["draft", "published", "withdrawn"];
                if kind == Kind::Recommendation {
                    options.extend_from_slice(RECOMMENDATION_PROGRESS);
                }
                let hint = did_you_mean(&s, options.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"))
                    .unwrap_or_else(|| format!("expected one of: {}", options.join(", ")));
                self.error(
                    v,
                    format!("`status`: `{s}` is not a valid value"),
                    Some(hint),
                );
                Status::Published
            }
        };
    }

    fn changes(&mut self, v: &Node) {
        let Value::Seq(items) = &v.value else {
            let t = v.value.type_name();
            self.error(
                v,
                format!("`changes` should be a list of {{date, type, note}}, found {t}"),
                None,
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("changes[{i}]");
            self.record(&path, item);
            let mut date = None;
            let mut kind = None;
            let mut note = String::new();
            for (k, val) in self.fields(item, &path, &["date", "type", "note"]) {
                match k.as_str() {
                    "date" => date = self.date(val, &format!("{path}.date")),
                    "type" => {
                        kind = self
                            .enum_str(val, &format!("{path}.type"), &["major", "minor"])
                            .map(|s| {
                                if s == "major" {
                                    ChangeType::Major
                                } else {
                                    ChangeType::Minor
                                }
                            })
                    }
                    _ => {
                        note = self
                            .string(val, &format!("{path}.note"))
                            .unwrap_or_default()
                    }
                }
            }
            match (date, kind) {
                (Some(date), Some(kind)) => self.fm.changes.push(Change { date, kind, note }),
                _ => {
                    if matches!(item.value, Value::Map(_)) {
                        self.error(
                            item,
                            format!("`{path}` needs both `date` and `type` (major or minor)"),
                            None,
                        );
                    }
                }
            }
        }
    }

    fn reviewed_against(&mut self, v: &Node) {
        let Some(m) = self.map(v, "reviewed_against") else {
            return;
        };
        for (k, val) in m {
            let Some(id) = k.value.scalar_text() else {
                continue;
            };
            self.record(&format!("reviewed_against.{id}"), k);
            if let Some(d) = self.date(val, &format!("reviewed_against.{id}")) {
                self.fm.reviewed_against.insert(id, d);
            }
        }
    }

    fn allow(&mut self, v: &Node) {
        let Value::Seq(items) = &v.value else {
            let t = v.value.type_name();
            self.error(
                v,
                format!("`allow` should be a list of {{check, reason}}, found {t}"),
                None,
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("allow[{i}]");
            let span = self.span(item);
            let mut a = Allow {
                check: String::new(),
                reason: String::new(),
                with: None,
                span,
            };
            if let Value::Str(s) = &item.value {
                a.check = s.clone();
            } else {
                for (k, val) in self.fields(item, &path, &["check", "reason", "with"]) {
                    let s = self.string(val, &format!("{path}.{k}")).unwrap_or_default();
                    match k.as_str() {
                        "check" => a.check = s,
                        "reason" => a.reason = s,
                        _ => a.with = Some(s),
                    }
                }
            }
            if a.check.is_empty() {
                self.error(item, format!("`{path}` needs `check: <check name>`"), None);
                continue;
            }
            self.fm.allow.push(a);
        }
    }

    fn legislation(&mut self, v: &Node, act_only: bool) {
        let keys: &[&str] = if act_only {
            &["act", "short", "source", "extent"]
        } else {
            &[
                "act",
                "short",
                "provision",
                "extent",
                "in_force",
                "status",
                "amended",
                "superseded_by",
                "source",
                "repealed",
            ]
        };
        let mut l = Legislation::default();
        let mut act_seen = false;
        for (k, val) in self.fields(v, "legislation", keys) {
            let path = format!("legislation.{k}");
            match k.as_str() {
                "act" => {
                    act_seen = true;
                    l.act = self.string(val, &path).unwrap_or_default();
                }
                "short" => l.short = self.string_list(val, &path),
                "provision" => {
                    l.provision = self.string(val, &path);
                    if let Some(p) = &l.provision
                        && crate::parse::citations::parse_provision(p).is_none()
                    {
                        self.error(
                            val,
                            format!("`legislation.provision`: `{p}` is not a provision"),
                            Some("write a section as `s.4A`, or a subsection as `s.2A(3)`".into()),
                        );
                    }
                }
                "extent" => l.extent = self.string_list(val, &path),
                "in_force" => l.in_force = self.date(val, &path),
                "status" => {
                    l.status = match self
                        .enum_str(
                            val,
                            &path,
                            &["in-force", "amended", "repealed", "prospective"],
                        )
                        .as_deref()
                    {
                        Some("amended") => LegalStatus::Amended,
                        Some("repealed") => LegalStatus::Repealed,
                        Some("prospective") => LegalStatus::Prospective,
                        _ => LegalStatus::InForce,
                    }
                }
                "amended" => l.amended = self.amendments(val),
                "superseded_by" => l.superseded_by = self.string(val, &path),
                "source" => l.source = self.string(val, &path),
                "repealed" => self.repealed(val),
                _ => {}
            }
        }
        if !act_seen && matches!(v.value, Value::Map(_)) {
            self.error(v, "`legislation` needs `act: <full name of the act>`", None);
        }
        self.record("legislation", v);
        self.fm.legal.legislation = Some(l);
    }

    fn amendments(&mut self, v: &Node) -> Vec<Amendment> {
        let Value::Seq(items) = &v.value else {
            let t = v.value.type_name();
            self.error(
                v,
                format!("`legislation.amended` should be a list of {{on, by, note}}, found {t}"),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("legislation.amended[{i}]");
            self.record(&path, item);
            let (mut on, mut by, mut note) = (None, String::new(), None);
            for (k, val) in self.fields(item, &path, &["on", "by", "note"]) {
                match k.as_str() {
                    "on" => on = self.date(val, &format!("{path}.on")),
                    "by" => by = self.string(val, &format!("{path}.by")).unwrap_or_default(),
                    _ => note = self.string(val, &format!("{path}.note")),
                }
            }
            match on {
                Some(on) => out.push(Amendment { on, by, note }),
                None if matches!(item.value, Value::Map(_)) => {
                    self.error(item, format!("`{path}` needs `on: <date>`"), None)
                }
                None => {}
            }
        }
        out
    }

    fn repealed(&mut self, v: &Node) {
        let mut r = Repeal { on: None, by: None };
        for (k, val) in self.fields(v, "repealed", &["on", "by"]) {
            match k.as_str() {
                "on" => r.on = self.date(val, "repealed.on"),
                _ => r.by = self.string(val, "repealed.by"),
            }
        }
        self.record("repealed", v);
        self.fm.legal.repealed = Some(r);
    }

    fn offence(&mut self, v: &Node) -> Option<Offence> {
        let mut o = Offence {
            mode_of_trial: None,
            max_penalty: BTreeMap::new(),
            time_limit: None,
            points_to_prove: Vec::new(),
        };
        for (k, val) in self.fields(
            v,
            "offence",
            &[
                "mode_of_trial",
                "max_penalty",
                "time_limit",
                "points_to_prove",
            ],
        ) {
            match k.as_str() {
                "mode_of_trial" => {
                    o.mode_of_trial = self
                        .enum_str(
                            val,
                            "offence.mode_of_trial",
                            &["summary", "either-way", "indictable"],
                        )
                        .map(|s| match s.as_str() {
                            "summary" => ModeOfTrial::Summary,
                            "either-way" => ModeOfTrial::EitherWay,
                            _ => ModeOfTrial::Indictable,
                        })
                }
                "max_penalty" => {
                    for (pk, pv) in
                        self.fields(val, "offence.max_penalty", &["indictment", "summary"])
                    {
                        let path = format!("offence.max_penalty.{pk}");
                        if let Some(f) = self.fact(pv, &path) {
                            o.max_penalty.insert(pk, f);
                        }
                    }
                }
                "time_limit" => o.time_limit = self.fact(val, "offence.time_limit"),
                _ => o.points_to_prove = self.string_list(val, "offence.points_to_prove"),
            }
        }
        self.record("offence", v);
        Some(o)
    }

    fn facts(&mut self, v: &Node, field: &str) -> BTreeMap<String, Fact> {
        let mut out = BTreeMap::new();
        let Some(m) = self.map(v, field) else {
            return out;
        };
        for (k, val) in m {
            let Some(name) = k.value.scalar_text() else {
                continue;
            };
            let path = format!("{field}.{name}");
            self.record(&path, k);
            if let Some(f) = self.fact(val, &path) {
                out.insert(name, f);
            }
        }
        out
    }

    /// A fact: a scalar, or `{value, about, as_at}`.
    fn fact(&mut self, v: &Node, path: &str) -> Option<Fact> {
        let span = self.span(v);
        match &v.value {
            Value::Map(_) => {
                let mut raw = None;
                let mut about = Vec::new();
                let mut as_at = None;
                for (k, val) in self.fields(v, path, &["value", "about", "as_at"]) {
                    match k.as_str() {
                        "value" => raw = val.value.scalar_text(),
                        "about" => about = self.string_list(val, &format!("{path}.about")),
                        _ => as_at = self.date(val, &format!("{path}.as_at")),
                    }
                }
                let Some(raw) = raw else {
                    self.error(v, format!("`{path}` needs `value:`"), None);
                    return None;
                };
                Some(Fact {
                    value: Amount::parse(&raw),
                    raw,
                    about,
                    as_at,
                    span,
                })
            }
            Value::Seq(_) | Value::Null => {
                let t = v.value.type_name();
                self.error(
                    v,
                    format!("`{path}` should be a value such as `10 years`, found {t}"),
                    None,
                );
                None
            }
            other => {
                let raw = other.scalar_text().unwrap_or_default();
                Some(Fact {
                    value: Amount::parse(&raw),
                    raw,
                    about: Vec::new(),
                    as_at: None,
                    span,
                })
            }
        }
    }

    fn deprecated(&mut self, v: &Node) -> Vec<Deprecated> {
        let Value::Seq(items) = &v.value else {
            let t = v.value.type_name();
            self.error(
                v,
                format!("`deprecated` should be a list of {{variant, preferred}}, found {t}"),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("deprecated[{i}]");
            self.record(&path, item);
            if let Value::Str(s) = &item.value {
                out.push(Deprecated {
                    variant: s.clone(),
                    preferred: String::new(),
                });
                continue;
            }
            let (mut variant, mut preferred) = (String::new(), String::new());
            for (k, val) in self.fields(item, &path, &["variant", "preferred"]) {
                let s = self.string(val, &format!("{path}.{k}")).unwrap_or_default();
                if k == "variant" {
                    variant = s
                } else {
                    preferred = s
                }
            }
            if variant.is_empty() {
                self.error(item, format!("`{path}` needs `variant:`"), None);
            } else {
                out.push(Deprecated { variant, preferred });
            }
        }
        out
    }

    fn deviations(&mut self, v: &Node) -> Vec<Deviation> {
        let items: Vec<Node> = match &v.value {
            Value::Seq(items) => items.clone(),
            Value::Map(_) => vec![v.clone()],
            other => {
                let t = other.type_name();
                self.error(v, format!("`deviation` should be a mapping {{target, rationale, approved_by, review_due}}, found {t}"), None);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("deviation[{i}]");
            let span = self.span(item);
            let mut d = Deviation {
                target: String::new(),
                rationale: String::new(),
                approved_by: None,
                review_due: None,
                span,
            };
            for (k, val) in self.fields(
                item,
                "deviation",
                &["target", "rationale", "approved_by", "review_due"],
            ) {
                match k.as_str() {
                    "target" => {
                        d.target = self
                            .string(val, &format!("{path}.target"))
                            .unwrap_or_default()
                    }
                    "rationale" => {
                        d.rationale = self
                            .string(val, &format!("{path}.rationale"))
                            .unwrap_or_default()
                    }
                    "approved_by" => {
                        d.approved_by = self.string(val, &format!("{path}.approved_by"))
                    }
                    _ => d.review_due = self.date(val, &format!("{path}.review_due")),
                }
            }
            if d.target.is_empty() || d.rationale.is_empty() {
                self.error(
                    item,
                    "a `deviation` needs `target` (the national page id) and `rationale`",
                    None,
                );
                continue;
            }
            out.push(d);
        }
        out
    }
}

/// Parses an ISO date (YYYY-MM-DD), rejecting impossible dates such as 2025-02-30.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    Date::strptime("%Y-%m-%d", s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, kind: Kind) -> Parsed {
        let f = SourceFile::new("t.md".into(), "t.md".into(), text.into());
        parse(
            &f,
            FileId(0),
            FrontMatterContext {
                folder_kind: kind,
                is_section: false,
                is_overlay: false,
            },
            YamlLimits::default(),
        )
    }

    fn positions(p: &Parsed, text: &str) -> Vec<(usize, usize, String)> {
        let f = SourceFile::new("t.md".into(), "t.md".into(), text.into());
        p.diagnostics
            .iter()
            .map(|d| {
                let l = d.primary.as_ref().unwrap();
                let (a, b) = f.line_col(l.range.start);
                (a, b, d.message.clone())
            })
            .collect()
    }

    #[test]
    fn reads_common_keys() {
        let t = "---\ntitle: Hello\nsummary: Short\nupdated: 2025-03-01\ntags: [a, b]\nweight: 3\n---\nBody\n";
        let p = run(t, Kind::Guidance);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let fm = p.front_matter.unwrap();
        assert_eq!(fm.title, "Hello");
        assert_eq!(fm.tags, vec!["a", "b"]);
        assert_eq!(fm.updated.unwrap().to_string(), "2025-03-01");
        assert_eq!(&t[p.body_offset..], "Body\n");
    }

    #[test]
    fn reports_every_error_at_file_positions() {
        let t = "---\ntitle: Hello\ntitel: x\nupdated: 2025-02-30\nstatus: publshed\ntags: stalking\n---\n";
        let p = run(t, Kind::Guidance);
        let pos = positions(&p, t);
        assert_eq!(pos.len(), 4, "{pos:?}");
        assert_eq!((pos[0].0, pos[0].1), (3, 1));
        assert!(pos[0].2.contains("unknown front-matter key `titel`"));
        assert!(
            p.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `title`?")
        );
        assert_eq!((pos[1].0, pos[1].1), (4, 10));
        assert!(pos[1].2.contains("not a valid date"));
        assert_eq!((pos[2].0, pos[2].1), (5, 9));
        assert!(
            p.diagnostics[2]
                .help
                .as_deref()
                .unwrap()
                .contains("published")
        );
        assert_eq!((pos[3].0, pos[3].1), (6, 7));
        assert!(pos[3].2.contains("should be a list"));
    }

    #[test]
    fn kind_specific_keys_are_explained() {
        let t = "---\ntitle: x\noffence: {mode_of_trial: summary}\n---\n";
        let p = run(t, Kind::Guidance);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(
            p.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("legal summaries")
        );
    }

    #[test]
    fn unterminated_and_missing() {
        let p = run("---\ntitle: x\n", Kind::Guidance);
        assert!(p.diagnostics[0].message.contains("never closed"));
        let p = run("# Just markdown\n", Kind::Guidance);
        assert!(p.diagnostics[0].message.contains("no front matter"));
        let p = run("", Kind::Guidance);
        assert!(p.diagnostics[0].message.contains("empty"));
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let t = "---\ntitle: x\nsummary: \"open\n---\nbody\n";
        let p = run(t, Kind::Guidance);
        let pos = positions(&p, t);
        assert_eq!(pos.len(), 1);
        assert!(pos[0].0 >= 3, "{pos:?}");
    }

    #[test]
    fn legal_front_matter() {
        let t = "---\ntitle: s.4A\nlegislation:\n  act: Protection from Harassment Act 1997\n  short: [PHA 1997]\n  provision: s.4A\n  extent: [england-and-wales]\n  in_force: 2012-11-25\n  amended: [{on: 2017-04-03, by: PCA 2017 s.175, note: raised}]\noffence:\n  mode_of_trial: either-way\n  max_penalty: {indictment: 10 years, summary: {value: 12 months, as_at: 2024-11-18}}\n  time_limit: none\nfacts:\n  occasions: {value: 2, about: [occasions]}\n---\n";
        let p = run(t, Kind::Legal);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let fm = p.front_matter.unwrap();
        let o = fm.legal.offence.unwrap();
        assert_eq!(o.max_penalty["indictment"].value.to_string(), "10 years");
        assert_eq!(
            o.max_penalty["summary"].as_at.unwrap().to_string(),
            "2024-11-18"
        );
        assert_eq!(o.time_limit.unwrap().value, Amount::None);
        assert_eq!(fm.legal.facts["occasions"].about, vec!["occasions"]);
        assert_eq!(
            fm.legal.legislation.unwrap().amended[0].on.to_string(),
            "2017-04-03"
        );
    }

    #[test]
    fn recommendation_status_is_progress() {
        let t = "---\ntitle: r\nstatus: open\nnumber: 7\n---\n";
        let p = run(t, Kind::Recommendation);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let fm = p.front_matter.unwrap();
        assert_eq!(fm.status, Status::Published);
        assert_eq!(fm.recommendation.unwrap().progress.as_deref(), Some("open"));
    }
}
