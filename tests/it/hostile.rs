//! Hostile input: guidance comes from many editors and forces' overlays, and mirrors run
//! inside police networks. Each case of the corpus in `tests/fixtures/hostile/` (laid over
//! the small site in `hostile/base`) gets the exact diagnostic an editor sees: check, file,
//! line, column, message and what to do. No case may panic. Cases that cannot live in git
//! (a 50 MB file, symbolic links, names no file system can share) are made by the tests.

use crate::support::*;
use std::path::Path;

/// One diagnostic as `waymark check --format json` reports it.
#[derive(Debug, PartialEq, Eq)]
struct D {
    severity: String,
    check: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
    help: String,
}

fn d(
    severity: &str,
    check: &str,
    file: &str,
    (line, column): (u64, u64),
    message: &str,
    help: &str,
) -> D {
    D {
        severity: severity.into(),
        check: check.into(),
        file: file.into(),
        line,
        column,
        message: message.into(),
        help: help.into(),
    }
}

fn error(check: &str, file: &str, at: (u64, u64), message: &str, help: &str) -> D {
    d("error", check, file, at, message, help)
}

/// The base site with a corpus case laid over it.
fn case(name: &str) -> TestSite {
    let site = TestSite::fixture("hostile/base");
    copy_dir(&fixtures().join("hostile").join(name), site.root());
    site
}

/// Runs `waymark check` and returns every diagnostic, after making sure nothing panicked.
fn diagnostics(site: &TestSite) -> Vec<D> {
    let out = site.run(&["check", "--format", "json", "--today", "2026-11-28"]);
    assert_no_panic(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}", stderr(&out)));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| D {
            severity: x["severity"].as_str().unwrap().into(),
            check: x["check"].as_str().unwrap().into(),
            file: x["file"].as_str().unwrap_or("").into(),
            line: x["line"].as_u64().unwrap_or(0),
            column: x["column"].as_u64().unwrap_or(0),
            message: x["message"].as_str().unwrap().into(),
            help: x["help"].as_str().unwrap_or("").into(),
        })
        .collect()
}

fn assert_no_panic(out: &std::process::Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && matches!(out.status.code(), Some(0..=2)),
        "waymark crashed ({:?}):\n{err}",
        out.status
    );
}

/// Builds and returns whether it published; never a panic.
fn build(site: &TestSite) -> bool {
    let out = site.build(&[]);
    assert_no_panic(&out);
    out.status.success()
}

const UTF8_HELP: &str = "save the file as UTF-8 in your editor";

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let site = case("invalid-utf8");
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "source",
                "content/guidance/latin1.md",
                (2, 11),
                "the file is not valid UTF-8 text; it is not read",
                UTF8_HELP
            ),
            error(
                "source",
                "content/guidance/stray-byte.md",
                (6, 21),
                "the file is not valid UTF-8 text; it is not read",
                UTF8_HELP
            ),
        ]
    );
    assert!(!build(&site));
}

#[test]
fn a_50_mb_file_is_not_read() {
    let site = case("base");
    // Sparse: the size check comes before any byte is read.
    let f = std::fs::File::create(site.path("content/guidance/huge.md")).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "source",
            "content/guidance/huge.md",
            (1, 1),
            "file is 52428800 bytes, over the limit of 5242880 bytes; it is not read",
            "split the page, or raise `limits.max_file_size` in site.yaml"
        )]
    );
    assert!(!build(&site));
}

#[test]
fn the_file_size_limit_is_configurable() {
    let site = case("base");
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_file_size: 80\n",
    );
    let f = diagnostics(&site);
    assert_eq!(
        f,
        vec![
            error(
                "source",
                "content/_index.md",
                (1, 1),
                "file is 81 bytes, over the limit of 80 bytes; it is not read",
                "split the page, or raise `limits.max_file_size` in site.yaml"
            ),
            error(
                "source",
                "content/guidance/target.md",
                (1, 1),
                "file is 91 bytes, over the limit of 80 bytes; it is not read",
                "split the page, or raise `limits.max_file_size` in site.yaml"
            )
        ]
    );
}

#[test]
fn a_binary_file_with_a_md_name_is_not_read() {
    let site = case("binary");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "source",
            "content/guidance/photo.md",
            (1, 1),
            "binary file with a .md name; it is not read",
            "rename it, or move it out of the content folder"
        )]
    );
}

const NESTING_HELP: &str =
    "flatten the structure, or raise `limits.max_nesting_depth` in site.yaml";

#[test]
fn deeply_nested_lists_are_refused_at_the_level_over_the_limit() {
    let site = case("deep-lists");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "limits",
            "content/guidance/deep-list.md",
            // Level 33 of the list: line 5 + 33, indented 2 × 32.
            (38, 65),
            "lists and blockquotes are nested 100 deep, over the limit of 32; level 33 starts here",
            NESTING_HELP
        )]
    );
    assert!(!build(&site));
}

#[test]
fn deeply_nested_blockquotes_are_refused_and_the_limit_is_configurable() {
    let site = case("deep-quotes");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "limits",
            "content/guidance/deep-quote.md",
            (6, 33),
            "lists and blockquotes are nested 100 deep, over the limit of 32; level 33 starts here",
            NESTING_HELP
        )]
    );
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_nesting_depth: 100\n",
    );
    assert_eq!(diagnostics(&site), vec![]);
    assert!(build(&site));
    let html = site.read("public/guidance/deep-quote/index.html");
    assert_eq!(html.matches("<blockquote>").count(), 100);
}

#[test]
fn deeply_nested_raw_html_is_refused() {
    let site = case("deep-html");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "limits",
            "content/guidance/deep-html.md",
            // The 33rd `<div>`.
            (6, 161),
            "raw HTML elements are nested more than 32 deep; level 33 starts here",
            "close the elements you open, or raise `limits.max_nesting_depth` in site.yaml"
        )]
    );
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let site = case("yaml-bomb");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "front-matter",
            "content/guidance/laughs.md",
            (4, 10),
            "front matter refused: YAML anchors and aliases (&name, *name) are not allowed",
            "write the value out in full wherever it is needed"
        )]
    );
}

#[test]
fn deeply_nested_yaml_is_refused() {
    let site = case("yaml-deep");
    let help = "front matter needs only a few levels of nesting: flatten it";
    let msg = "front matter refused: it is nested more than 32 levels deep";
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "front-matter",
                "content/guidance/block.md",
                (36, 65),
                msg,
                help
            ),
            error(
                "front-matter",
                "content/guidance/flow.md",
                (4, 263),
                msg,
                help
            ),
        ]
    );
}

#[test]
fn a_front_matter_of_10000_keys_is_refused_by_size_then_by_count() {
    let site = case("base");
    let keys: String = (0..10_000).map(|i| format!("key{i}: value\n")).collect();
    site.write(
        "content/guidance/keys.md",
        &format!("---\ntitle: Keys\nsummary: s\n{keys}---\n\nBody.\n"),
    );
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "front-matter",
            "content/guidance/keys.md",
            (2, 1),
            "front matter refused: it is 148913 bytes, over the limit of 65536 bytes",
            "move long text into the page body, or raise `limits.max_front_matter_size` in site.yaml"
        )]
    );
    // Raising the size limit meets the limit on the number of values.
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_front_matter_size: 1000000\n",
    );
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "front-matter",
            "content/guidance/keys.md",
            // The value of `key9997`, node 20,001: the root, then a key and a value a line.
            (10001, 10),
            "front matter refused: it has more than 20000 values",
            "front matter holds a page's metadata only: move the data elsewhere"
        )]
    );
}

#[test]
fn a_hostile_site_yaml_is_refused_too() {
    let site = case("base");
    site.write("site.yaml", "title: &t Hostile\ndescription: *t\n");
    let out = site.run(&["check", "--format", "json"]);
    assert_no_panic(&out);
    let f = diagnostics(&site);
    assert_eq!(
        f,
        vec![error(
            "config",
            "site.yaml",
            (1, 11),
            "site.yaml refused: YAML anchors and aliases (&name, *name) are not allowed",
            "write the value out in full wherever it is needed"
        )]
    );
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_links_outside_the_site_are_not_followed() {
    use std::os::unix::fs::symlink;
    let site = case("base");
    site.write("secret.md", "---\ntitle: Outside\n---\n\nNot content.\n");
    let g = site.path("content/guidance");
    symlink("loop-b.md", g.join("loop-a.md")).unwrap();
    symlink("loop-a.md", g.join("loop-b.md")).unwrap();
    symlink("..", g.join("again")).unwrap();
    symlink("../../secret.md", g.join("secret.md")).unwrap();
    symlink("/etc/passwd", g.join("passwd.md")).unwrap();
    let link_help = "remove the link or point it at a file inside the content folder";
    let outside = "symbolic link points outside the content folder; it is not read";
    let copy_help = "copy the file into the content folder instead of linking to it";
    assert_eq!(
        diagnostics(&site),
        vec![
            d(
                "warning",
                "source",
                "content/guidance/again",
                (1, 1),
                "symbolic links to folders are not followed",
                "move the folder into the content tree"
            ),
            error(
                "source",
                "content/guidance/loop-a.md",
                (1, 1),
                "symbolic link loop",
                link_help
            ),
            error(
                "source",
                "content/guidance/loop-b.md",
                (1, 1),
                "symbolic link loop",
                link_help
            ),
            error(
                "source",
                "content/guidance/passwd.md",
                (1, 1),
                outside,
                copy_help
            ),
            error(
                "source",
                "content/guidance/secret.md",
                (1, 1),
                outside,
                copy_help
            ),
        ]
    );
}

#[cfg(unix)]
#[test]
fn named_pipes_and_links_to_them_are_not_read() {
    // Reading a named pipe blocks until someone writes to it: the build would hang.
    use std::os::unix::fs::symlink;
    let site = case("base");
    let g = site.path("content/guidance");
    for fifo in ["pipe.md", "pipe.pdf"] {
        let made = std::process::Command::new("mkfifo")
            .arg(g.join(fifo))
            .status()
            .unwrap();
        assert!(made.success());
    }
    symlink("pipe.md", g.join("to-pipe.md")).unwrap();
    symlink("pipe.pdf", g.join("to-pipe.pdf")).unwrap();
    let special = |file: &str| {
        error(
            "source",
            file,
            (1, 1),
            "not a regular file (a named pipe, socket or device); it is not read",
            "replace it with an ordinary file",
        )
    };
    assert_eq!(
        diagnostics(&site),
        vec![
            special("content/guidance/pipe.md"),
            special("content/guidance/pipe.pdf"),
            special("content/guidance/to-pipe.md"),
            special("content/guidance/to-pipe.pdf"),
        ]
    );
    assert!(!build(&site));
}

const LINK_HELP: &str = "link to pages inside the content folder";
const INCLUDE_HELP: &str = "write the path from the content root, e.g. `_snippets/helpline.md`";

#[test]
fn links_and_includes_that_climb_out_of_the_content_root_are_refused() {
    let site = case("climbing");
    let climbs =
        |what: &str, p: &str| format!("{what} `{p}`: the path climbs out of the content root");
    let links = "content/guidance/links.md";
    let includes = "content/guidance/includes.md";
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "unknown-id",
                includes,
                (6, 1),
                &climbs("cannot include", "../../../../etc/passwd"),
                INCLUDE_HELP
            ),
            error(
                "unknown-id",
                includes,
                (8, 1),
                &climbs("cannot include", "@/../../x.md"),
                INCLUDE_HELP
            ),
            error(
                "unknown-id",
                includes,
                (10, 1),
                "cannot include `/etc/passwd`: absolute paths are not allowed; give the path from the content root",
                INCLUDE_HELP
            ),
            error(
                "unknown-id",
                includes,
                (12, 1),
                "included file `_snippets/none.md` does not exist",
                "check the path: it starts at the content root and ends with .md"
            ),
            error(
                "broken-link",
                links,
                (6, 5),
                "link `../../../../etc/passwd` is not allowed: the path climbs out of the content root",
                LINK_HELP
            ),
            error(
                "broken-link",
                links,
                (6, 39),
                "link `@/../../x.md` is not allowed: the path climbs out of the content root",
                LINK_HELP
            ),
            error(
                "broken-link",
                links,
                (6, 63),
                "link `/etc/passwd` is not allowed: root-absolute links break under a sub-path; write `@/path/page.md` or a relative link",
                LINK_HELP
            ),
            error(
                "broken-link",
                links,
                (7, 1),
                "`file:` links are not allowed",
                "use an http(s), mailto or tel link, or a link to a page"
            ),
            error(
                "broken-link",
                links,
                (7, 32),
                "link `../../secret` is not allowed: the path climbs out of the content root",
                LINK_HELP
            ),
            error(
                "broken-link",
                links,
                (9, 1),
                "link `../../../etc/shadow` is not allowed: the path climbs out of the content root",
                LINK_HELP
            ),
        ]
    );
    assert!(!build(&site));
}

const CYCLE_HELP: &str = "a page or snippet cannot include itself, directly or through others";

#[test]
fn include_cycles_and_a_page_including_itself_are_reported_where_they_close() {
    let site = case("include-cycle");
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "unknown-id",
                "content/_snippets/b.md",
                (3, 1),
                "include cycle: guidance/cycle.md → _snippets/a.md → _snippets/b.md → _snippets/a.md",
                CYCLE_HELP
            ),
            error(
                "unknown-id",
                "content/guidance/myself.md",
                (8, 1),
                "include cycle: guidance/myself.md → guidance/myself.md",
                CYCLE_HELP
            ),
        ]
    );
}

#[test]
fn include_depth_is_limited_and_configurable() {
    let site = case("include-depth");
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "unknown-id",
            "content/_snippets/d2.md",
            (3, 1),
            "includes are nested more than 2 deep",
            "flatten the snippets, or raise `limits.max_include_depth` in site.yaml"
        )]
    );
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_include_depth: 4\n",
    );
    assert_eq!(diagnostics(&site), vec![]);
    assert!(build(&site));
    assert!(
        site.read("public/guidance/chain/index.html")
            .contains("Level 4.")
    );
}

const ALIAS_HELP: &str =
    "an alias is the page's old id, from the content root: `guidance/old-name`";

#[test]
fn duplicate_ids_through_aliases_and_aliases_outside_the_site_are_refused() {
    let site = case("aliases");
    let third = "content/guidance/third.md";
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "duplicate-id",
                "content/guidance/second.md",
                (4, 11),
                "alias `guidance/old-name` is claimed by two pages",
                "an old id can redirect to one page only"
            ),
            error(
                "duplicate-id",
                "content/guidance/second.md",
                (4, 30),
                "alias `guidance/target` is the id of an existing page",
                "remove the alias, or move the other page"
            ),
            error(
                "front-matter",
                third,
                (4, 11),
                "alias `../../../../tmp/waymark-escape` is not allowed: the path climbs out of the content root",
                ALIAS_HELP
            ),
            error(
                "front-matter",
                third,
                (4, 45),
                "alias `guidance/a|b` is not allowed: it holds `|`, which Windows file shares and many web servers cannot hold",
                ALIAS_HELP
            ),
            error(
                "front-matter",
                third,
                (4, 61),
                "alias `/` is not allowed: it names the home page",
                ALIAS_HELP
            ),
            error(
                "duplicate-id",
                "content/guidance/twin/_index.md",
                (1, 1),
                "duplicate id `guidance/twin`: another file has the same id",
                "give the file another name; a local procedure sits beside national guidance with `overlays:`"
            ),
        ]
    );
    assert!(!build(&site));
    assert!(!site.path("public").exists());
    assert!(!Path::new("/tmp/waymark-escape").exists());
}

#[test]
fn template_syntax_in_content_is_never_evaluated() {
    let site = case("templates");
    assert_eq!(diagnostics(&site), vec![]);
    assert!(build(&site));
    let html = site.read("public/guidance/braces/index.html");
    for literal in [
        "Hello {{ config.title }} and {% for x in range(end=3) %}loop{% endfor %} {# note #}.",
        "<p>{{ 7*7 }}</p>",
        "<p>{% include \"base.html\" %}</p>",
        "Inline {{ include(path=\"_snippets/none.md\") }} is text.",
        "<code>{{ include(path=\"_snippets/none.md\") }}",
        "<title>{{ config.title }} and {% raw %} | Hostile input</title>",
        "<h1>{{ config.title }} and {% raw %}</h1>",
        "<p class=\"summary\">{{ 7*7 }}</p>",
    ] {
        assert!(html.contains(literal), "missing {literal:?}");
    }
    assert!(
        !html.contains("Hostile input and"),
        "config.title was evaluated"
    );
    assert!(!html.contains("loooploop"));
}

/// Everything in published HTML that could run code.
fn scripts_in(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for e in doc.select(&scraper::Selector::parse("*").unwrap()) {
        let name = e.value().name();
        // The theme's own script files are allowed; no inline script and nothing else.
        if name == "script"
            && (e.value().attr("src").is_none() || !e.inner_html().trim().is_empty())
        {
            found.push(format!("inline <script>: {}", e.html()));
        }
        if matches!(
            name,
            "svg" | "math" | "iframe" | "object" | "embed" | "base"
        ) {
            found.push(format!("<{name}>"));
        }
        for (a, v) in e.value().attrs() {
            let lv = v.trim().to_ascii_lowercase();
            if a.starts_with("on") || lv.starts_with("javascript:") || lv.starts_with("data:") {
                found.push(format!("<{name} {a}=\"{v}\">"));
            }
        }
    }
    found
}

const REMOVED_HELP: &str =
    "write the content in Markdown, or use only the HTML listed in docs/WRITING.md";

#[test]
fn unsafe_raw_html_is_removed_with_a_warning() {
    let site = case("raw-html");
    let w = |at, what: &str| {
        d(
            "warning",
            "unsafe-html",
            "content/guidance/xss.md",
            at,
            &format!("unsafe raw HTML: {what} is removed from the published page"),
            REMOVED_HELP,
        )
    };
    assert_eq!(
        diagnostics(&site),
        vec![
            w((6, 1), "`<script>` element"),
            w((8, 4), "`onclick` attribute on `<p>`"),
            w((10, 43), "`javascript:` URL in `href`"),
            w((12, 18), "`onerror` attribute on `<img>`"),
            w((14, 1), "`<svg>` element"),
            w((14, 24), "`<circle>` element"),
            w((16, 1), "`<math>` element"),
            w((16, 7), "`<mi>` element"),
            w((18, 4), "`javascript:` URL in `href`"),
            w((18, 48), "`<iframe>` element"),
        ]
    );
    assert!(build(&site));
    let html = site.read("public/guidance/xss/index.html");
    assert_eq!(scripts_in(&html), Vec::<String>::new());
    assert!(!html.contains("alert"), "{html}");
    for kept in [
        "<p>Click me</p>",
        "<a href=\"https://www.example.org/\">link</a>",
        "<details><summary>Safe</summary>Safe markup stays.</details>",
    ] {
        assert!(html.contains(kept), "missing {kept:?}");
    }
}

#[test]
fn with_html_refuse_unsafe_raw_html_is_an_error_at_its_place() {
    let site = case("raw-html");
    site.write("site.yaml", "title: Hostile input\nhtml: refuse\n");
    let help = "remove it: this site refuses unsafe HTML (`html: refuse` in site.yaml); write the content in Markdown";
    let e = |at, what: &str| {
        error(
            "unsafe-html",
            "content/guidance/xss.md",
            at,
            &format!("unsafe raw HTML: {what} is not allowed"),
            help,
        )
    };
    assert_eq!(
        diagnostics(&site),
        vec![
            e((6, 1), "`<script>` element"),
            e((8, 4), "`onclick` attribute on `<p>`"),
            e((10, 43), "`javascript:` URL in `href`"),
            e((12, 18), "`onerror` attribute on `<img>`"),
            e((14, 1), "`<svg>` element"),
            e((14, 24), "`<circle>` element"),
            e((16, 1), "`<math>` element"),
            e((16, 7), "`<mi>` element"),
            e((18, 4), "`javascript:` URL in `href`"),
            e((18, 48), "`<iframe>` element"),
        ]
    );
    let out = site.build(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!site.path("public").exists());
}

#[test]
fn markdown_never_publishes_event_handlers_or_script_urls() {
    let site = case("markdown-xss");
    let js = "`javascript:` links are not allowed";
    let help = "use an http(s), mailto or tel link, or a link to a page";
    let file = "content/guidance/md.md";
    assert_eq!(
        diagnostics(&site),
        vec![
            error("broken-link", file, (8, 1), js, help),
            error("broken-link", file, (10, 1), js, help),
            error("broken-link", file, (12, 1), js, help),
        ]
    );
    // Even with the link check turned off, nothing that runs is published.
    site.write(
        "site.yaml",
        "title: Hostile input\nchecks:\n  broken-link: off\n",
    );
    assert!(build(&site));
    let html = site.read("public/guidance/md/index.html");
    assert_eq!(scripts_in(&html), Vec::<String>::new());
    assert!(
        html.contains("<h2 id=\"heading\" class=\"note\">Heading</h2>"),
        "{html}"
    );
    assert!(html.contains("<p>picture</p>"), "{html}");
}

#[test]
fn file_names_with_spaces_unicode_and_shell_metacharacters_build_safely() {
    let site = case("file-names");
    assert_eq!(diagnostics(&site), vec![]);
    assert!(build(&site));
    for page in [
        "file with spaces",
        "ünïcödé-Straße",
        "$(touch pwned); echo 'x' & `id`",
    ] {
        assert!(
            site.path(&format!("public/guidance/{page}/index.html"))
                .is_file(),
            "{page}"
        );
    }
    // Nothing was run by a shell.
    assert!(!site.path("pwned").exists() && !Path::new("pwned").exists());
    let doc = scraper::Html::parse_document(&site.read("public/guidance/links/index.html"));
    let hrefs: Vec<String> = doc
        .select(&scraper::Selector::parse(".content a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "../../guidance/file%20with%20spaces/",
            "../../guidance/file%20with%20spaces/",
            "../../guidance/%C3%BCn%C3%AFc%C3%B6d%C3%A9-Stra%C3%9Fe/",
            "../../guidance/%24(touch%20pwned)%3B%20echo%20%27x%27%20%26%20%60id%60/",
        ]
    );
}

#[cfg(unix)]
#[test]
fn file_names_that_cannot_be_shared_or_that_forge_lines_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let site = case("base");
    let g = site.path("content/guidance");
    let page = "---\ntitle: Bad name\nsummary: s\n---\n\nBody.\n";
    std::fs::write(g.join("a|b.md"), page).unwrap();
    std::fs::write(g.join("why?.md"), page).unwrap();
    std::fs::write(g.join("line\nbreak.md"), page).unwrap();
    std::fs::write(g.join(std::ffi::OsStr::from_bytes(b"latin\xe9.md")), page).unwrap();
    std::fs::create_dir(g.join("c:d")).unwrap();
    std::fs::write(g.join("c:d/inside.md"), page).unwrap();
    let help = "rename it using letters, digits, spaces, hyphens and underscores";
    let cannot = |c: &str| {
        format!(
            "the file name holds `{c}`, which Windows file shares and many web servers cannot hold; it is not read"
        )
    };
    assert_eq!(
        diagnostics(&site),
        vec![
            error(
                "source",
                "content/guidance/a|b.md",
                (1, 1),
                &cannot("|"),
                help
            ),
            error(
                "source",
                "content/guidance/c:d",
                (1, 1),
                "the folder name holds `:`, which Windows file shares and many web servers cannot hold; it is not read",
                help
            ),
            error(
                "source",
                "content/guidance/latin\u{fffd}.md",
                (1, 1),
                "the file name is not valid UTF-8; it is not read",
                help
            ),
            error(
                "source",
                "content/guidance/line\\nbreak.md",
                (1, 1),
                "the file name holds a control character (U+000A), such as a line break or tab; it is not read",
                help
            ),
            error(
                "source",
                "content/guidance/why?.md",
                (1, 1),
                &cannot("?"),
                help
            ),
        ]
    );
    // The line format cannot be forged by a name: one finding, one line.
    let out = site.run(&["check", "--format", "line"]);
    assert_eq!(stdout(&out).lines().count(), 5, "{}", stdout(&out));
}

#[test]
fn a_search_query_over_the_length_limit_is_refused_with_the_limit() {
    let site = case("base");
    assert!(build(&site));
    let refused = |query: &str, limit: usize| {
        let out = site.run(&["search", query]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "error: the query is {} bytes long; the limit is {limit}\nhelp: shorten the query, or raise `limits.max_query_length` in site.yaml (at most 512)\n",
                query.len()
            )
        );
    };
    refused("stalking ".repeat(60).trim_end(), 512);
    // Within the limit, a search runs.
    let out = site.run(&["search", "target"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_query_length: 20\n",
    );
    refused("stalking protection order", 20);
    // Search reads no more than 512 bytes of a query: a higher limit would do nothing.
    site.write(
        "site.yaml",
        "title: Hostile input\nlimits:\n  max_query_length: 4096\n",
    );
    assert_eq!(
        diagnostics(&site),
        vec![error(
            "config",
            "site.yaml",
            (3, 21),
            "`limits.max_query_length` can be at most 512: search reads no more of a query",
            "lower it, or remove it to keep the default of 512"
        )]
    );
}
