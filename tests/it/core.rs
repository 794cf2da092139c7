//! The core pipeline: a clean site renders every page kind with links, backlinks and
//! citations resolved; each structural problem gets its diagnostic at the right place; output
//! is deterministic, atomic, relative and never destroys a user's files.

use crate::support::*;

fn page(site: &TestSite, out: &str, id: &str) -> scraper::Html {
    let path = if id.is_empty() {
        format!("{out}/index.html")
    } else {
        format!("{out}/{id}/index.html")
    };
    scraper::Html::parse_document(&site.read(&path))
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn clean_site_renders_every_page_kind() {
    let site = TestSite::fixture("core/clean");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Guidance: links resolved relative, citation linked, backlinks, related practice, include.
    let g = page(&site, "public", "guidance/harassment/first-response");
    let hrefs: Vec<(String, String)> = select(&g, "main a")
        .iter()
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert!(
        hrefs.contains(&(
            "s.2A PHA 1997".into(),
            "../../../legislation/pha-1997/s2a/".into()
        )),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&(
        "summary of the offence".into(),
        "../../../legislation/pha-1997/s2a/#points-to-prove".into()
    )));
    assert!(hrefs.contains(&("glossary".into(), "../../../glossary/".into())));
    assert!(
        hrefs.contains(&("early evidence".into(), "#early-evidence".into())),
        "{hrefs:?}"
    );
    let abbr = select(&g, "abbr[title]");
    assert_eq!(
        abbr[0].value().attr("title"),
        Some("stalking protection order")
    );
    assert!(
        text(&select(&g, ".content")[0]).contains("National Stalking Helpline on 0808 802 0300")
    );
    let ids: Vec<&str> = select(&g, ".content h2")
        .iter()
        .map(|h| h.value().attr("id").unwrap())
        .collect();
    assert_eq!(ids, ["early-evidence", "evidence"]);
    let practice = select(&g, "#wm-practice + ul a");
    assert_eq!(text(&practice[0]), "Early intervention");
    let cited = select(&g, "#wm-cited + ul a");
    assert_eq!(text(&cited[0]), "Stalking (s.2A PHA 1997)");
    assert!(text(&select(&g, ".latest-change")[0]).contains("Added advice on screenshots."));

    // Legal summary: offence card and the guidance citing it.
    let l = page(&site, "public", "legislation/pha-1997/s2a");
    let card = text(&select(&l, ".offence-card")[0]);
    for want in [
        "Mode of trial Summary only",
        "6 months",
        "Time limit for prosecution 6 months",
        "a course of conduct",
        "England and Wales",
    ] {
        assert!(card.contains(want), "offence card lacks {want:?}: {card}");
    }
    let citing: Vec<String> = select(&l, "#wm-cited-by + ul a").iter().map(text).collect();
    assert_eq!(citing, ["First response to harassment"]);

    // Practice entry: key details, badges and the illustrative banner.
    let p = page(&site, "public", "practice/early-intervention");
    assert!(
        text(&select(&p, ".key-details")[0]).contains("Organisation Illustrative example force")
    );
    assert!(text(&select(&p, ".banner-illustrative")[0]).contains("Illustrative example"));
    assert_eq!(select(&p, ".badge-stage").len(), 1);

    // Recommendation and its tracker.
    let r = page(&site, "public", "recommendations");
    let row = text(&select(&r, ".tracker tbody tr")[0]);
    assert!(
        row.contains("7")
            && row.contains("Searchable crime records")
            && row.contains("Chief constables")
            && row.contains("Open"),
        "{row}"
    );

    // Glossary with anchors; taxonomy pages; What's changed; 404 overridden by the site.
    let gl = page(&site, "public", "glossary");
    assert_eq!(select(&gl, "dt#stalking-protection-order").len(), 1);
    let tag = page(&site, "public", "tags/harassment");
    assert!(text(&select(&tag, "main")[0]).contains("First response to harassment"));
    for t in [
        "topics/first-response",
        "audience/first-response",
        "stage/untested",
        "outcome/new",
        "organisation/illustrative-example-force",
    ] {
        assert!(
            site.path(&format!("public/{t}/index.html")).exists(),
            "missing taxonomy page {t}"
        );
    }
    let ch = page(&site, "public", "changes");
    assert!(text(&select(&ch, ".changes")[0]).contains("Added advice on screenshots."));
    assert!(
        site.read("public/404.html")
            .contains("Lost? (site override)")
    );
    assert!(site.path("public/search/index.html").exists());

    // Sitemap, feed, manifest.
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://guidance.example.org/guidance/harassment/first-response/</loc>"
        )
    );
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("<title>First response to harassment</title>"));
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.json")).unwrap();
    assert!(
        manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "index.html" && f["sha256"].as_str().unwrap().len() == 64)
    );
}

#[test]
fn no_root_absolute_urls_so_the_site_works_under_a_sub_path() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    for (path, bytes) in snapshot_dir(&site.path("public")) {
        // The 404 page is served at whatever depth was asked for, so its URLs are
        // root-absolute by design (under base_url's path; see tests/it/theme.rs).
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for sel in [
            "a[href]",
            "link[href]",
            "script[src]",
            "img[src]",
            "form[action]",
        ] {
            for e in select(&doc, sel) {
                let url = e
                    .value()
                    .attr("href")
                    .or(e.value().attr("src"))
                    .or(e.value().attr("action"))
                    .unwrap();
                assert!(!url.starts_with('/'), "{path}: root-absolute URL {url}");
                assert!(
                    url.starts_with("https://") || !url.contains("://"),
                    "{path}: external URL {url}"
                );
            }
        }
    }
}

#[test]
fn portable_links_end_in_index_html() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&["--portable"]).status.success());
    let g = page(&site, "public", "guidance/harassment/first-response");
    let hrefs: Vec<String> = select(&g, ".content a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        hrefs.contains(&"../../../legislation/pha-1997/s2a/index.html".to_string()),
        "{hrefs:?}"
    );
}

#[test]
fn rebuilds_are_byte_identical() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    let first = snapshot_dir(&site.path("public"));
    assert!(site.build(&[]).status.success());
    let second = snapshot_dir(&site.path("public"));
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between builds", a.0);
    }
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    let before = snapshot_dir(&site.path("public"));
    site.write(
        "content/guidance/harassment/broken.md",
        "---\ntitle: Broken\nsummary: x\n---\n\nSee [nothing](nowhere.md).\n",
    );
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("previous output is unchanged"));
    assert_eq!(before, snapshot_dir(&site.path("public")));
}

#[test]
fn a_users_folder_is_never_wiped() {
    let site = TestSite::fixture("core/clean");
    site.write("mine/notes.txt", "precious");
    let out = site.build(&["--out", site.path("mine").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to replace"),
        "{}",
        stderr(&out)
    );
    assert_eq!(site.read("mine/notes.txt"), "precious");
    // Nor the site itself, nor its content folder.
    let out = site.build(&["--out", site.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = site.build(&["--out", site.path("content/x").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(site.path("content/_index.md").exists());
}

#[test]
fn restricted_text_never_reaches_public_output() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/covert.md",
        "---\ntitle: Covert tactics for the surveillance unit\nsummary: Internal only.\nvisibility: restricted\n---\n\nThe surveillance van is parked behind the depot on weekdays.\n",
    );
    site.write(
        "content/guidance/harassment/_index.md",
        "---\ntitle: Harassment\nsummary: Guidance on harassment.\n---\n\nPublic text.\n\n<!-- waymark-restricted -->\nCall the duty inspector on the private line 01234 567890 for authority.\n<!-- /waymark-restricted -->\n\nMore public text.\n",
    );
    assert!(site.build(&[]).status.success());
    for (path, bytes) in snapshot_dir(&site.path("public")) {
        let t = String::from_utf8_lossy(&bytes);
        for secret in [
            "surveillance van",
            "Covert tactics",
            "private line 01234",
            "covert",
        ] {
            assert!(!t.contains(secret), "{path} leaks {secret:?}");
        }
    }
    assert!(
        site.read("public/guidance/harassment/index.html")
            .contains("More public text.")
    );
    // The internal profile includes it.
    let out = site.run(&[
        "build",
        "--profile",
        "internal",
        "--no-static-search",
        "--out",
        site.path("internal").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.read("internal/guidance/harassment/covert/index.html")
            .contains("surveillance van")
    );
    assert!(
        site.read("internal/guidance/harassment/index.html")
            .contains("private line 01234")
    );
}

#[test]
fn the_four_done_when_diagnostics_are_reported_at_their_lines() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/a.md",
        "---\ntitle: A\nsummary: s\n---\n\nIntro.\n\nSee [the missing page](missing.md) now.\n",
    );
    site.write("content/guidance/harassment/b.md", "---\ntitle: B\nsummary: s\n---\n\n## Heading\n\nSee [bad anchor](first-response.md#no-such-heading).\n");
    site.write(
        "content/guidance/harassment/c.md",
        "---\ntitle: C\nsummary: s\nreveiw_due: 2027-01-01\n---\n\nBody.\n",
    );
    site.write(
        "content/guidance/harassment/d.md",
        "---\ntitle: D\nsummary: \"never closed\ntags: [x]\n---\n\nBody.\n",
    );
    let (v, code) = site.check_json(&[]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert!(
        f.contains(&(
            "broken-link".into(),
            "content/guidance/harassment/a.md".into(),
            8,
            5
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "broken-anchor".into(),
            "content/guidance/harassment/b.md".into(),
            8,
            5
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "front-matter".into(),
            "content/guidance/harassment/c.md".into(),
            4,
            1
        )),
        "{f:?}"
    );
    let d = f
        .iter()
        .find(|x| x.1.ends_with("d.md"))
        .expect("d.md diagnostic");
    assert_eq!(d.0, "front-matter");
    assert!(d.2 >= 3, "{d:?}");
    let c = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "content/guidance/harassment/c.md")
        .unwrap();
    assert!(
        c["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `review_due`?")
    );
}

#[test]
fn every_front_matter_error_is_reported_not_just_the_first() {
    let site = TestSite::new();
    site.write("content/_index.md", "---\ntitle: Home\nsummary: s\n---\n");
    site.write(
        "content/guidance/x.md",
        "---\ntitle: X\nsummary: s\nupdated: 2025-13-01\nstatus: pubished\naudience: first-response\nweight: heavy\noffence: {mode_of_trial: summary}\n---\n",
    );
    let (v, _) = site.check_json(&[]);
    let f: Vec<(String, u64, u64)> = findings(&v)
        .into_iter()
        .filter(|x| x.1 == "content/guidance/x.md" && x.0 == "front-matter")
        .map(|x| (x.0, x.2, x.3))
        .collect();

    assert_eq!(
        f,
        vec![
            ("front-matter".into(), 4, 10),
            ("front-matter".into(), 5, 9),
            ("front-matter".into(), 6, 11),
            ("front-matter".into(), 7, 9),
            ("front-matter".into(), 8, 1),
        ]
    );
}

/// Files that are not pages. Hostile files (bad encodings, binaries, symbolic links, huge
/// files, bad names) are covered case by case in `hostile.rs`.
#[test]
fn unreadable_files_get_clear_diagnostics() {
    let site = TestSite::new();
    site.write("content/_index.md", "---\ntitle: Home\nsummary: s\n---\n");
    site.write("content/guidance/empty.md", "");
    site.write("content/guidance/plain.md", "# No front matter\n");
    let (v, code) = site.check_json(&[]);
    assert_eq!(code, 1);
    let msg = |file: &str| -> String {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(msg("content/guidance/empty.md").contains("the file is empty"));
    assert!(msg("content/guidance/plain.md").contains("no front matter"));
}

#[test]
fn structure_checks_find_their_problems() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/dup.md",
        "---\ntitle: Dup\nsummary: s\n---\n",
    );
    site.write(
        "content/guidance/harassment/dup/_index.md",
        "---\ntitle: Dup section\nsummary: s\n---\n",
    );
    site.write(
        "content/loose/orphan.md",
        "---\ntitle: Orphan\nsummary: s\n---\n\nNobody links here.\n",
    );
    site.write("content/guidance/harassment/rel.md", "---\ntitle: Rel\nsummary: s\nrelated: [practice/early-interventions]\n---\n\n#### Too deep\n\n![](x.png)\n");
    site.write(
        "content/practice/thin.md",
        "---\ntitle: Thin\nsummary: s\n---\n\n## Aim\n\nOnly an aim.\n",
    );
    site.write(
        "content/guidance/harassment/nosummary.md",
        "---\ntitle: No summary\n---\n\nText.\n",
    );
    let (v, _) = site.check_json(&[]);
    let f = findings(&v);
    let has = |check: &str, file: &str, line: u64| {
        f.iter().any(|x| x.0 == check && x.1 == file && x.2 == line)
    };
    assert!(
        has(
            "duplicate-id",
            "content/guidance/harassment/dup/_index.md",
            1
        ) || has("duplicate-id", "content/guidance/harassment/dup.md", 1),
        "{f:?}"
    );
    assert!(has("orphan-page", "content/loose/orphan.md", 2), "{f:?}");
    assert!(
        has("unknown-id", "content/guidance/harassment/rel.md", 4),
        "{f:?}"
    );
    assert!(
        has("heading-order", "content/guidance/harassment/rel.md", 7),
        "{f:?}"
    );
    assert!(
        has("missing-alt-text", "content/guidance/harassment/rel.md", 9),
        "{f:?}"
    );
    assert!(
        has("broken-link", "content/guidance/harassment/rel.md", 9),
        "{f:?}"
    );

    assert!(
        has("missing-section", "content/practice/thin.md", 1),
        "{f:?}"
    );
    assert!(
        has(
            "missing-summary",
            "content/guidance/harassment/nosummary.md",
            2
        ),
        "{f:?}"
    );
    let unknown = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "unknown-id")
        .unwrap();
    assert!(
        unknown["help"]
            .as_str()
            .unwrap()
            .contains("practice/early-intervention")
    );
}

#[test]
fn every_output_format_reports_the_same_finding() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/a.md",
        "---\ntitle: A\nsummary: s\n---\n\nSee [x](missing.md).\n",
    );
    let line = stdout(&site.run(&["check", "--format", "line"]));
    assert!(line.contains("content/guidance/harassment/a.md:6:5: error[broken-link]: broken link: no page or file at `guidance/harassment/missing.md`"), "{line}");
    let human = stdout(&site.run(&["check"]));
    assert!(
        human.contains("error[broken-link]")
            && human.contains("content/guidance/harassment/a.md:6:5")
            && human.contains("See [x](missing.md)."),
        "{human}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&site.run(&["check", "--format", "sarif"]).stdout).unwrap();
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "broken-link");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
    assert!(r["partialFingerprints"]["waymark/v1"].is_string());
    let gh = stdout(&site.run(&["check", "--format", "github"]));
    assert!(
        gh.starts_with(
            "::error file=content/guidance/harassment/a.md,line=6,col=5,title=waymark broken-link::"
        ),
        "{gh}"
    );
}

#[test]
fn verify_detects_changed_missing_and_extra_files() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    let ok = site.run(&["verify", site.path("public").to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    site.write("public/index.html", "tampered");
    std::fs::remove_file(site.path("public/sitemap.xml")).unwrap();
    site.write("public/extra.html", "x");
    let bad = site.run(&["verify", site.path("public").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let o = stdout(&bad);
    assert!(
        o.contains("changed: index.html")
            && o.contains("missing: sitemap.xml")
            && o.contains("not in manifest: extra.html"),
        "{o}"
    );
}

#[test]
fn aliases_write_redirects_and_overlays_get_a_banner() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/first-response.md",
        &site
            .read("content/guidance/harassment/first-response.md")
            .replacen(
                "related:",
                "aliases: [guidance/old-first-response]\nrelated:",
                1,
            ),
    );
    site.write(
        "overlay/guidance/harassment/local-first-response.md",
        "---\ntitle: First response in Exampleshire\nsummary: Our local procedure.\nforce: Exampleshire Police\noverlays: guidance/harassment/first-response\n---\n\nCall the local hub.\n",
    );
    let out = site.build(&["--overlay", site.path("overlay").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let redirect = site.read("public/guidance/old-first-response/index.html");
    assert!(
        redirect.contains("url=../../guidance/harassment/first-response/"),
        "{redirect}"
    );
    let local = page(&site, "public", "guidance/harassment/local-first-response");
    assert!(
        text(&select(&local, ".banner-local")[0]).contains("Local procedure — Exampleshire Police")
    );
    let national = page(&site, "public", "guidance/harassment/first-response");
    assert_eq!(
        text(&select(&national, "#wm-local + ul a")[0]),
        "First response in Exampleshire"
    );
}

#[test]
fn an_overlay_cannot_replace_a_national_page() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "overlay/guidance/harassment/first-response.md",
        "---\ntitle: Replaced\nsummary: s\nforce: X\n---\n\nOther text.\n",
    );
    let (v, code) = site.check_json(&["--overlay", site.path("overlay").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        findings(&v).iter().any(|f| f.0 == "duplicate-id"
            && f.1
                .ends_with("overlay/guidance/harassment/first-response.md")),
        "{v}"
    );
}

#[test]
fn init_and_new_make_pages_that_pass_the_checks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init", root.to_str().unwrap()]).status.success());
    let out = run(&[
        "--root",
        root.to_str().unwrap(),
        "new",
        "practice",
        "practice/new-scheme",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(root.join("content/practice/new-scheme.md"))
            .unwrap()
            .contains("## Learning")
    );
    // A new page is a draft until its editor publishes it, so the site still builds.
    let out = run(&[
        "--root",
        root.to_str().unwrap(),
        "build",
        "--no-static-search",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("public/guidance/first-steps/index.html").exists());
    // `new` never overwrites.
    assert_eq!(
        run(&[
            "--root",
            root.to_str().unwrap(),
            "new",
            "practice",
            "practice/new-scheme"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn the_bundled_site_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "--root",
            repo().to_str().unwrap(),
            "build",
            "--no-static-search",
            "--out",
            dir.path().join("public").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for f in [
        "index.html",
        "manifest.json",
        "sitemap.xml",
        "feed.xml",
        "404.html",
    ] {
        assert!(dir.path().join("public").join(f).exists(), "{f}");
    }
}
