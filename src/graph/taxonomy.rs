//! Taxonomies: tags, topics, audience, practice stage and outcome, organisation (SPEC §4).

use crate::model::{Page, PracticeOutcome, PracticeStage, Status};
use crate::parse::markdown::slugify;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    Tags,
    Topics,
    Audience,
    Stage,
    Outcome,
    Organisation,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 6] = [
        TaxonomyKind::Tags,
        TaxonomyKind::Topics,
        TaxonomyKind::Audience,
        TaxonomyKind::Stage,
        TaxonomyKind::Outcome,
        TaxonomyKind::Organisation,
    ];

    /// Folder of the taxonomy's pages in the output.
    pub fn slug(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Topics => "topics",
            TaxonomyKind::Audience => "audience",
            TaxonomyKind::Stage => "stage",
            TaxonomyKind::Outcome => "outcome",
            TaxonomyKind::Organisation => "organisation",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "Tags",
            TaxonomyKind::Topics => "Topics",
            TaxonomyKind::Audience => "Audience",
            TaxonomyKind::Stage => "Practice stage",
            TaxonomyKind::Outcome => "Practice outcome",
            TaxonomyKind::Organisation => "Organisation",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyTerm {
    pub name: String,
    pub slug: String,
    /// Page indices, sorted by title.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyKind,
    /// Terms sorted by slug.
    pub terms: Vec<TaxonomyTerm>,
}

fn stage_name(s: PracticeStage) -> &'static str {
    match s {
        PracticeStage::Untested => "Untested",
        PracticeStage::EvaluatedLocally => "Evaluated locally",
        PracticeStage::IndependentlyEvaluated => "Independently evaluated",
    }
}

fn outcome_name(o: PracticeOutcome) -> &'static str {
    match o {
        PracticeOutcome::Worked => "Worked",
        PracticeOutcome::Promising => "Promising",
        PracticeOutcome::New => "New",
        PracticeOutcome::DidNotWork => "Did not work",
    }
}

/// Place names for `applies_to` and `extent` values (`england-and-wales` -> "England and Wales").
pub fn jurisdiction_name(s: &str) -> String {
    s.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "and" | "of" | "the" => w.to_string(),
            _ => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Human wording of an audience value (`first-response` -> "First response").
pub fn humanise(s: &str) -> String {
    let t = s.replace(['-', '_'], " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn build(pages: &[Page]) -> Vec<Taxonomy> {
    // Lower-cased once: sorting compares titles many times.
    let lower: Vec<String> = pages.iter().map(|p| p.fm.title.to_lowercase()).collect();
    TaxonomyKind::ALL
        .iter()
        .map(|&kind| {
            let mut terms: BTreeMap<String, TaxonomyTerm> = BTreeMap::new();
            for (i, p) in pages.iter().enumerate() {
                if p.fm.status != Status::Published {
                    continue;
                }
                let values: Vec<String> = match kind {
                    TaxonomyKind::Tags => p.fm.tags.clone(),
                    TaxonomyKind::Topics => p.fm.topics.clone(),
                    TaxonomyKind::Audience => p.fm.audience.iter().map(|a| humanise(a)).collect(),
                    TaxonomyKind::Stage => {
                        p.fm.practice
                            .as_ref()
                            .and_then(|x| x.stage)
                            .map(|s| vec![stage_name(s).to_string()])
                            .unwrap_or_default()
                    }
                    TaxonomyKind::Outcome => {
                        p.fm.practice
                            .as_ref()
                            .and_then(|x| x.outcome)
                            .map(|s| vec![outcome_name(s).to_string()])
                            .unwrap_or_default()
                    }
                    TaxonomyKind::Organisation => {
                        p.fm.practice
                            .as_ref()
                            .and_then(|x| x.organisation.clone())
                            .map(|o| vec![o])
                            .unwrap_or_default()
                    }
                };
                for v in values {
                    let slug = slugify(&v);
                    if slug.is_empty() {
                        continue;
                    }
                    let t = terms.entry(slug.clone()).or_insert_with(|| TaxonomyTerm {
                        name: v.clone(),
                        slug,
                        pages: Vec::new(),
                    });
                    // Pages come in order, so a repeat can only be this page's.
                    if t.pages.last() != Some(&i) {
                        t.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<TaxonomyTerm> = terms.into_values().collect();
            for t in &mut terms {
                t.pages
                    .sort_by(|&a, &b| lower[a].cmp(&lower[b]).then(a.cmp(&b)));
            }
            Taxonomy { kind, terms }
        })
        .collect()
}
