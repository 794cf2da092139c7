//! `site.yaml`: the site's configuration, validated like front matter (every error at its
//! line and column; unknown keys rejected with a "did you mean" hint).

use crate::diag::{Diagnostic, FileId, Severity, SourceFile};
use crate::model::Kind;
use crate::parse::front_matter::did_you_mean;
use crate::parse::yaml::{self, Node, Value, YamlLimits};
use serde_json::Value as Json;
use std::collections::BTreeMap;

pub const CHECK: &str = "config";

/// Resource limits (hardening): each has a clear error when crossed and can be raised here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest content file read, in bytes.
    pub max_file_size: u64,
    /// Deepest chain of includes.
    pub max_include_depth: usize,
    /// Largest front-matter block, in bytes.
    pub max_front_matter_size: usize,
    /// Longest search query, in bytes.
    pub max_query_length: usize,
    /// Deepest nesting of lists and blockquotes, and of raw HTML elements, in a page.
    pub max_nesting_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 5 * 1024 * 1024,
            max_include_depth: 8,
            max_front_matter_size: 64 * 1024,
            max_query_length: 512,
            max_nesting_depth: 32,
        }
    }
}

/// What to do with raw HTML in content that is not on the safe list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HtmlPolicy {
    /// Remove unsafe markup (scripts, event handlers, `javascript:` URLs, SVG/MathML).
    #[default]
    Sanitize,
    /// Report unsafe markup as an error.
    Refuse,
}

/// Per-check configuration: a severity override (or `off`) and free settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckConfig {
    /// `None` keeps the default; `Some(None)` turns the check off.
    pub severity: Option<Option<Severity>>,
    pub settings: BTreeMap<String, Json>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    /// Build the static (Pagefind) index for hosts with no server.
    pub static_index: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { static_index: true }
    }
}

/// A force's branding of its mirror (theme issue); all optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Brand {
    pub name: Option<String>,
    pub logo: Option<String>,
    pub colours: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub base_url: Option<String>,
    pub theme: String,
    pub output_dir: String,
    /// Top-level folder name -> kind.
    pub kinds: BTreeMap<String, Kind>,
    pub ignore: Vec<String>,
    pub search: SearchConfig,
    pub checks: BTreeMap<String, CheckConfig>,
    /// Extra acts for citation recognition: full name -> short names.
    pub acts: Vec<(String, Vec<String>)>,
    pub limits: Limits,
    pub html: HtmlPolicy,
    pub portable: bool,
    /// Offline copies through a service worker (theme issue); on by default.
    pub offline: bool,
    pub brand: Brand,
}

impl Default for SiteConfig {
    fn default() -> Self {
        let kinds = [
            ("guidance", Kind::Guidance),
            ("legislation", Kind::Legal),
            ("practice", Kind::Practice),
            ("recommendations", Kind::Recommendation),
            ("glossary", Kind::Term),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        SiteConfig {
            title: String::new(),
            description: None,
            language: "en-GB".into(),
            base_url: None,
            theme: "default".into(),
            output_dir: "public".into(),
            kinds,
            ignore: Vec::new(),
            search: SearchConfig::default(),
            checks: BTreeMap::new(),
            acts: Vec::new(),
            limits: Limits::default(),
            html: HtmlPolicy::default(),
            portable: false,
            offline: true,
            brand: Brand::default(),
        }
    }
}

impl SiteConfig {
    /// Kind for a page given its top-level folder; pages outside a mapped folder are guidance.
    pub fn kind_for_folder(&self, top: &str) -> Kind {
        self.kinds.get(top).copied().unwrap_or(Kind::Guidance)
    }

    pub fn check(&self, name: &str) -> Option<&CheckConfig> {
        self.checks.get(name)
    }

    /// A list setting of a check, e.g. `checks.undefined-abbreviation.allow`.
    pub fn check_list(&self, name: &str, key: &str) -> Vec<String> {
        self.check(name)
            .and_then(|c| c.settings.get(key))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "language",
    "base_url",
    "theme",
    "output_dir",
    "kinds",
    "ignore",
    "search",
    "checks",
    "acts",
    "limits",
    "html",
    "portable",
    "offline",
    "brand",
];

/// Reads `site.yaml`. Returns the configuration (defaults where keys are missing or invalid)
/// and every problem found.
pub fn parse(file: &SourceFile, id: FileId) -> (SiteConfig, Vec<Diagnostic>) {
    let mut c = SiteConfig::default();
    let mut diags = Vec::new();
    let root = match yaml::parse(&file.text, YamlLimits::default()) {
        Ok(n) => n,
        Err(e) => {
            let start = file.offset_of(e.line.unwrap_or(1), e.col.unwrap_or(1));
            use yaml::YamlErrorKind as K;
            let message = match e.kind {
                K::Syntax => format!("invalid YAML in site.yaml: {}", e.message),
                _ => format!(
                    "site.yaml refused: {}",
                    e.message.replacen("the YAML", "it", 1)
                ),
            };
            // To the end of the line, as for front matter: `start + 1` could split a character.
            let end = file.text[start..]
                .find('\n')
                .map_or(file.text.len(), |i| start + i);
            let mut d = Diagnostic::error(CHECK, message).at(id, start..end);
            match e.kind {
                K::Syntax => {}
                K::Aliases => d = d.help("write the value out in full wherever it is needed"),
                _ => d = d.help("site.yaml holds a few settings: shorten or flatten it"),
            }
            diags.push(d);
            return (c, diags);
        }
    };
    let mut v = V {
        file,
        id,
        diags: &mut diags,
    };
    let Value::Map(entries) = &root.value else {
        v.err(
            &root,
            "site.yaml must be a mapping of `key: value` lines",
            None,
        );
        return (c, diags);
    };
    let mut title_seen = false;
    for (k, val) in entries {
        let Some(key) = k.value.scalar_text() else {
            continue;
        };
        match key.as_str() {
            "title" => {
                title_seen = true;
                c.title = v.string(val, "title").unwrap_or_default();
            }
            "description" => c.description = v.string(val, "description"),
            "language" => c.language = v.string(val, "language").unwrap_or(c.language),
            "base_url" => c.base_url = v.string(val, "base_url"),
            "theme" => c.theme = v.string(val, "theme").unwrap_or(c.theme),
            "output_dir" => c.output_dir = v.string(val, "output_dir").unwrap_or(c.output_dir),
            "ignore" => c.ignore = v.list(val, "ignore"),
            "portable" => c.portable = v.boolean(val, "portable").unwrap_or(false),
            "offline" => c.offline = v.boolean(val, "offline").unwrap_or(true),
            "html" => match v.string(val, "html").as_deref() {
                Some("sanitize") => c.html = HtmlPolicy::Sanitize,
                Some("refuse") => c.html = HtmlPolicy::Refuse,
                Some(other) => v.err(
                    val,
                    &format!("`html`: `{other}` is not valid"),
                    Some("expected `sanitize` or `refuse`"),
                ),
                None => {}
            },
            "kinds" => {
                for (fk, fv) in v.map(val, "kinds") {
                    let Some(folder) = fk.value.scalar_text() else {
                        continue;
                    };
                    let Some(kind) = v.string(fv, "kinds") else {
                        continue;
                    };
                    match Kind::parse(&kind) {
                        Some(kd) => {
                            c.kinds.insert(folder, kd);
                        }
                        None => v.err(fv, &format!("`kinds.{folder}`: unknown kind `{kind}`"), Some("expected guidance, legal, practice, recommendation, term or section")),
                    }
                }
            }
            "search" => {
                for (sk, sv) in v.map(val, "search") {
                    match sk.value.scalar_text().as_deref() {
                        Some("static_index") => {
                            c.search.static_index =
                                v.boolean(sv, "search.static_index").unwrap_or(true)
                        }
                        Some(other) => v.err(
                            sk,
                            &format!("unknown key `{other}` in `search`"),
                            Some("valid keys: static_index"),
                        ),
                        None => {}
                    }
                }
            }
            "limits" => {
                for (lk, lv) in v.map(val, "limits") {
                    let Some(name) = lk.value.scalar_text() else {
                        continue;
                    };
                    let Value::Int(n) = lv.value else {
                        v.err(
                            lv,
                            &format!("`limits.{name}` should be a whole number"),
                            None,
                        );
                        continue;
                    };
                    let n = n.max(0) as u64;
                    match name.as_str() {
                        "max_file_size" => c.limits.max_file_size = n,
                        "max_include_depth" => c.limits.max_include_depth = n as usize,
                        "max_front_matter_size" => c.limits.max_front_matter_size = n as usize,
                        // Search reads no more than this of a query, so more would be a
                        // setting that does nothing.
                        "max_query_length" if n as usize > crate::index::query::MAX_QUERY_BYTES => v.err(
                            lv,
                            &format!(
                                "`limits.max_query_length` can be at most {}: search reads no more of a query",
                                crate::index::query::MAX_QUERY_BYTES
                            ),
                            Some("lower it, or remove it to keep the default of 512"),
                        ),
                        "max_query_length" => c.limits.max_query_length = n as usize,
                        "max_nesting_depth" => c.limits.max_nesting_depth = n as usize,
                        _ => v.err(lk, &format!("unknown key `{name}` in `limits`"), Some("valid keys: max_file_size, max_include_depth, max_front_matter_size, max_query_length, max_nesting_depth")),
                    }
                }
            }
            "checks" => {
                for (ck, cv) in v.map(val, "checks") {
                    let Some(name) = ck.value.scalar_text() else {
                        continue;
                    };
                    let mut cc = CheckConfig::default();
                    match &cv.value {
                        Value::Str(s) => cc.severity = v.severity(cv, s),
                        Value::Map(m) => {
                            for (sk, sv) in m {
                                let Some(setting) = sk.value.scalar_text() else {
                                    continue;
                                };
                                if setting == "severity" {
                                    if let Some(s) = v.string(sv, "severity") {
                                        cc.severity = v.severity(sv, &s);
                                    }
                                } else {
                                    cc.settings.insert(setting, to_json(sv));
                                }
                            }
                        }
                        _ => v.err(
                            cv,
                            &format!("`checks.{name}` should be a severity or a mapping"),
                            None,
                        ),
                    }
                    c.checks.insert(name, cc);
                }
            }
            "acts" => match &val.value {
                Value::Seq(items) => {
                    for item in items {
                        let mut name = None;
                        let mut short = Vec::new();
                        for (ak, av) in v.map(item, "acts") {
                            match ak.value.scalar_text().as_deref() {
                                Some("act") | Some("name") => name = v.string(av, "acts.act"),
                                Some("short") => short = v.list(av, "acts.short"),
                                _ => v.err(
                                    ak,
                                    "unknown key in `acts` entry",
                                    Some("valid keys: act, short"),
                                ),
                            }
                        }
                        match name {
                            Some(n) => c.acts.push((n, short)),
                            None => v.err(item, "an `acts` entry needs `act: <full name>`", None),
                        }
                    }
                }
                Value::Map(m) => {
                    for (ak, av) in m {
                        if let Some(n) = ak.value.scalar_text() {
                            let short = v.list(av, "acts");
                            c.acts.push((n, short));
                        }
                    }
                }
                _ => v.err(val, "`acts` should be a list of {act, short}", None),
            },
            "brand" => {
                for (bk, bv) in v.map(val, "brand") {
                    match bk.value.scalar_text().as_deref() {
                        Some("name") => c.brand.name = v.string(bv, "brand.name"),
                        Some("logo") => c.brand.logo = v.string(bv, "brand.logo"),
                        Some("colours") | Some("colors") => brand_colours(&mut v, bv, &mut c),
                        _ => v.err(
                            bk,
                            "unknown key in `brand`",
                            Some("valid keys: name, logo, colours"),
                        ),
                    }
                }
            }
            other => {
                let hint = did_you_mean(other, KEYS.iter().copied())
                    .map(|c| format!("did you mean `{c}`?"))
                    .unwrap_or_else(|| format!("valid keys: {}", KEYS.join(", ")));
                v.err(
                    k,
                    &format!("unknown key `{other}` in site.yaml"),
                    Some(&hint),
                );
            }
        }
    }
    if !title_seen {
        diags.push(Diagnostic::error(CHECK, "site.yaml needs `title: ...`").at(id, 0..0));
    }
    (c, diags)
}

fn to_json(n: &Node) -> Json {
    match &n.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .filter_map(|(k, v)| k.value.scalar_text().map(|k| (k, to_json(v))))
                .collect(),
        ),
    }
}

/// `brand.colours`: known tokens with `#rgb`/`#rrggbb` values, each readable against what it
/// sits on (WCAG 2.2 AA); a colour that fails is an error, so a mirror never publishes
/// unreadable links or headers.
fn brand_colours(v: &mut V, node: &Node, c: &mut SiteConfig) {
    use crate::render::brand;
    for (ck, cv) in v.map(node, "brand.colours") {
        let Some(name) = ck.value.scalar_text() else {
            continue;
        };
        if brand::token(&name).is_none() {
            let names: Vec<&str> = brand::TOKENS.iter().map(|t| t.name).collect();
            let hint = did_you_mean(&name, names.iter().copied())
                .map(|n| format!("did you mean `{n}`? valid colours: {}", names.join(", ")))
                .unwrap_or_else(|| format!("valid colours: {}", names.join(", ")));
            v.err(ck, &format!("unknown brand colour `{name}`"), Some(&hint));
            continue;
        }
        let Some(value) = v.string(cv, "brand.colours") else {
            continue;
        };
        if brand::parse_hex(&value).is_none() {
            v.err(
                cv,
                &format!("brand colour `{name}` should be a hex colour, found `{value}`"),
                Some("write it as #rrggbb or #rgb, e.g. #5b2c83"),
            );
            continue;
        }
        c.brand.colours.insert(name, value);
    }
    for p in brand::contrast_problems(&c.brand.colours) {
        v.err(
            node,
            &format!(
                "brand colour `{}` has a contrast of {:.2}:1 against {}; WCAG 2.2 AA needs {}:1",
                p.token, p.ratio, p.other, p.needed
            ),
            Some("choose a darker or lighter colour; the theme's tokens and what they sit on are listed in docs/THEMES.md"),
        );
    }
}

struct V<'a> {
    file: &'a SourceFile,
    id: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl V<'_> {
    fn err(&mut self, n: &Node, msg: &str, help: Option<&str>) {
        let start = self.file.offset_of(n.line, n.col);
        let end = self.file.text[start..]
            .find('\n')
            .map_or(self.file.text.len(), |i| start + i);
        let mut d = Diagnostic::error(CHECK, msg).at(self.id, start..end);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }
    fn string(&mut self, n: &Node, f: &str) -> Option<String> {
        match &n.value {
            Value::Seq(_) | Value::Map(_) | Value::Null => {
                self.err(
                    n,
                    &format!("`{f}` should be text, found {}", n.value.type_name()),
                    None,
                );
                None
            }
            v => v.scalar_text(),
        }
    }
    fn boolean(&mut self, n: &Node, f: &str) -> Option<bool> {
        match n.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.err(n, &format!("`{f}` should be true or false"), None);
                None
            }
        }
    }
    fn list(&mut self, n: &Node, f: &str) -> Vec<String> {
        match &n.value {
            Value::Seq(items) => items.iter().filter_map(|i| self.string(i, f)).collect(),
            _ => {
                self.err(n, &format!("`{f}` should be a list"), None);
                Vec::new()
            }
        }
    }
    fn map<'n>(&mut self, n: &'n Node, f: &str) -> &'n [(Node, Node)] {
        match &n.value {
            Value::Map(m) => m,
            _ => {
                self.err(n, &format!("`{f}` should be a mapping"), None);
                &[]
            }
        }
    }
    fn severity(&mut self, n: &Node, s: &str) -> Option<Option<Severity>> {
        match s {
            "error" => Some(Some(Severity::Error)),
            "warning" => Some(Some(Severity::Warning)),
            "info" => Some(Some(Severity::Info)),
            "off" | "allow" => Some(None),
            _ => {
                self.err(
                    n,
                    &format!("`{s}` is not a severity"),
                    Some("expected error, warning, info or off"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Sources;

    #[test]
    fn a_yaml_error_at_a_wide_character_covers_whole_characters() {
        // Found by fuzzing: the range used to end one byte into the `é`.
        let text = "title: T\nlimits:\n  max_file_size: 100\n é: 2\n";
        let mut sources = Sources::default();
        let id = sources.add(SourceFile::new(
            "site.yaml".into(),
            "site.yaml".into(),
            text.into(),
        ));
        let (_, diags) = parse(sources.get(id), id);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let start = text.find('é').unwrap();
        assert_eq!(
            diags[0].primary.as_ref().unwrap().range,
            start..text.len() - 1
        );
    }
}
