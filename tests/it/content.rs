//! The bundled content: its legal facts match the table kept in tests/data (so an edit that
//! changes a penalty is caught), it is big enough, it builds with zero findings, and every
//! link in the built site resolves offline.

use crate::support::*;
use std::collections::BTreeMap;
use waymark::model::Amount;

fn bundled() -> waymark::pipeline::CheckReport {
    let opts = waymark::pipeline::Options {
        root: repo(),
        today: waymark::parse::front_matter::parse_date("2026-11-28"),
        ..Default::default()
    };
    waymark::pipeline::check(&opts).unwrap_or_else(|e| panic!("{e}"))
}

fn fact_text(v: &serde_json::Value) -> (String, Option<String>) {
    match v {
        serde_json::Value::Object(m) => (
            m["value"].as_str().unwrap().to_string(),
            m.get("as_at").and_then(|a| a.as_str()).map(String::from),
        ),
        serde_json::Value::String(s) => (s.clone(), None),
        other => (other.to_string(), None),
    }
}

#[test]
fn legal_summaries_match_the_facts_table() {
    let table: Vec<serde_json::Value> = serde_saphyr::from_str(
        &std::fs::read_to_string(repo().join("tests/data/legal-facts.yaml")).unwrap(),
    )
    .unwrap();
    let report = bundled();
    let site = &report.site;
    let mut checked = 0;
    for row in &table {
        let id = row["id"].as_str().unwrap();
        let page = site
            .page(id)
            .unwrap_or_else(|| panic!("no legal summary {id}"));
        let legal = &page.fm.legal;
        let leg = legal
            .legislation
            .as_ref()
            .unwrap_or_else(|| panic!("{id}: no legislation"));
        if let Some(d) = row.get("in_force").and_then(|v| v.as_str()) {
            assert_eq!(
                leg.in_force.map(|x| x.to_string()).as_deref(),
                Some(d),
                "{id}: in_force"
            );
        }
        if let Some(m) = row.get("mode_of_trial").and_then(|v| v.as_str()) {
            let o = legal
                .offence
                .as_ref()
                .unwrap_or_else(|| panic!("{id}: no offence"));
            let got = serde_json::to_value(o.mode_of_trial).unwrap();
            assert_eq!(got.as_str(), Some(m), "{id}: mode_of_trial");
        }
        if let Some(p) = row.get("max_penalty").and_then(|v| v.as_object()) {
            let o = legal.offence.as_ref().unwrap();
            for (court, want) in p {
                let (value, as_at) = fact_text(want);
                let f = o
                    .max_penalty
                    .get(court)
                    .unwrap_or_else(|| panic!("{id}: no {court} maximum"));
                assert!(
                    f.value.same_as(&Amount::parse(&value)),
                    "{id}: {court} maximum is {} in front matter, {value} in the table",
                    f.value
                );
                assert_eq!(f.as_at.map(|d| d.to_string()), as_at, "{id}: {court} as_at");
            }
        }
        if let Some(t) = row.get("time_limit").and_then(|v| v.as_str()) {
            let o = legal.offence.as_ref().unwrap();
            let f = o
                .time_limit
                .as_ref()
                .unwrap_or_else(|| panic!("{id}: no time limit"));
            assert!(
                f.value.same_as(&Amount::parse(t)),
                "{id}: time limit {} vs {t}",
                f.value
            );
        }
        if let Some(facts) = row.get("facts").and_then(|v| v.as_object()) {
            for (name, want) in facts {
                let (value, _) = fact_text(want);
                let f = legal
                    .facts
                    .get(name)
                    .unwrap_or_else(|| panic!("{id}: no fact {name}"));
                assert!(
                    f.value.same_as(&Amount::parse(&value)),
                    "{id}: fact {name} is {} in front matter, {value} in the table",
                    f.value
                );
            }
        }
        assert!(
            leg.source
                .as_deref()
                .is_some_and(|s| s.starts_with("https://www.legislation.gov.uk/")),
            "{id}: official source URL"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} provisions in the table");
    // Every provision summary is in the table, so none escapes the comparison.
    let in_table: Vec<&str> = table.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for p in &site.pages {
        if p.kind == waymark::model::Kind::Legal && !p.is_section {
            assert!(
                in_table.contains(&p.id.as_str()),
                "{} is not in tests/data/legal-facts.yaml",
                p.id
            );
        }
    }
}

#[test]
fn bundled_content_is_big_enough_and_checks_clean() {
    let report = bundled();
    let site = &report.site;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &site.pages {
        *by_kind.entry(p.kind.as_str()).or_default() += 1;
    }
    assert!(site.pages.len() >= 60, "{by_kind:?}");
    assert!(by_kind["legal"] >= 15, "{by_kind:?}");
    assert!(by_kind["term"] >= 30, "{by_kind:?}");
    let unsuppressed: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| {
            format!(
                "{} {}: {}",
                d.check,
                d.primary
                    .as_ref()
                    .map(|l| site.sources.get(l.file).display.clone())
                    .unwrap_or_default(),
                d.message
            )
        })
        .collect();
    assert!(
        unsuppressed.is_empty(),
        "the bundled content has findings:\n{}",
        unsuppressed.join("\n")
    );
    // Every published page carries the metadata officers rely on.
    for p in &site.pages {
        if p.is_section || p.rel_path.contains("(generated)") {
            continue;
        }
        let fm = &p.fm;
        assert!(
            fm.summary.is_some()
                && fm.updated.is_some()
                && fm.review_due.is_some()
                && fm.owner.is_some(),
            "{} lacks summary/updated/review_due/owner",
            p.id
        );
    }
}

/// An offline link checker over the built bundled site: every relative link and asset
/// resolves to a file, and every `#anchor` exists on its page.
#[test]
fn every_link_in_the_built_site_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "--root",
            repo().to_str().unwrap(),
            "build",
            "--no-static-search",
            "--today",
            "2026-11-28",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut ids: BTreeMap<std::path::PathBuf, Vec<String>> = BTreeMap::new();
    let sel_id = scraper::Selector::parse("[id]").unwrap();
    let sel_link = scraper::Selector::parse("a[href], link[href], script[src], img[src]").unwrap();
    let pages: Vec<(std::path::PathBuf, String)> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            (
                e.path().to_path_buf(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    for (p, html) in &pages {
        let doc = scraper::Html::parse_document(html);
        ids.insert(
            p.canonicalize().unwrap(),
            doc.select(&sel_id)
                .map(|e| e.value().attr("id").unwrap().to_string())
                .collect(),
        );
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for (p, html) in &pages {
        // The 404 page is served at whatever depth was asked for, so it links from the root.
        if p.ends_with("404.html") {
            continue;
        }
        let doc = scraper::Html::parse_document(html);
        for e in doc.select(&sel_link) {
            let url = e.value().attr("href").or(e.value().attr("src")).unwrap();
            if url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
                || url.starts_with("tel:")
            {
                continue;
            }
            let (path, anchor) = url
                .split_once('#')
                .map_or((url, None), |(a, b)| (a, Some(b)));
            let target = if path.is_empty() {
                p.canonicalize().unwrap()
            } else {
                let decoded = percent_encoding::percent_decode_str(path)
                    .decode_utf8_lossy()
                    .to_string();
                let mut t = p.parent().unwrap().join(decoded);
                if path.ends_with('/') {
                    t = t.join("index.html");
                }
                t
            };
            let Ok(target) = target.canonicalize() else {
                broken.push(format!(
                    "{}: {url}",
                    p.strip_prefix(&out).unwrap().display()
                ));
                continue;
            };
            let missing_anchor = anchor.filter(|a| !a.is_empty()).filter(|a| {
                !ids.get(&target)
                    .is_some_and(|list| list.iter().any(|i| i == a))
            });
            if let Some(a) = missing_anchor {
                broken.push(format!(
                    "{}: {url} (no #{a})",
                    p.strip_prefix(&out).unwrap().display()
                ));
            }

            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
