//! Renderers for diagnostics: human (rustc-like, via codespan-reporting), json, sarif, github
//! workflow annotations and one-line-per-finding.

use super::{Counts, Diagnostic, FileId, Severity, Sources, count};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Output formats of `waymark check` (SPEC §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Line,
}

/// A check's description, for SARIF's rule table.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub default_severity: Severity,
}

pub struct RenderOptions<'a> {
    pub color: bool,
    /// Include suppressed findings, marked with their reason.
    pub show_suppressed: bool,
    /// Number of content files the run looked at, for the summary.
    pub files_checked: usize,
    pub rules: &'a [RuleInfo],
    pub tool_version: &'a str,
}

/// GitHub shows at most 10 error and 10 warning annotations per step; we send the top ones and
/// a notice with the rest's count.
const GITHUB_PER_LEVEL: usize = 10;

pub fn render(
    diags: &[Diagnostic],
    sources: &Sources,
    format: Format,
    opts: &RenderOptions,
) -> String {
    let shown: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| opts.show_suppressed || d.suppressed.is_none())
        .collect();
    match format {
        Format::Human => human(&shown, diags, sources, opts),
        Format::Json => json_report(&shown, diags, sources, opts),
        Format::Sarif => sarif(&shown, sources, opts),
        Format::Github => github(&shown, sources),
        Format::Line => line(&shown, sources),
    }
}

/// 1-based (line, column) of a label's start.
fn position(sources: &Sources, file: FileId, range: &Range<usize>) -> (usize, usize) {
    sources.get(file).line_col(range.start)
}

/// A fingerprint that survives edits elsewhere in the file: the check, the file, the message
/// and the text at the finding, but not its line number. Used by baselines and SARIF.
pub fn fingerprint(d: &Diagnostic, sources: &Sources) -> String {
    let mut h = Sha256::new();
    h.update(d.check.as_bytes());
    h.update([0]);
    if let Some(l) = &d.primary {
        let f = sources.get(l.file);
        h.update(f.display.as_bytes());
        h.update([0]);
        let end = l.range.end.min(f.text.len());
        let start = l.range.start.min(end);
        if let Some(t) = f.text.get(start..end) {
            h.update(
                t.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_bytes(),
            );
        }
    }
    h.update([0]);
    h.update(d.message.as_bytes());
    hex::encode(&h.finalize()[..16])
}

struct FilesAdapter<'a>(&'a Sources);

impl<'a> Files<'a> for FilesAdapter<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).display)
    }
    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).text)
    }
    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line_col(byte_index).0 - 1)
    }
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.0.get(id);
        if line_index >= f.line_count() {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: f.line_count() - 1,
            });
        }
        let start = f.offset_of(line_index + 1, 1);
        let end = if line_index + 1 < f.line_count() {
            f.offset_of(line_index + 2, 1)
        } else {
            f.text.len()
        };
        Ok(start..end)
    }
}

fn clamp(sources: &Sources, file: FileId, r: &Range<usize>) -> Range<usize> {
    let text = &sources.get(file).text;
    let mut s = r.start.min(text.len());
    let mut e = r.end.min(text.len()).max(s);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

fn human(
    shown: &[&Diagnostic],
    all: &[Diagnostic],
    sources: &Sources,
    opts: &RenderOptions,
) -> String {
    let files = FilesAdapter(sources);
    let config = term::Config::default();
    let mut out = Vec::new();
    for d in shown {
        let sev = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Info => cs::Severity::Note,
        };
        let mut cd = cs::Diagnostic::new(sev)
            .with_code(d.check)
            .with_message(&d.message);
        let mut labels = Vec::new();
        if let Some(l) = &d.primary {
            labels.push(
                cs::Label::primary(l.file, clamp(sources, l.file, &l.range))
                    .with_message(&l.message),
            );
        }
        for l in &d.related {
            labels.push(
                cs::Label::secondary(l.file, clamp(sources, l.file, &l.range))
                    .with_message(&l.message),
            );
        }
        cd = cd.with_labels(labels);
        let mut notes = Vec::new();
        if let Some(h) = &d.help {
            notes.push(format!("help: {h}"));
        }
        if let Some(s) = &d.suppressed {
            notes.push(format!("suppressed by {}: {}", s.kind, s.reason));
        }
        cd = cd.with_notes(notes);
        if opts.color {
            let mut buf = term::termcolor::Buffer::ansi();
            let styles = term::Styles::default();
            let mut w = term::StylesWriter::new(&mut buf, &styles);
            let _ = term::emit_to_write_style(&mut w, &config, &files, &cd);
            out.extend_from_slice(buf.as_slice());
        } else {
            let _ = term::emit_to_io_write(&mut out, &config, &files, &cd);
        }
    }
    // Without a copy when the text is valid UTF-8 (it always is: it is made of the sources).
    let mut s = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let c = count(all);
    s.push_str(&summary_line(c, opts.files_checked));
    s
}

fn summary_line(c: Counts, files: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let mut s = format!(
        "{}, {} in {}",
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(files, "file")
    );
    if c.suppressed > 0 {
        s.push_str(&format!(" ({} suppressed)", c.suppressed));
    }
    s.push('\n');
    s
}

// The JSON report is serialised straight from these borrowed views rather than through a
// `serde_json::Value` tree: at tens of thousands of findings the tree costs several times the
// memory of the text. Fields are in alphabetical order, as a `Value` object writes them.
#[derive(serde::Serialize)]
struct JsonLabel<'a> {
    column: usize,
    file: &'a str,
    line: usize,
    message: &'a str,
}

impl<'a> JsonLabel<'a> {
    fn new(sources: &'a Sources, l: &'a super::Label) -> Self {
        let (line, column) = position(sources, l.file, &l.range);
        JsonLabel {
            column,
            file: &sources.get(l.file).display,
            line,
            message: &l.message,
        }
    }
}

#[derive(serde::Serialize)]
struct JsonSuppressed<'a> {
    kind: &'a str,
    reason: &'a str,
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    check: &'a str,
    column: Option<usize>,
    file: Option<&'a str>,
    fingerprint: String,
    help: Option<&'a str>,
    line: Option<usize>,
    message: &'a str,
    related: Vec<JsonLabel<'a>>,
    severity: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppressed<'a>>,
}

#[derive(serde::Serialize)]
struct JsonSummary {
    errors: usize,
    files: usize,
    suppressed: usize,
    warnings: usize,
}

/// The report: diagnostics are serialised one at a time as the writer reaches them.
struct JsonReport<'a> {
    shown: &'a [&'a Diagnostic],
    sources: &'a Sources,
    summary: JsonSummary,
}

struct JsonDiagnostics<'a>(&'a [&'a Diagnostic], &'a Sources);

impl serde::Serialize for JsonDiagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let sources = self.1;
        let mut seq = ser.serialize_seq(Some(self.0.len()))?;
        for d in self.0 {
            let (file, line, column) = match &d.primary {
                Some(l) => {
                    let (line, column) = position(sources, l.file, &l.range);
                    (
                        Some(sources.get(l.file).display.as_str()),
                        Some(line),
                        Some(column),
                    )
                }
                None => (None, None, None),
            };
            seq.serialize_element(&JsonDiagnostic {
                check: d.check,
                column,
                file,
                fingerprint: fingerprint(d, sources),
                help: d.help.as_deref(),
                line,
                message: &d.message,
                related: d
                    .related
                    .iter()
                    .map(|l| JsonLabel::new(sources, l))
                    .collect(),
                severity: d.severity.as_str(),
                suppressed: d.suppressed.as_ref().map(|s| JsonSuppressed {
                    kind: &s.kind,
                    reason: &s.reason,
                }),
            })?;
        }
        seq.end()
    }
}

impl serde::Serialize for JsonReport<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = ser.serialize_struct("JsonReport", 2)?;
        st.serialize_field("diagnostics", &JsonDiagnostics(self.shown, self.sources))?;
        st.serialize_field("summary", &self.summary)?;
        st.end()
    }
}

fn json_report(
    shown: &[&Diagnostic],
    all: &[Diagnostic],
    sources: &Sources,
    opts: &RenderOptions,
) -> String {
    let c = count(all);
    let report = JsonReport {
        shown,
        sources,
        summary: JsonSummary {
            errors: c.errors,
            files: opts.files_checked,
            suppressed: c.suppressed,
            warnings: c.warnings,
        },
    };
    let mut s = serde_json::to_string_pretty(&report).expect("json");
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_location(sources: &Sources, l: &super::Label) -> Value {
    let f = sources.get(l.file);
    let (sl, sc) = f.line_col(l.range.start);
    let (el, ec) = f.line_col(l.range.end.max(l.range.start));
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": f.display, "uriBaseId": "SITEROOT"},
            "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
        }
    });
    if !l.message.is_empty() {
        loc["message"] = json!({"text": l.message});
    }
    loc
}

fn sarif(shown: &[&Diagnostic], sources: &Sources, opts: &RenderOptions) -> String {
    let rules: Vec<Value> = opts
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": sarif_level(r.default_severity)},
                "helpUri": format!("https://waymark.invalid/checks/{}", r.name),
            })
        })
        .collect();
    let results: Vec<Value> = shown
        .iter()
        .map(|d| {
            let mut r = json!({
                "ruleId": d.check,
                "level": sarif_level(d.severity),
                "message": {"text": match &d.help { Some(h) => format!("{} (help: {h})", d.message), None => d.message.clone() }},
                "partialFingerprints": {"waymark/v1": fingerprint(d, sources)},
            });
            if let Some(i) = opts.rules.iter().position(|x| x.name == d.check) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(l) = &d.primary {
                r["locations"] = json!([sarif_location(sources, l)]);
            }
            if !d.related.is_empty() {
                r["relatedLocations"] = Value::Array(
                    d.related
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            let mut v = sarif_location(sources, l);
                            v["id"] = json!(i + 1);
                            v
                        })
                        .collect(),
                );
            }
            if let Some(s) = &d.suppressed {
                r["suppressions"] = json!([{"kind": if s.kind == "baseline" { "external" } else { "inSource" }, "justification": s.reason}]);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "waymark", "version": opts.tool_version, "informationUri": "https://waymark.invalid/", "rules": rules}},
            "originalUriBaseIds": {"SITEROOT": {"uri": "./"}},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("json");
    s.push('\n');
    s
}

/// Escapes text for a workflow command's message (and, with `prop`, a property value).
fn gh_escape(s: &str, prop: bool) -> String {
    let mut o = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if prop {
        o = o.replace(':', "%3A").replace(',', "%2C");
    }
    o
}

fn github(shown: &[&Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut left) = (0, 0, 0);
    for d in shown {
        let (level, n) = match d.severity {
            Severity::Error => ("error", &mut errors),
            Severity::Warning => ("warning", &mut warnings),
            Severity::Info => ("notice", &mut warnings),
        };
        if *n >= GITHUB_PER_LEVEL {
            left += 1;
            continue;
        }
        *n += 1;
        let mut props = vec![format!(
            "title={}",
            gh_escape(&format!("waymark {}", d.check), true)
        )];
        if let Some(l) = &d.primary {
            let (line, col) = position(sources, l.file, &l.range);
            props.insert(0, format!("col={col}"));
            props.insert(0, format!("line={line}"));
            props.insert(
                0,
                format!("file={}", gh_escape(&sources.get(l.file).display, true)),
            );
        }
        let msg = match &d.help {
            Some(h) => format!("{}\nhelp: {h}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            gh_escape(&msg, false)
        ));
    }
    if left > 0 {
        out.push_str(&format!(
            "::notice title=waymark::{left} more findings not annotated; run `waymark check` for the full list\n"
        ));
    }
    out
}

fn line(shown: &[&Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in shown {
        match &d.primary {
            Some(l) => {
                let (line, col) = position(sources, l.file, &l.range);
                out.push_str(&format!(
                    "{}:{line}:{col}: {}[{}]: {}",
                    sources.get(l.file).display,
                    d.severity.as_str(),
                    d.check,
                    d.message
                ));
            }
            None => out.push_str(&format!(
                "{}[{}]: {}",
                d.severity.as_str(),
                d.check,
                d.message
            )),
        }
        if let Some(s) = &d.suppressed {
            out.push_str(&format!(" (suppressed: {})", s.reason));
        }
        out.push('\n');
    }
    out
}
