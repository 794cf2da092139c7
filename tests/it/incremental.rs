//! The live preview's incremental build: after every kind of edit, what it has on disk is
//! byte for byte what a full `waymark build` writes for the same input, and a local edit
//! re-renders only the pages it affects.

use crate::support::*;
use std::path::{Path, PathBuf};
use waymark::pipeline::session::{Outcome, Rebuild, Session};
use waymark::pipeline::{self, Options};

fn today() -> Option<jiff::civil::Date> {
    Some(jiff::civil::date(2026, 11, 28))
}

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        today: today(),
        ..Options::default()
    }
}

/// Saves like editors that write a new file and rename it over the old one.
fn save(site: &TestSite, rel: &str, text: &str) -> PathBuf {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_file_name(format!(
        ".{}.swp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    path
}

fn edit(site: &TestSite, rel: &str, f: impl Fn(&str) -> String) -> PathBuf {
    let old = site.read(rel);
    let new = f(&old);
    assert_ne!(old, new, "the edit of {rel} changed nothing");
    save(site, rel, &new)
}

/// Files of a built folder, leaving out the search index (rebuilt by the preview when it is
/// asked for) and its entries in the manifest.
fn output(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot_dir(dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("search-index/"))
        .map(|(p, b)| {
            if p == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(&b).unwrap();
                m["files"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|f| !f["path"].as_str().unwrap().starts_with("search-index/"));
                (p, serde_json::to_vec_pretty(&m).unwrap())
            } else {
                (p, b)
            }
        })
        .collect()
}

fn full_build(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    let opts = Options {
        out: Some(dir),
        static_search: Some(false),
        ..options(root)
    };
    let r = pipeline::build(&opts).unwrap_or_else(|e| panic!("full build: {e}"));
    assert!(r.written.is_some(), "the full build found errors");
    out
}

fn assert_same_as_full_build(preview: &Path, root: &Path, step: &str) {
    let full = full_build(root);
    let a = output(preview);
    let b = output(&full.path().join("public"));
    let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    let (pa, pb) = (paths(&a), paths(&b));
    let only_preview: Vec<_> = pa.iter().filter(|p| !pb.contains(p)).collect();
    let only_full: Vec<_> = pb.iter().filter(|p| !pa.contains(p)).collect();
    assert!(
        only_preview.is_empty() && only_full.is_empty(),
        "{step}: files differ: only in the preview {only_preview:?}, only in the full build {only_full:?}"
    );
    for ((p, x), (_, y)) in a.iter().zip(&b) {
        if x != y {
            let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
            let at = x
                .char_indices()
                .zip(y.chars())
                .find(|((_, c), d)| c != d)
                .map_or(x.len().min(y.len()), |((i, _), _)| i);
            let from = at.saturating_sub(150);
            panic!(
                "{step}: {p} differs from the full build at byte {at}\npreview: …{}…\nfull:    …{}…",
                x.get(from..(at + 150).min(x.len())).unwrap_or(""),
                y.get(from..(at + 150).min(y.len())).unwrap_or("")
            );
        }
    }
}

/// A rebuild, and the manifest the preview writes when idle.
fn rebuild(s: &mut Session, saved: &[PathBuf]) -> Rebuild {
    let r = s
        .rebuild(Some(saved))
        .unwrap_or_else(|e| panic!("rebuild: {e}"));
    s.flush_manifest().unwrap();
    r
}

fn published(r: &Rebuild, step: &str) -> Vec<String> {
    match &r.outcome {
        Outcome::Published { changed } => changed.clone(),
        other => panic!("{step}: expected the site to be written, got {other:?}"),
    }
}

const GUIDE: &str = "content/guidance/stalking-or-harassment/recognising-stalking.md";
const FIRST_RESPONSE: &str = "content/guidance/stalking-or-harassment/first-response.md";
const S4A: &str = "content/legislation/pha-1997/s4a.md";

#[test]
fn incremental_rebuilds_equal_a_full_build_after_every_kind_of_edit() {
    let site = TestSite {
        dir: tempfile::tempdir().unwrap(),
    };
    for dir in ["content", "themes"] {
        if repo().join(dir).is_dir() {
            copy_dir(&repo().join(dir), &site.path(dir));
        }
    }
    std::fs::copy(repo().join("site.yaml"), site.path("site.yaml")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let preview = work.path().join("preview");
    let mut s = Session::new(options(site.root()), preview.clone());
    let first = s.rebuild(None).unwrap();
    published(&first, "first build");
    assert_same_as_full_build(&preview, site.root(), "first build");
    let pages = first.stats.pages_rendered;

    // A sentence in one page's body: that page, and nothing that does not read it.
    let p = edit(&site, GUIDE, |t| {
        t.replacen(
            "\n\n",
            "\n\nA sentence added by an editor to see it in the preview.\n\n",
            2,
        )
    });
    let r = rebuild(&mut s, &[p]);
    let changed = published(&r, "body edit");
    assert!(
        !r.stats.full,
        "a body edit should not reload the whole site"
    );
    assert!(
        r.stats.pages_rendered * 4 < pages,
        "a body edit re-rendered {} of {pages} pages",
        r.stats.pages_rendered
    );
    assert!(
        changed.contains(
            &"guidance/stalking-or-harassment/recognising-stalking/index.html".to_string()
        )
    );
    assert!(
        std::fs::read_to_string(
            preview.join("guidance/stalking-or-harassment/recognising-stalking/index.html")
        )
        .unwrap()
        .contains("A sentence added by an editor")
    );
    assert_same_as_full_build(&preview, site.root(), "body edit");

    // A legal summary's title: it shows in the lists of every page citing it.
    let p = edit(&site, S4A, |t| {
        t.replacen("title: \"", "title: \"Renamed: ", 1)
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "title edit");
    assert!(!r.stats.full);
    assert_same_as_full_build(&preview, site.root(), "title edit");

    // A new link: the target gains a backlink.
    let p = edit(&site, GUIDE, |t| {
        format!(
            "{t}\nSee also [interim orders](@/guidance/stalking-or-harassment/protective-orders/interim-orders.md).\n"
        )
    });
    let r = rebuild(&mut s, std::slice::from_ref(&p));
    published(&r, "link added");
    assert_same_as_full_build(&preview, site.root(), "link added");

    // Tags: taxonomy pages.
    let p = edit(&site, GUIDE, |t| {
        t.replacen("tags: [", "tags: [a brand new tag, ", 1)
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "tags edit");
    assert_same_as_full_build(&preview, site.root(), "tags edit");

    // A snippet: every page including it.
    let snippet = "content/_snippets/pin-position.md";
    let p = edit(&site, snippet, |t| {
        format!("{t}\nThe snippet was edited.\n")
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "snippet edit");
    assert!(
        std::fs::read_to_string(
            preview.join("guidance/stalking-or-harassment/first-response/index.html")
        )
        .unwrap()
        .contains("The snippet was edited.")
    );
    assert_same_as_full_build(&preview, site.root(), "snippet edit");

    // The glossary: abbreviations on every page.
    let p = edit(&site, "content/glossary/spo.md", |t| {
        t.replacen(
            "term: \"stalking protection order\"",
            "term: \"stalking protection order (civil)\"",
            1,
        )
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "glossary edit");
    assert_same_as_full_build(&preview, site.root(), "glossary edit");

    // A top-level section's title: the navigation on every page.
    let p = edit(&site, "content/legislation/_index.md", |t| {
        t.replacen("title: \"", "title: \"The law: ", 1)
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "navigation edit");
    assert_same_as_full_build(&preview, site.root(), "navigation edit");

    // Order within a section.
    let p = edit(&site, GUIDE, |t| t.replacen("weight: 30", "weight: 1", 1));
    let r = rebuild(&mut s, &[p]);
    published(&r, "weight edit");
    assert_same_as_full_build(&preview, site.root(), "weight edit");

    // A major change: What's changed and the feed.
    let p = edit(&site, FIRST_RESPONSE, |t| {
        t.replacen(
            "\n---\n",
            "\nchanges:\n  - { date: 2026-11-27, type: major, note: \"Added the preview test change\" }\n---\n",
            1,
        )
    });
    published(&rebuild(&mut s, &[p]), "major change");
    assert_same_as_full_build(&preview, site.root(), "major change");

    // A broken edit writes nothing; fixing it brings everything up to date, including
    // what changed meanwhile.
    let before = output(&preview);
    let good = site.read(GUIDE);
    let p = save(&site, GUIDE, &good.replacen("title: \"", "title: [\"", 1));
    let r = rebuild(&mut s, &[p]);
    assert!(matches!(r.outcome, Outcome::Broken), "{:?}", r.outcome);
    assert!(
        output(&preview) == before,
        "a broken edit changed the site on disk"
    );
    let (diags, sources) = s.diagnostics().unwrap();
    let at: Vec<(String, usize)> = diags
        .iter()
        .filter(|d| d.severity == waymark::diag::Severity::Error)
        .filter_map(|d| d.primary.as_ref())
        .map(|l| {
            (
                sources.get(l.file).display.clone(),
                sources.get(l.file).line_col(l.range.start).0,
            )
        })
        .collect();
    // The unclosed list opened on line 2 is reported where the parser gives up.
    assert!(
        at.iter().any(|(f, l)| f == GUIDE && (2..=3).contains(l)),
        "{at:?}"
    );
    let p2 = edit(&site, S4A, |t| {
        t.replacen("Renamed: ", "Renamed again: ", 1)
    });
    let r = rebuild(&mut s, &[p2]);
    assert!(matches!(r.outcome, Outcome::Broken));
    let p = save(&site, GUIDE, &good);
    published(&rebuild(&mut s, &[p]), "fixed");
    assert_same_as_full_build(&preview, site.root(), "broken then fixed");

    // A broken link, then its fix.
    let p = edit(&site, GUIDE, |t| {
        format!("{t}\n[gone](@/guidance/no-such-page.md)\n")
    });
    assert!(matches!(rebuild(&mut s, &[p]).outcome, Outcome::Broken));
    let p = save(&site, GUIDE, &good);
    published(&rebuild(&mut s, &[p]), "link fixed");
    assert_same_as_full_build(&preview, site.root(), "broken link fixed");

    // A heading other pages link to: renamed (their links break), then back.
    const SA: &str = "content/legislation/sentencing-act-2020/_index.md";
    let heading = site.read(SA);
    let p = save(
        &site,
        SA,
        &heading.replace("## Magistrates court limit history", "## Limits over time"),
    );
    assert!(matches!(rebuild(&mut s, &[p]).outcome, Outcome::Broken));
    let (diags, _) = s.diagnostics().unwrap();
    assert!(diags.iter().any(|d| d.check == "broken-anchor"));
    let p = save(&site, SA, &heading);
    published(&rebuild(&mut s, &[p]), "heading restored");
    assert_same_as_full_build(&preview, site.root(), "heading restored");

    // A new page, then the same page removed.
    let new_page = "content/guidance/stalking-or-harassment/preview-test.md";
    let p = save(
        &site,
        new_page,
        "---\ntitle: \"Preview test page\"\nsummary: \"A page added while the preview runs.\"\nstatus: published\nfirst_published: 2026-11-01\nupdated: 2026-11-01\nreview_due: 2027-11-01\nowner: \"College of Policing\"\naudience: [investigators]\napplies_to: [england-and-wales]\ntags: [stalking]\ntopics: [investigation]\n---\n\nIt links to [recognising stalking](recognising-stalking.md).\n\n## Aim\n\nText.\n",
    );
    let r = rebuild(&mut s, std::slice::from_ref(&p));
    published(&r, "page added");
    assert_same_as_full_build(&preview, site.root(), "page added");
    std::fs::remove_file(&p).unwrap();
    published(&rebuild(&mut s, &[p]), "page removed");
    assert_same_as_full_build(&preview, site.root(), "page removed");

    // A template of the site's own: every page.
    let base = site.path("templates/404.html");
    std::fs::create_dir_all(base.parent().unwrap()).unwrap();
    std::fs::write(&base, "{% extends \"base.html\" %}{% block main %}<h1>Lost? Try the search.</h1>{% endblock main %}\n").unwrap();
    published(&rebuild(&mut s, &[base]), "template added");
    assert!(
        std::fs::read_to_string(preview.join("404.html"))
            .unwrap()
            .contains("Lost? Try the search.")
    );
    assert_same_as_full_build(&preview, site.root(), "template added");

    // Site static files: added, changed, removed; no page is rendered for them.
    let css = save(&site, "static/extra.css", "body { margin: 0 }\n");
    let r = rebuild(&mut s, std::slice::from_ref(&css));
    // The offline worker's version names the static files too.
    let mut written = published(&r, "static added");
    written.retain(|p| p != "sw.js");
    assert_eq!(written, vec!["static/extra.css".to_string()]);
    assert_eq!(r.stats.pages_rendered, 0);
    assert_same_as_full_build(&preview, site.root(), "static added");
    save(&site, "static/extra.css", "body { margin: 1px }\n");
    published(
        &rebuild(&mut s, std::slice::from_ref(&css)),
        "static changed",
    );
    assert_same_as_full_build(&preview, site.root(), "static changed");
    std::fs::remove_file(&css).unwrap();
    published(&rebuild(&mut s, &[css]), "static removed");
    assert_same_as_full_build(&preview, site.root(), "static removed");

    // A content asset (an image beside the pages).
    let img = save(
        &site,
        "content/guidance/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    published(&rebuild(&mut s, std::slice::from_ref(&img)), "asset added");
    assert_same_as_full_build(&preview, site.root(), "asset added");
    save(
        &site,
        "content/guidance/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\"/>\n",
    );
    let r = rebuild(&mut s, std::slice::from_ref(&img));
    published(&r, "asset changed");
    assert!(!r.stats.full);
    assert_same_as_full_build(&preview, site.root(), "asset changed");

    // site.yaml.
    let p = edit(&site, "site.yaml", |t| {
        t.replacen("title: \"", "title: \"Edited: ", 1)
    });
    let r = rebuild(&mut s, &[p]);
    published(&r, "site.yaml edit");
    assert!(r.stats.full);
    assert_same_as_full_build(&preview, site.root(), "site.yaml edit");

    // A save that changes nothing does nothing.
    let p = save(&site, GUIDE, &site.read(GUIDE));
    assert!(matches!(rebuild(&mut s, &[p]).outcome, Outcome::Unchanged));
}
