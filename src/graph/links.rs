//! Resolving a link destination as written in Markdown to a page, an anchor, an asset or an
//! external URL.

use crate::model::Page;
use crate::parse::markdown::{LinkKind, LinkRef, normalise_content_path};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// No page or file at the path.
    NoSuchPage(String),
    /// The page exists but not the anchor.
    NoSuchAnchor {
        page: usize,
        anchor: String,
    },
    /// The path climbs out of the content root, or is absolute.
    OutsideRoot(&'static str),
    /// A scheme that runs code (`javascript:`), never published.
    Unsafe(String),
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Page {
        index: usize,
        anchor: Option<String>,
    },
    /// A file copied from the content tree, by its path under the content root.
    Asset(String),
    External(String),
    Broken(LinkProblem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLink {
    pub target: LinkTarget,
}

fn has_scheme(d: &str) -> Option<&str> {
    let i = d.find(':')?;
    let s = &d[..i];
    let mut cs = s.chars();
    let first = cs.next()?;
    (first.is_ascii_alphabetic() && cs.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .then_some(s)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Resolves a destination for `page` without anchors or page tables: returns the normalised
/// path from the content root and the anchor, or the external URL. Shared with search and
/// rendering of snippets.
pub fn resolve_dest(
    page_rel_path: &str,
    is_section: bool,
    dest: &str,
    wiki: bool,
) -> Result<(String, Option<String>), LinkTarget> {
    let dest = dest.trim();
    if dest.is_empty() {
        return Err(LinkTarget::Broken(LinkProblem::Empty));
    }
    if let Some(scheme) = has_scheme(dest) {
        let s = scheme.to_ascii_lowercase();
        return if matches!(s.as_str(), "http" | "https" | "mailto" | "tel") {
            Err(LinkTarget::External(dest.to_string()))
        } else if s.len() == 1 {
            Err(LinkTarget::Broken(LinkProblem::OutsideRoot(
                "absolute paths are not allowed",
            )))
        } else {
            Err(LinkTarget::Broken(LinkProblem::Unsafe(s)))
        };
    }
    if dest.starts_with("//") {
        return Err(LinkTarget::External(dest.to_string()));
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    let path = percent_decode(path_part);
    let from_root = if wiki {
        Some(path.as_str())
    } else {
        path.strip_prefix("@/")
    };
    let joined = match from_root {
        Some(p) => p.to_string(),
        None => {
            if path.starts_with('/') || path.starts_with('\\') {
                return Err(LinkTarget::Broken(LinkProblem::OutsideRoot(
                    "root-absolute links break under a sub-path; write `@/path/page.md` or a relative link",
                )));
            }
            if path.is_empty() {
                return Ok((String::new(), anchor)).map(|(_, a)| ("#self".to_string(), a));
            }
            let dir = if is_section {
                page_rel_path.rsplit_once('/').map_or("", |(d, _)| d)
            } else {
                page_rel_path.rsplit_once('/').map_or("", |(d, _)| d)
            };
            if dir.is_empty() {
                path.clone()
            } else {
                format!("{dir}/{path}")
            }
        }
    };
    match normalise_content_path(&joined) {
        Ok(p) => Ok((p, anchor)),
        Err(e) => Err(LinkTarget::Broken(LinkProblem::OutsideRoot(e))),
    }
}

/// Turns a normalised content path into the id it names, if it names a page.
pub fn id_from_path(p: &str) -> String {
    let p = p.trim_end_matches('/');
    let p = p.strip_suffix(".md").unwrap_or(p);
    if p == "_index" {
        return String::new();
    }
    p.strip_suffix("/_index").unwrap_or(p).to_string()
}

pub(super) fn resolve(
    page: &Page,
    link: &LinkRef,
    by_id: &HashMap<String, usize>,
    aliases: &BTreeMap<String, usize>,
    anchors: &[BTreeSet<String>],
    assets: &BTreeMap<String, PathBuf>,
) -> ResolvedLink {
    let wiki = link.kind == LinkKind::Wiki;
    let target = match resolve_dest(&page.rel_path, page.is_section, &link.dest, wiki) {
        Err(t) => t,
        Ok((path, anchor)) => {
            let self_index = by_id.get(&page.id).copied();
            let index = if path == "#self" {
                self_index
            } else if assets.contains_key(&path) && !path.ends_with(".md") {
                return ResolvedLink {
                    target: LinkTarget::Asset(path),
                };
            } else {
                let id = id_from_path(&path);
                by_id.get(&id).or_else(|| aliases.get(&id)).copied()
            };
            match index {
                None => LinkTarget::Broken(LinkProblem::NoSuchPage(path)),
                Some(i) => match anchor {
                    Some(a)
                        if !a.is_empty()
                            && !anchors[i].contains(&a)
                            && !a.starts_with("fn-")
                            && !a.starts_with("fnref") =>
                    {
                        LinkTarget::Broken(LinkProblem::NoSuchAnchor { page: i, anchor: a })
                    }
                    a => LinkTarget::Page {
                        index: i,
                        anchor: a.filter(|a| !a.is_empty()),
                    },
                },
            }
        }
    };
    ResolvedLink { target }
}
