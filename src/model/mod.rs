//! Plain data shared by the stages: pages, their front matter, legal facts, terms.
//!
//! Nothing here does I/O or knows about Markdown events; stages fill these structs in and
//! later stages read them.

mod front_matter;
mod quantity;
pub mod url;

pub use front_matter::*;
pub use quantity::{Amount, DurationUnit};

use crate::diag::FileId;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// A page's id: its path under `content/` without `.md`; `_index.md` gives its folder's id; the
/// home page's id is the empty string.
pub type PageId = String;

/// What a page is. Folders give the kind (SPEC §2); front matter `kind:` overrides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Section,
    Guidance,
    Legal,
    Practice,
    Recommendation,
    Term,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Section,
        Kind::Guidance,
        Kind::Legal,
        Kind::Practice,
        Kind::Recommendation,
        Kind::Term,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Section => "section",
            Kind::Guidance => "guidance",
            Kind::Legal => "legal",
            Kind::Practice => "practice",
            Kind::Recommendation => "recommendation",
            Kind::Term => "term",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The words readers see for the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Section => "Section",
            Kind::Guidance => "Guidance",
            Kind::Legal => "Legal summary",
            Kind::Practice => "Practice bank",
            Kind::Recommendation => "Recommendation",
            Kind::Term => "Glossary term",
        }
    }
}

/// Where a page came from: the national content tree or a force's overlay.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Origin {
    National,
    /// Index into the overlays given on the command line.
    Overlay(usize),
}

/// A heading of a page, with its anchor.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
    #[serde(skip)]
    pub range: Range<usize>,
}

/// The page's Markdown body after includes were expanded, with a map from positions in the
/// expanded text back to the file each piece came from, so findings point at the source.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub text: String,
    pub segments: Vec<Segment>,
}

/// A run of the expanded body copied from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Range in the expanded text.
    pub expanded: Range<usize>,
    pub file: FileId,
    /// Byte offset in `file` of `expanded.start`.
    pub file_offset: usize,
    /// True for text that came from an included snippet: checked where it lives, not here.
    pub included: bool,
}

impl Body {
    /// The file and range in it that a range of the expanded body came from. A range that
    /// crosses segments is cut at the end of the first.
    pub fn locate(&self, r: &Range<usize>) -> Option<(FileId, Range<usize>)> {
        let i = match self.segments.binary_search_by(|s| {
            if s.expanded.end <= r.start && !(s.expanded.is_empty() && s.expanded.start == r.start)
            {
                std::cmp::Ordering::Less
            } else if s.expanded.start > r.start {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        }) {
            Ok(i) => i,
            Err(_) => return None,
        };
        let s = &self.segments[i];
        let start = s.file_offset + (r.start - s.expanded.start);
        let end = s.file_offset + (r.end.min(s.expanded.end).max(r.start) - s.expanded.start);
        Some((s.file, start..end))
    }

    /// Whether a position of the expanded body came from an included snippet.
    pub fn is_included(&self, pos: usize) -> bool {
        self.segments
            .iter()
            .any(|s| s.included && s.expanded.contains(&pos))
    }
}

/// One content page after parsing.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    pub file: FileId,
    /// Path under its content root, with `/` separators (`guidance/x.md`).
    pub rel_path: String,
    pub kind: Kind,
    pub origin: Origin,
    /// `_index.md`: a folder's own page.
    pub is_section: bool,
    pub fm: FrontMatter,
    /// Offset in the file where the body starts (just after the closing `---`).
    pub body_offset: usize,
    pub body: Body,
    pub headings: Vec<Heading>,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.fm.title
    }

    pub fn is_published(&self) -> bool {
        self.fm.status == Status::Published
    }

    /// The folder id that holds this page ("" for top-level pages and the home page).
    pub fn parent_id(&self) -> Option<PageId> {
        if self.id.is_empty() {
            return None;
        }
        Some(match self.id.rfind('/') {
            Some(i) => self.id[..i].to_string(),
            None => String::new(),
        })
    }
}

/// A term from the glossary, flattened for look-ups.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryEntry {
    pub page: PageId,
    pub term: String,
    pub abbreviation: Option<String>,
    pub definition: String,
    pub synonyms: Vec<String>,
    pub deprecated: Vec<Deprecated>,
}

/// Everything known about one legal provision, from its summary's front matter.
#[derive(Debug, Clone)]
pub struct Provision {
    pub page: PageId,
    pub act: String,
    pub section: Option<String>,
    pub subsections: Vec<String>,
    pub facts: BTreeMap<String, Fact>,
}

/// English month names, for dates shown to readers and editors.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
