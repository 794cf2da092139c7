//! Diagnostics: the one type every stage reports content problems with, and its renderers.
//!
//! A [`Diagnostic`] carries byte ranges into files held by a [`Sources`] table; only the
//! renderers turn those into line and column, so every stage can work with plain offsets and
//! every output format agrees on where a finding is.

mod render;

pub use render::{Format, RenderOptions, RuleInfo, fingerprint, render};

use serde::Serialize;
use std::ops::Range;
use std::path::PathBuf;

/// How serious a finding is. `Error` blocks a build; `Warning` blocks only with `--deny warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A place in a file: a byte range and an optional note shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub range: Range<usize>,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, range: Range<usize>, message: impl Into<String>) -> Self {
        Label {
            file,
            range,
            message: message.into(),
        }
    }
}

/// A suppression that silenced a finding, kept so `--show-suppressed` can say why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Suppression {
    pub kind: String,
    pub reason: String,
}

/// One finding: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Stable kebab-case check name, e.g. `broken-link`.
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The primary place. `None` only for problems with no file (a missing content folder).
    pub primary: Option<Label>,
    /// Other places involved, such as the earlier half of a conflict.
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// Set when a suppression matched; suppressed findings are hidden unless asked for.
    pub suppressed: Option<Suppression>,
}

impl Diagnostic {
    pub fn new(check: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            check,
            severity,
            message: message.into(),
            primary: None,
            related: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    pub fn error(check: &'static str, message: impl Into<String>) -> Self {
        Self::new(check, Severity::Error, message)
    }

    pub fn warning(check: &'static str, message: impl Into<String>) -> Self {
        Self::new(check, Severity::Warning, message)
    }

    pub fn at(mut self, file: FileId, range: Range<usize>) -> Self {
        self.primary = Some(Label::new(file, range, ""));
        self
    }

    pub fn at_label(mut self, file: FileId, range: Range<usize>, msg: impl Into<String>) -> Self {
        self.primary = Some(Label::new(file, range, msg));
        self
    }

    pub fn related(mut self, file: FileId, range: Range<usize>, msg: impl Into<String>) -> Self {
        self.related.push(Label::new(file, range, msg));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn file(&self) -> Option<FileId> {
        self.primary.as_ref().map(|l| l.file)
    }
}

/// A file known to the diagnostics renderers.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown to users: relative to the site root, or as given for overlays.
    pub display: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// The text (lossily decoded when the file was not valid UTF-8, so positions still show).
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(display: String, path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            display,
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end clamp.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the text.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        rest[..line_end]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(start + line_end, |(i, _)| start + i)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Every file a run has read, so diagnostics can point into any of them.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Replaces a file's text in place (the live preview after a save), keeping its id.
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// Sorts diagnostics by file path, then position, then check name, and drops exact duplicates
/// (a snippet included by many pages reports its own problems once).
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>, sources: &Sources) {
    let key = |d: &Diagnostic| {
        let (path, start) = match &d.primary {
            Some(l) => (sources.get(l.file).display.clone(), l.range.start),
            None => (String::new(), 0),
        };
        (path, start, d.check, d.message.clone())
    };
    diags.sort_by_cached_key(key);
    diags.dedup_by(|a, b| a.check == b.check && a.primary == b.primary && a.message == b.message);
}

/// Counts shown in summaries and used for the exit code.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub suppressed: usize,
}

pub fn count(diags: &[Diagnostic]) -> Counts {
    let mut c = Counts::default();
    for d in diags {
        if d.suppressed.is_some() {
            c.suppressed += 1;
            continue;
        }
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => {}
        }
    }
    c
}
