//! The default theme's contract with a site: brand colours checked for contrast and written to
//! brand.css, the brand's name and logo in the masthead, single partials overridden from the
//! site's templates/, offline copies on by default and off on request, a 404 page that works at
//! any depth, task lists as printable tick boxes, `short_title` in menus, and no page asking
//! for anything outside the site. The real browser checks live in tests/browser/.

use crate::support::*;

fn doc(site: &TestSite, rel: &str) -> scraper::Html {
    scraper::Html::parse_document(&site.read(rel))
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

fn with_yaml(extra: &str) -> TestSite {
    let site = TestSite::fixture("core/clean");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}{extra}"));
    site
}

#[test]
fn brand_name_logo_and_colours_reach_the_pages() {
    let site = with_yaml(
        "brand:\n  name: Exampleshire Police\n  logo: static/crest.svg\n  colours:\n    brand: \"#4b1f6f\"\n    link: \"#5a2a85\"\n    dark-link: \"#d7b8ff\"\n",
    );
    site.write(
        "static/crest.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let g = doc(
        &site,
        "public/guidance/harassment/first-response/index.html",
    );
    let name = select(&g, ".site-name")[0];
    assert_eq!(text(&name), "Exampleshire Police Fixture guidance");
    assert_eq!(
        select(&g, ".site-name img")[0].value().attr("src"),
        Some("../../../static/crest.svg")
    );
    assert_eq!(
        select(&g, "link[href$='brand.css']")[0]
            .value()
            .attr("href"),
        Some("../../../static/brand.css")
    );
    let css = site.read("public/static/brand.css");
    assert!(css.contains(":root {\n  --brand: #4b1f6f;\n}"), "{css}");
    assert!(
        css.contains("(prefers-color-scheme: light) {\n  :root {\n    --link: #5a2a85;"),
        "{css}"
    );
    assert!(
        css.contains("(prefers-color-scheme: dark) {\n  :root {\n    --link: #d7b8ff;"),
        "{css}"
    );
    assert!(site.path("public/static/crest.svg").exists());
}

#[test]
fn unreadable_or_unknown_brand_colours_are_errors_at_their_line() {
    let site = with_yaml(
        "brand:\n  colours:\n    brand: \"#f4c2c2\"\n    lnk: \"#000000\"\n    link: purple\n",
    );
    let (v, code) = site.check_json(&[]);
    assert_eq!(code, 1, "{v}");
    let diags = v["diagnostics"].as_array().unwrap();
    let find = |needle: &str| {
        diags
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no diagnostic with {needle:?}: {v}"))
    };
    let contrast = find("contrast of");
    assert!(
        contrast["message"]
            .as_str()
            .unwrap()
            .contains("`brand-text`"),
        "{contrast}"
    );
    assert_eq!(contrast["file"], "site.yaml");
    let unknown = find("unknown brand colour `lnk`");
    assert_eq!(
        (unknown["line"].as_u64(), unknown["column"].as_u64()),
        (Some(7), Some(5)),
        "{unknown}"
    );
    assert!(
        unknown["help"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `link`"),
        "{unknown}"
    );
    let hex = find("should be a hex colour");
    assert_eq!(hex["line"].as_u64(), Some(8), "{hex}");
}

#[test]
fn a_missing_brand_logo_fails_the_build() {
    let site = with_yaml("brand:\n  logo: static/nowhere.svg\n");
    let out = site.build(&[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("brand logo `static/nowhere.svg` is not a file of the site"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_site_overrides_one_partial_without_copying_the_theme() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "templates/partials/footer_extra.html",
        "<p class=\"force-note\">Exampleshire internal mirror</p>\n",
    );
    site.write(
        "templates/partials/brand.html",
        "<a class=\"site-name\" href=\"{{ site.home_url }}\">Exampleshire guidance</a>\n",
    );
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = doc(&site, "public/index.html");
    assert_eq!(
        text(&select(&home, ".force-note")[0]),
        "Exampleshire internal mirror"
    );
    assert_eq!(
        text(&select(&home, ".site-name")[0]),
        "Exampleshire guidance"
    );
    // The rest of the page is still the default theme's.
    assert_eq!(select(&home, "nav[aria-label=Main]").len(), 1);
}

#[test]
fn offline_copies_are_on_by_default_and_versioned_by_content() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    let sw = site.read("public/sw.js");
    assert!(sw.contains("importScripts(\"static/offline.js\")"), "{sw}");
    let version = sw.split('"').nth(1).unwrap().to_string();
    assert_eq!(version.len(), 16, "{sw}");
    assert!(site.path("public/static/offline.js").exists());
    let saved = doc(&site, "public/offline/index.html");
    assert_eq!(select(&saved, "[data-saved-pages]").len(), 1);
    let home = doc(&site, "public/index.html");
    assert_eq!(
        select(&home, "body")[0].value().attr("data-offline"),
        Some("true")
    );
    assert_eq!(select(&home, "[data-offline-notice][hidden]").len(), 1);
    assert_eq!(select(&home, "footer a[href='offline/']").len(), 1);

    // The same input gives the same worker; a content change gives a new version.
    assert!(site.build(&[]).status.success());
    assert_eq!(site.read("public/sw.js"), sw);
    let p = "content/guidance/harassment/first-response.md";
    site.write(p, &format!("{}\nOne more sentence.\n", site.read(p)));
    assert!(site.build(&[]).status.success());
    assert_ne!(site.read("public/sw.js"), sw);
}

#[test]
fn offline_false_in_site_yaml_turns_offline_copies_off() {
    let site = with_yaml("offline: false\n");
    assert!(site.build(&[]).status.success());
    assert!(!site.path("public/sw.js").exists());
    assert!(!site.path("public/offline").exists());
    let home = doc(&site, "public/index.html");
    assert_eq!(
        select(&home, "body")[0].value().attr("data-offline"),
        Some("false")
    );
    assert!(
        select(&home, "footer a")
            .iter()
            .all(|a| !text(a).contains("saved on this device"))
    );
    // A portable copy opened from disk cannot run a worker either.
    let portable = TestSite::fixture("core/clean");
    assert!(portable.build(&["--portable"]).status.success());
    assert!(!portable.path("public/sw.js").exists());
}

#[test]
fn the_404_page_links_from_the_root_of_base_url() {
    // The fixture's base_url is https://guidance.example.org/ : the root is "/".
    let site = TestSite::fixture("core/clean");
    std::fs::remove_file(site.path("templates/404.html")).unwrap();
    assert!(site.build(&[]).status.success());
    let nf = doc(&site, "public/404.html");
    assert_eq!(
        select(&nf, "link[rel=stylesheet]")[0].value().attr("href"),
        Some("/static/style.css")
    );
    assert_eq!(text(&select(&nf, "h1")[0]), "Page not found");
    let home = select(&nf, "main a")
        .into_iter()
        .find(|a| text(a) == "home page")
        .unwrap();
    assert_eq!(home.value().attr("href"), Some("/"));

    let sub = with_yaml("");
    sub.write(
        "site.yaml",
        &sub.read("site.yaml").replace(
            "https://guidance.example.org/",
            "https://intranet.example.org/guidance",
        ),
    );
    std::fs::remove_file(sub.path("templates/404.html")).unwrap();
    assert!(sub.build(&[]).status.success());
    let nf = doc(&sub, "public/404.html");
    assert_eq!(
        select(&nf, "link[rel=stylesheet]")[0].value().attr("href"),
        Some("/guidance/static/style.css")
    );
    assert_eq!(
        select(&nf, "form[role=search]")[0].value().attr("action"),
        Some("/guidance/search/")
    );
}

#[test]
fn task_lists_render_as_tick_boxes_and_short_titles_name_the_menu() {
    let site = TestSite::fixture("core/clean");
    site.write(
        "content/guidance/harassment/checklist.md",
        "---\ntitle: Checklist for harassment reports\nsummary: Tick as you go.\ntemplate: checklist.html\n---\n\n## On arrival\n\n- [ ] Check the victim is safe.\n- [x] Switch on body-worn video.\n",
    );
    let idx = "content/guidance/_index.md";
    site.write(
        idx,
        &site
            .read(idx)
            .replacen("title:", "short_title: Guide\ntitle:", 1),
    );
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c = doc(&site, "public/guidance/harassment/checklist/index.html");
    let items = select(&c, ".checklist li");
    assert_eq!(items.len(), 2);
    assert_eq!(
        select(&c, ".checklist li > .tick[aria-hidden=true]").len(),
        2
    );
    assert_eq!(select(&c, ".checklist li > .tick-done").len(), 1);
    assert_eq!(text(&items[0]), "Check the victim is safe.");
    assert_eq!(select(&c, "[data-page-kind=checklist]").len(), 1);
    let print = text(&select(&c, ".print-source")[0]);
    assert!(print.starts_with("Printed from Fixture guidance: https://guidance.example.org/guidance/harassment/checklist/."), "{print}");
    let menu: Vec<String> = select(&c, "nav[aria-label=Main] a")
        .iter()
        .map(text)
        .collect();
    assert!(menu.contains(&"Guide".to_string()), "{menu:?}");
    let current: Vec<String> = select(&c, "nav[aria-label=Main] a[aria-current]")
        .iter()
        .map(text)
        .collect();
    assert_eq!(current, ["Guide"]);
    let crumbs: Vec<String> = select(&c, ".breadcrumbs a").iter().map(text).collect();
    assert!(crumbs.contains(&"Guide".to_string()), "{crumbs:?}");
}

#[test]
fn pages_request_nothing_from_outside_the_site() {
    let site = TestSite::fixture("core/clean");
    assert!(site.build(&[]).status.success());
    let mut checked = 0;
    for (path, bytes) in snapshot_dir(&site.path("public")) {
        let body = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") {
            let d = scraper::Html::parse_document(&body);
            // Everything a browser fetches by itself: stylesheets, icons, scripts, images, frames.
            for sel in [
                "link[href]:not([rel=alternate]):not([rel=canonical])",
                "script[src]",
                "img[src]",
                "iframe",
                "source[src]",
                "video",
                "audio",
                "object",
                "embed",
            ] {
                for e in select(&d, sel) {
                    let url = e
                        .value()
                        .attr("href")
                        .or(e.value().attr("src"))
                        .unwrap_or("");
                    assert!(!url.contains("//"), "{path}: {sel} fetches {url}");
                }
            }
            assert!(
                select(&d, "[style]").is_empty()
                    && select(&d, "style").is_empty()
                    && select(&d, "script:not([src])").is_empty(),
                "{path}: inline styles or scripts would break a `default-src 'self'` policy"
            );
            checked += 1;
        } else if path.ends_with(".css") || path.ends_with(".js") {
            for bad in ["http://", "https://", "@import"] {
                assert!(!body.contains(bad), "{path} mentions {bad}");
            }
        }
    }
    assert!(checked > 10);
}
