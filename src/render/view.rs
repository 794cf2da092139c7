//! View-models: the only data templates see. Built from the site graph; serializable; no
//! internals leak into the theme contract, so a theme can be tested against these shapes.

use crate::graph::{Site, TaxonomyKind};
use crate::model::{Kind, Page, Status, url};
use jiff::civil::Date;
use serde::Serialize;

/// A link to a page with what a list needs to show about it.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub updated: Option<String>,
    pub local: bool,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// An entry of the site menu; `current` when the page being shown is in that section.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocItem {
    pub level: u8,
    pub title: String,
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub date: String,
    pub date_human: String,
    pub kind: &'static str,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dates {
    pub first_published: Option<String>,
    pub updated: Option<String>,
    pub review_due: Option<String>,
    pub first_published_human: Option<String>,
    pub updated_human: Option<String>,
    pub review_due_human: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PenaltyView {
    pub court: String,
    pub value: String,
    pub as_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegalView {
    pub act: String,
    pub act_url: Option<String>,
    pub provision: Option<String>,
    pub citation: String,
    pub extent: Vec<String>,
    pub in_force: Option<String>,
    pub status: &'static str,
    pub amended: Vec<AmendmentView>,
    pub superseded_by: Option<Link>,
    pub source: Option<String>,
    pub repealed: Option<String>,
    pub offence: Option<OffenceView>,
    pub facts: Vec<FactView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AmendmentView {
    pub on: String,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OffenceView {
    pub mode_of_trial: Option<&'static str>,
    pub penalties: Vec<PenaltyView>,
    pub time_limit: Option<String>,
    pub points_to_prove: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PracticeView {
    pub details: Vec<Row>,
    pub stage: Option<Link>,
    pub outcome: Option<Link>,
    /// `untested`, `evaluated-locally`, `independently-evaluated`: for the badge's style.
    pub stage_key: Option<&'static str>,
    /// `worked`, `promising`, `new`, `did-not-work`: for the badge's style.
    pub outcome_key: Option<&'static str>,
    pub illustrative: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationView {
    pub number: Option<String>,
    pub addressees: Vec<String>,
    pub due: Option<String>,
    pub due_human: Option<String>,
    pub progress: Option<String>,
    /// The progress value as written (`open`, `in-progress`, `implemented` ...), for styling.
    pub progress_key: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub term: String,
    pub abbreviation: Option<String>,
    pub definition: Option<String>,
    pub synonyms: Vec<String>,
    pub deprecated: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverlayView {
    pub force: String,
    pub overlays: Option<Link>,
    pub deviations: Vec<Row>,
}

/// A glossary entry as the glossary page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryItem {
    /// First letter of the term, upper case, for the A to Z grouping.
    pub letter: String,
    pub term: String,
    pub anchor: String,
    pub abbreviation: Option<String>,
    pub definition: String,
    pub synonyms: Vec<String>,
    pub url: String,
}

/// A row of the recommendations tracker.
#[derive(Debug, Clone, Serialize)]
pub struct TrackerRow {
    pub number: Option<String>,
    pub title: String,
    pub url: String,
    pub addressees: Vec<String>,
    /// Due date, human form; `due_iso` is the same date for `<time datetime>`.
    pub due: Option<String>,
    pub due_iso: Option<String>,
    pub progress: Option<String>,
    pub progress_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub id: String,
    /// URL path from the site root (`guidance/x/`; empty for the home page), for canonical
    /// and printed source links built with `site.base_url`.
    pub path: String,
    /// A force's local procedure (an overlay page), shown distinct from national guidance.
    pub local: bool,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub summary: Option<String>,
    pub content: String,
    pub toc: Vec<TocItem>,
    pub dates: Dates,
    pub latest_change: Option<ChangeView>,
    pub changes: Vec<ChangeView>,
    pub owner: Option<String>,
    pub audience: Vec<Link>,
    pub applies_to: Vec<String>,
    pub tags: Vec<Link>,
    pub topics: Vec<Link>,
    pub breadcrumbs: Vec<Link>,
    pub children: Vec<Card>,
    pub backlinks: Vec<Card>,
    pub legislation_cited: Vec<Card>,
    pub cited_by: Vec<Card>,
    pub related: Vec<Card>,
    pub related_practice: Vec<Card>,
    pub legal: Option<LegalView>,
    pub practice: Option<PracticeView>,
    pub recommendation: Option<RecommendationView>,
    pub term: Option<TermView>,
    pub overlay: Option<OverlayView>,
    pub local_pages: Vec<Card>,
    pub glossary: Vec<GlossaryItem>,
    pub tracker: Vec<TrackerRow>,
    pub status: &'static str,
    pub draft: bool,
    pub withdrawn: bool,
}

/// Site-wide values every template gets.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    /// Relative prefix from the current page to the site root.
    pub root: String,
    /// Path of the page being rendered (`guidance/x`, `search`, `404`; empty for home).
    pub current: String,
    /// `site.yaml` `base_url`, ending in `/`, when set.
    pub base_url: Option<String>,
    pub home_url: String,
    pub search_url: String,
    pub glossary_url: Option<String>,
    pub changes_url: String,
    pub feed_url: String,
    pub nav: Vec<NavItem>,
    pub portable: bool,
    /// Offline copies are on: the page registers the site's service worker (`sw.js`).
    pub offline: bool,
    /// The page the service worker shows for a page not saved on the device.
    pub offline_url: Option<String>,
    pub static_search: bool,
    pub brand_name: Option<String>,
    pub brand_logo: Option<String>,
    pub brand_colours: Vec<(String, String)>,
    pub generator: String,
}

/// Where the offline page is written (and served from by the service worker).
pub const OFFLINE_PAGE: &str = "offline";

pub fn human_date(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::model::MONTH_NAMES[(d.month() - 1) as usize],
        d.year()
    )
}

pub struct ViewContext<'a> {
    pub site: &'a Site,
    pub portable: bool,
    pub static_search: bool,
    /// Offline copies are written for this build (site.yaml `offline`, not portable, and the
    /// theme has an offline worker).
    pub offline: bool,
}

/// Title for menus and breadcrumbs: `short_title` when the page has one.
fn short_title(p: &Page) -> String {
    p.fm.short_title
        .clone()
        .unwrap_or_else(|| p.fm.title.clone())
}

impl SiteView {
    /// Makes every site URL root-absolute under `base` (`/` or the path of `base_url`), for
    /// pages served at any depth, such as the 404 page.
    pub fn rebase(&mut self, base: &str) {
        let abs = |u: &str| format!("{base}{}", u.trim_start_matches("./"));
        self.root = base.to_string();
        self.home_url = abs(&self.home_url);
        self.search_url = abs(&self.search_url);
        self.changes_url = abs(&self.changes_url);
        self.feed_url = abs(&self.feed_url);
        self.glossary_url = self.glossary_url.as_deref().map(abs);
        self.offline_url = self.offline_url.as_deref().map(abs);
        self.brand_logo = self.brand_logo.as_deref().map(abs);
        for n in &mut self.nav {
            n.url = abs(&n.url);
        }
    }
}

/// The path part of `base_url` (`https://host/guidance/` gives `/guidance/`), or `/`.
pub fn base_path(base_url: Option<&str>) -> String {
    let path = base_url
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

impl ViewContext<'_> {
    pub fn href(&self, from: &str, to: usize) -> String {
        url::page_href(from, &self.site.pages[to].id, None, self.portable)
    }

    pub fn card(&self, from: &str, i: usize) -> Card {
        let p = &self.site.pages[i];
        Card {
            title: p.fm.title.clone(),
            url: self.href(from, i),
            summary: p.fm.summary.clone(),
            kind: p.kind.as_str(),
            kind_label: p.kind.label(),
            updated: p.fm.updated.map(human_date),
            local: p.fm.overlay.is_some(),
            illustrative: p.fm.practice.as_ref().is_some_and(|x| x.illustrative),
        }
    }

    fn visible(&self, i: usize) -> bool {
        self.site.pages[i].fm.status == Status::Published
    }

    pub fn cards(&self, from: &str, idx: impl IntoIterator<Item = usize>) -> Vec<Card> {
        idx.into_iter()
            .filter(|&i| self.visible(i))
            .map(|i| self.card(from, i))
            .collect()
    }

    fn taxonomy_link(&self, from: &str, kind: TaxonomyKind, name: &str) -> Link {
        let slug = crate::parse::markdown::slugify(name);
        Link {
            title: name.to_string(),
            url: url::page_href(
                from,
                &format!("{}/{slug}", kind.slug()),
                None,
                self.portable,
            ),
        }
    }

    pub fn site_view(&self, from: &str) -> SiteView {
        let site = self.site;
        let cfg = &site.config;
        let nav = site
            .home()
            .map(|h| {
                site.children[h]
                    .iter()
                    .filter(|&&c| site.pages[c].is_section && self.visible(c))
                    .map(|&c| {
                        let id = &site.pages[c].id;
                        NavItem {
                            title: short_title(&site.pages[c]),
                            url: self.href(from, c),
                            current: from == id || from.starts_with(&format!("{id}/")),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let glossary_url = site.glossary_page.map(|i| self.href(from, i));
        SiteView {
            title: cfg.title.clone(),
            description: cfg.description.clone(),
            language: cfg.language.clone(),
            root: url::root_prefix(from),
            current: from.to_string(),
            base_url: cfg
                .base_url
                .as_deref()
                .map(|b| format!("{}/", b.trim_end_matches('/'))),
            home_url: url::page_href(from, "", None, self.portable),
            search_url: url::page_href(from, "search", None, self.portable),
            glossary_url,
            changes_url: url::page_href(from, "changes", None, self.portable),
            feed_url: url::file_href(from, "feed.xml"),
            nav,
            portable: self.portable,
            offline: self.offline,
            offline_url: self
                .offline
                .then(|| url::page_href(from, OFFLINE_PAGE, None, self.portable)),
            static_search: self.static_search,
            brand_name: cfg.brand.name.clone(),
            brand_logo: cfg
                .brand
                .logo
                .as_ref()
                .map(|l| url::file_href(from, l.trim_start_matches('/'))),
            brand_colours: cfg
                .brand
                .colours
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            generator: format!("Waymark {}", env!("CARGO_PKG_VERSION")),
        }
    }

    pub fn page_view(&self, i: usize, content: String) -> PageView {
        let site = self.site;
        let p: &Page = &site.pages[i];
        let from = p.id.as_str();
        let fm = &p.fm;
        let changes: Vec<ChangeView> = {
            let mut c: Vec<_> = fm.changes.iter().collect();
            c.sort_by_key(|b| std::cmp::Reverse(b.date));
            c.into_iter()
                .map(|c| ChangeView {
                    date: c.date.to_string(),
                    date_human: human_date(c.date),
                    kind: if c.kind == crate::model::ChangeType::Major {
                        "major"
                    } else {
                        "minor"
                    },
                    note: c.note.clone(),
                })
                .collect()
        };
        let latest_change = fm.latest_major_change().map(|c| ChangeView {
            date: c.date.to_string(),
            date_human: human_date(c.date),
            kind: "major",
            note: c.note.clone(),
        });
        let mut breadcrumbs = Vec::new();
        let mut cur = site.parent[i];
        while let Some(c) = cur {
            breadcrumbs.push(Link {
                title: short_title(&site.pages[c]),
                url: self.href(from, c),
            });
            cur = site.parent[c];
        }
        breadcrumbs.reverse();
        let toc = site.docs[i]
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| TocItem {
                level: h.level,
                title: h.text.clone(),
                anchor: h.anchor.clone(),
            })
            .collect();
        let related = self.cards(
            from,
            fm.related
                .iter()
                .filter_map(|r| site.by_id.get(r.trim_end_matches(".md")).copied())
                // Related practice has its own list.
                .filter(|j| !site.related_practice[i].contains(j)),
        );

        let guidance_backlinks: Vec<usize> = site.backlinks[i]
            .iter()
            .copied()
            .filter(|&b| site.pages[b].kind != Kind::Legal || p.kind == Kind::Legal)
            .collect();
        let cited_by: Vec<usize> = if p.kind == Kind::Legal || p.fm.legal.legislation.is_some() {
            site.backlinks[i]
                .iter()
                .copied()
                .filter(|&b| matches!(site.pages[b].kind, Kind::Guidance | Kind::Practice))
                .collect()
        } else {
            Vec::new()
        };
        let local_pages = site.local_pages[i].clone();

        PageView {
            id: p.id.clone(),
            path: if p.id.is_empty() {
                String::new()
            } else {
                format!("{}/", p.id)
            },
            local: fm.overlay.is_some(),
            kind: p.kind.as_str(),
            kind_label: p.kind.label(),
            title: fm.title.clone(),
            summary: fm.summary.clone(),
            content,
            toc,
            dates: Dates {
                first_published: fm.first_published.map(|d| d.to_string()),
                updated: fm.updated.map(|d| d.to_string()),
                review_due: fm.review_due.map(|d| d.to_string()),
                first_published_human: fm.first_published.map(human_date),
                updated_human: fm.updated.map(human_date),
                review_due_human: fm.review_due.map(human_date),
            },
            latest_change,
            changes,
            owner: fm.owner.clone(),
            audience: fm
                .audience
                .iter()
                .map(|a| {
                    self.taxonomy_link(from, TaxonomyKind::Audience, &crate::graph::humanise(a))
                })
                .collect(),
            applies_to: fm
                .applies_to
                .iter()
                .map(|a| crate::graph::jurisdiction_name(a))
                .collect(),
            tags: fm
                .tags
                .iter()
                .map(|t| self.taxonomy_link(from, TaxonomyKind::Tags, t))
                .collect(),
            topics: fm
                .topics
                .iter()
                .map(|t| self.taxonomy_link(from, TaxonomyKind::Topics, t))
                .collect(),
            breadcrumbs,
            children: self.cards(from, site.children[i].iter().copied()),
            backlinks: self.cards(from, guidance_backlinks),
            legislation_cited: self.cards(from, site.cites[i].iter().copied()),
            cited_by: self.cards(from, cited_by),
            related,
            related_practice: self.cards(from, site.related_practice[i].iter().copied()),
            legal: self.legal_view(i),
            practice: self.practice_view(i),
            recommendation: fm.recommendation.as_ref().map(|r| RecommendationView {
                number: r.number.clone(),
                addressees: r.addressees.clone(),
                due: r.due.map(|d| d.to_string()),
                due_human: r.due.map(human_date),
                progress: r.progress.as_ref().map(|s| crate::graph::humanise(s)),
                progress_key: r.progress.clone(),
                source: r.source.clone().filter(|s| is_web_url(s)),
            }),
            term: fm.term.as_ref().map(|t| TermView {
                term: t.term.clone(),
                abbreviation: t.abbreviation.clone(),
                definition: t.definition.clone(),
                synonyms: t.synonyms.clone(),
                deprecated: t
                    .deprecated
                    .iter()
                    .map(|d| (d.variant.clone(), d.preferred.clone()))
                    .collect(),
            }),
            overlay: fm.overlay.as_ref().map(|o| OverlayView {
                force: o.force.clone().unwrap_or_else(|| "local force".into()),
                overlays: o
                    .overlays
                    .as_ref()
                    .and_then(|t| site.by_id.get(t.trim_end_matches(".md")))
                    .map(|&t| Link {
                        title: site.pages[t].fm.title.clone(),
                        url: self.href(from, t),
                    }),
                deviations: o
                    .deviation
                    .iter()
                    .map(|d| Row {
                        label: d.target.clone(),
                        value: d.rationale.clone(),
                    })
                    .collect(),
            }),
            local_pages: self.cards(from, local_pages),
            glossary: self.glossary_items(i),
            tracker: self.tracker(i),
            status: match fm.status {
                Status::Draft => "draft",
                Status::Published => "published",
                Status::Withdrawn => "withdrawn",
            },
            draft: fm.status == Status::Draft,
            withdrawn: fm.status == Status::Withdrawn,
        }
    }

    fn legal_view(&self, i: usize) -> Option<LegalView> {
        let site = self.site;
        let p = &site.pages[i];
        let l = p.fm.legal.legislation.as_ref()?;
        let from = p.id.as_str();
        let short = l.short.first().cloned().unwrap_or_else(|| l.act.clone());
        let citation = match &l.provision {
            Some(pr) => format!("{pr} {short}"),
            None => l.act.clone(),
        };
        let act_url = site.parent[i]
            .filter(|&pi| site.pages[pi].fm.legal.legislation.is_some())
            .map(|pi| self.href(from, pi));
        let offence = p.fm.legal.offence.as_ref().map(|o| OffenceView {
            mode_of_trial: o.mode_of_trial.map(|m| m.label()),
            penalties: ["indictment", "summary"]
                .iter()
                .filter_map(|k| o.max_penalty.get(*k).map(|f| (k, f)))
                .map(|(k, f)| PenaltyView {
                    court: if *k == "indictment" {
                        "On indictment (Crown Court)".into()
                    } else {
                        "On summary conviction (magistrates' court)".into()
                    },
                    value: f.value.to_string(),
                    as_at: f.as_at.map(human_date),
                })
                .collect(),
            time_limit: o.time_limit.as_ref().map(|t| match t.value {
                crate::model::Amount::None => {
                    "None (either-way offences have no time limit)".to_string()
                }
                ref v => v.to_string(),
            }),
            points_to_prove: o.points_to_prove.clone(),
        });
        Some(LegalView {
            act: l.act.clone(),
            act_url,
            provision: l.provision.clone(),
            citation,
            extent: l
                .extent
                .iter()
                .map(|e| crate::graph::jurisdiction_name(e))
                .collect(),
            in_force: l.in_force.map(human_date),
            status: l.status.as_str(),
            amended: l
                .amended
                .iter()
                .map(|a| AmendmentView {
                    on: human_date(a.on),
                    by: a.by.clone(),
                    note: a.note.clone(),
                })
                .collect(),
            superseded_by: l
                .superseded_by
                .as_ref()
                .and_then(|s| site.by_id.get(s.trim_end_matches(".md")))
                .map(|&t| Link {
                    title: site.pages[t].fm.title.clone(),
                    url: self.href(from, t),
                }),
            source: l.source.clone().filter(|s| is_web_url(s)),
            repealed: p.fm.legal.repealed.as_ref().map(|r| match (r.on, &r.by) {
                (Some(on), Some(by)) => format!("{} by {by}", human_date(on)),
                (Some(on), None) => human_date(on),
                (None, Some(by)) => format!("by {by}"),
                (None, None) => "repealed".into(),
            }),
            offence,
            facts: p
                .fm
                .legal
                .facts
                .iter()
                .map(|(k, f)| FactView {
                    name: crate::graph::humanise(k),
                    value: f.raw.clone(),
                })
                .collect(),
        })
    }

    fn practice_view(&self, i: usize) -> Option<PracticeView> {
        let p = &self.site.pages[i];
        let x = p.fm.practice.as_ref()?;
        let from = p.id.as_str();
        let mut details = Vec::new();
        let mut row = |l: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                details.push(Row {
                    label: l.into(),
                    value: v,
                });
            }
        };
        row("Organisation", x.organisation.clone());
        row("Region", x.region.clone());
        row("Partners", Some(x.partners.join(", ")));
        row("Start date", x.start_date.map(human_date));
        row("Scale", x.scale.as_deref().map(crate::graph::humanise));
        row("Target group", x.target_group.clone());
        row("Purpose", x.purpose.clone());
        row("Contact", x.contact.clone());
        let stage = x.stage.map(|s| {
            let name = match s {
                crate::model::PracticeStage::Untested => "Untested",
                crate::model::PracticeStage::EvaluatedLocally => "Evaluated locally",
                crate::model::PracticeStage::IndependentlyEvaluated => "Independently evaluated",
            };
            self.taxonomy_link(from, TaxonomyKind::Stage, name)
        });
        let outcome = x.outcome.map(|o| {
            let name = match o {
                crate::model::PracticeOutcome::Worked => "Worked",
                crate::model::PracticeOutcome::Promising => "Promising",
                crate::model::PracticeOutcome::New => "New",
                crate::model::PracticeOutcome::DidNotWork => "Did not work",
            };
            self.taxonomy_link(from, TaxonomyKind::Outcome, name)
        });
        Some(PracticeView {
            details,
            stage,
            outcome,
            stage_key: x.stage.map(|s| match s {
                crate::model::PracticeStage::Untested => "untested",
                crate::model::PracticeStage::EvaluatedLocally => "evaluated-locally",
                crate::model::PracticeStage::IndependentlyEvaluated => "independently-evaluated",
            }),
            outcome_key: x.outcome.map(|o| match o {
                crate::model::PracticeOutcome::Worked => "worked",
                crate::model::PracticeOutcome::Promising => "promising",
                crate::model::PracticeOutcome::New => "new",
                crate::model::PracticeOutcome::DidNotWork => "did-not-work",
            }),
            illustrative: x.illustrative,
        })
    }

    fn glossary_items(&self, i: usize) -> Vec<GlossaryItem> {
        let site = self.site;
        let p = &site.pages[i];
        if !p.is_section {
            return Vec::new();
        }
        site.glossary
            .iter()
            .filter(|g| {
                site.by_id
                    .get(&g.page)
                    .is_some_and(|&gi| site.parent[gi] == Some(i) && self.visible(gi))
            })
            .map(|g| GlossaryItem {
                letter: g
                    .term
                    .chars()
                    .find(|c| c.is_alphanumeric())
                    .map(|c| c.to_uppercase().to_string())
                    .unwrap_or_else(|| "#".into()),
                term: g.term.clone(),
                anchor: crate::parse::markdown::slugify(&g.term),
                abbreviation: g.abbreviation.clone(),
                definition: g.definition.clone(),
                synonyms: g.synonyms.clone(),
                url: url::page_href(&p.id, &g.page, None, self.portable),
            })
            .collect()
    }

    fn tracker(&self, i: usize) -> Vec<TrackerRow> {
        let site = self.site;
        let p = &site.pages[i];
        if !p.is_section {
            return Vec::new();
        }
        let mut rows: Vec<(usize, TrackerRow)> = site.children[i]
            .iter()
            .filter(|&&c| self.visible(c))
            .filter_map(|&c| {
                let r = site.pages[c].fm.recommendation.as_ref()?;
                Some((
                    c,
                    TrackerRow {
                        number: r.number.clone(),
                        title: site.pages[c].fm.title.clone(),
                        url: self.href(&p.id, c),
                        addressees: r.addressees.clone(),
                        due: r.due.map(human_date),
                        due_iso: r.due.map(|d| d.to_string()),
                        progress: r.progress.as_deref().map(crate::graph::humanise),
                        progress_key: r.progress.clone(),
                    },
                ))
            })
            .collect();
        rows.sort_by(|a, b| {
            let n = |r: &TrackerRow| {
                r.number
                    .as_deref()
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(u32::MAX)
            };
            n(&a.1).cmp(&n(&b.1)).then(a.0.cmp(&b.0))
        });
        rows.into_iter().map(|r| r.1).collect()
    }
}

fn is_web_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}
