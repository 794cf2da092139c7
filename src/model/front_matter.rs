//! Typed front matter (SPEC §3). Filled in by `parse::front_matter`, which validates the YAML
//! and records where every key sits so later checks can point at it.

use super::Amount;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    #[default]
    Published,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Restricted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeType {
    Major,
    Minor,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub date: Date,
    #[serde(rename = "type")]
    pub kind: ChangeType,
    pub note: String,
}

/// A front-matter suppression: `allow: [{check, reason, with?}]`.
#[derive(Debug, Clone, Serialize)]
pub struct Allow {
    pub check: String,
    pub reason: String,
    pub with: Option<String>,
    #[serde(skip)]
    pub span: Range<usize>,
}

/// Legal summaries: `legislation:`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Legislation {
    pub act: String,
    pub short: Vec<String>,
    pub provision: Option<String>,
    pub extent: Vec<String>,
    pub in_force: Option<Date>,
    pub status: LegalStatus,
    pub amended: Vec<Amendment>,
    pub superseded_by: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalStatus {
    #[default]
    InForce,
    Amended,
    Repealed,
    Prospective,
}

impl LegalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LegalStatus::InForce => "in force",
            LegalStatus::Amended => "amended",
            LegalStatus::Repealed => "repealed",
            LegalStatus::Prospective => "prospective",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Amendment {
    pub on: Date,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Repeal {
    pub on: Option<Date>,
    pub by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModeOfTrial {
    Summary,
    EitherWay,
    Indictable,
}

impl ModeOfTrial {
    pub fn label(self) -> &'static str {
        match self {
            ModeOfTrial::Summary => "Summary only",
            ModeOfTrial::EitherWay => "Either way",
            ModeOfTrial::Indictable => "Indictable only",
        }
    }
}

/// A canonical fact: its value, the words that show a sentence is about it, and the date
/// from which it holds (for figures that changed over time).
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub value: Amount,
    pub raw: String,
    pub about: Vec<String>,
    pub as_at: Option<Date>,
    #[serde(skip)]
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Offence {
    pub mode_of_trial: Option<ModeOfTrial>,
    /// `indictment` and `summary`, in that order where both are given.
    pub max_penalty: BTreeMap<String, Fact>,
    pub time_limit: Option<Fact>,
    pub points_to_prove: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LegalMeta {
    pub legislation: Option<Legislation>,
    pub offence: Option<Offence>,
    pub facts: BTreeMap<String, Fact>,
    pub repealed: Option<Repeal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PracticeStage {
    Untested,
    EvaluatedLocally,
    IndependentlyEvaluated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PracticeOutcome {
    Worked,
    Promising,
    New,
    DidNotWork,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PracticeMeta {
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub contact: Option<String>,
    pub partners: Vec<String>,
    pub stage: Option<PracticeStage>,
    pub outcome: Option<PracticeOutcome>,
    pub start_date: Option<Date>,
    pub scale: Option<String>,
    pub target_group: Option<String>,
    pub purpose: Option<String>,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RecommendationMeta {
    pub number: Option<String>,
    pub addressees: Vec<String>,
    pub due: Option<Date>,
    /// Progress of the recommendation (open, in-progress, implemented, closed).
    pub progress: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deprecated {
    pub variant: String,
    pub preferred: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TermMeta {
    pub term: String,
    pub abbreviation: Option<String>,
    pub definition: Option<String>,
    pub synonyms: Vec<String>,
    pub deprecated: Vec<Deprecated>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    pub target: String,
    pub rationale: String,
    pub approved_by: Option<String>,
    pub review_due: Option<Date>,
    #[serde(skip)]
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OverlayMeta {
    pub force: Option<String>,
    pub overlays: Option<String>,
    pub deviation: Vec<Deviation>,
}

/// All front matter of one page. Kind-specific parts are `Some` only for their kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrontMatter {
    pub title: String,
    pub summary: Option<String>,
    pub status: Status,
    pub first_published: Option<Date>,
    pub updated: Option<Date>,
    pub review_due: Option<Date>,
    pub changes: Vec<Change>,
    pub owner: Option<String>,
    pub audience: Vec<String>,
    pub applies_to: Vec<String>,
    pub tags: Vec<String>,
    pub topics: Vec<String>,
    pub related: Vec<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    pub visibility: Visibility,
    pub legal_basis: Vec<String>,
    pub reviewed_against: BTreeMap<String, Date>,
    pub allow: Vec<Allow>,
    pub template: Option<String>,
    /// A shorter title for navigation and breadcrumbs, where the full title is long.
    pub short_title: Option<String>,
    pub kind: Option<super::Kind>,
    pub legal: LegalMeta,
    pub practice: Option<PracticeMeta>,
    pub recommendation: Option<RecommendationMeta>,
    pub term: Option<TermMeta>,
    pub overlay: Option<OverlayMeta>,
    /// Byte range in the file of each key, by dotted path (`review_due`,
    /// `legislation.extent`, `related[2]`), so checks can point at front matter.
    #[serde(skip)]
    pub spans: BTreeMap<String, Range<usize>>,
}

impl FrontMatter {
    pub fn span(&self, key: &str) -> Option<Range<usize>> {
        self.spans.get(key).cloned()
    }

    /// The newest major change, shown on the page and in "What's changed".
    pub fn latest_major_change(&self) -> Option<&Change> {
        self.changes
            .iter()
            .filter(|c| c.kind == ChangeType::Major)
            .max_by_key(|c| c.date)
    }
}
