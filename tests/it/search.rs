//! Search (SPEC §7): relevance of officer-style queries over the bundled content, the command
//! line, the results page servers render, the static (Pagefind) index, and the errors.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use waymark::index::query::{SearchError, SearchIndex, SearchRequest};

/// The bundled site, built once (with the static index) for every test here.
fn bundled() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("--root")
            .arg(repo())
            .args(["build", "--quiet", "--today", "2026-11-28", "--out"])
            .arg(&out)
            .output()
            .expect("run waymark");
        assert!(o.status.success(), "build failed: {}", stderr(&o));
        (tmp, out)
    })
    .1
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::open(bundled()).expect("open index"))
}

fn top_ids(query: &str, n: usize) -> Vec<String> {
    let res = index()
        .search(&SearchRequest {
            query: query.into(),
            kind: None,
            limit: n,
        })
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    res.hits.into_iter().map(|h| h.id).collect()
}

/// Officer-style queries over the bundled content and the page that must be among the first
/// three results (`a|b`: either page). Shorthand, abbreviations, misspellings and questions
/// in plain words.
const RELEVANCE: &[(&str, &str)] = &[
    // Section shorthand and citations.
    ("s4a max sentence", "legislation/pha-1997/s4a"),
    ("s2a", "legislation/pha-1997/s2a"),
    ("section 4A PHA", "legislation/pha-1997/s4a"),
    ("PHA s 2", "legislation/pha-1997/s2"),
    ("s.127 CA 2003", "legislation/ca-2003/s127"),
    ("s76 serious crime act", "legislation/sca-2015/s76"),
    (
        "sect 5A restraining order acquittal",
        "legislation/pha-1997/s5a",
    ),
    ("s8 spa breach", "legislation/spa-2019/s8"),
    ("2B power of entry", "legislation/pha-1997/s2b"),
    ("s127 MCA 1980 time limit", "legislation/mca-1980/s127"),
    // Abbreviations.
    (
        "how long does an SPO last",
        "legislation/spa-2019/s3|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    (
        "interim SPO",
        "guidance/stalking-or-harassment/protective-orders/interim-orders",
    ),
    (
        "CCB ex partner not living together",
        "legislation/daa-2021/s68",
    ),
    (
        "PIN harassment warning",
        "guidance/stalking-or-harassment/police-information-notices",
    ),
    (
        "MARAC referral criteria",
        "guidance/stalking-or-harassment/risk-assessment/marac-referral",
    ),
    (
        "ISAC referral",
        "guidance/stalking-or-harassment/victim-care/advocacy-and-support",
    ),
    (
        "sdash or dash which tool",
        "guidance/stalking-or-harassment/risk-assessment/screening-tools",
    ),
    ("what does BWV stand for", "glossary/bwv"),
    // Misspellings.
    (
        "stalkng protecton order",
        "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("harrassment offence", "legislation/pha-1997/s2"),
    (
        "coersive control",
        "guidance/stalking-or-harassment/offences/controlling-or-coercive-behaviour",
    ),
    (
        "cyberstaking",
        "guidance/stalking-or-harassment/investigation/cyberstalking",
    ),
    (
        "restraning order breach",
        "legislation/sentencing-act-2020/s363",
    ),
    ("notifcation requirements spo", "legislation/spa-2019/s9"),
    // Questions in plain words.
    (
        "what should a call handler ask",
        "guidance/stalking-or-harassment/call-handling",
    ),
    (
        "can the victim apply for an SPO themselves",
        "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    (
        "how do I preserve social media evidence",
        "guidance/stalking-or-harassment/investigation/digital-evidence",
    ),
    (
        "victim wants to know who the online stalker is",
        "guidance/stalking-or-harassment/victim-care/releasing-an-online-stalkers-identity",
    ),
    (
        "how often should I update the victim",
        "guidance/stalking-or-harassment/victim-care/keeping-victims-informed",
    ),
    (
        "time limit summary only harassment",
        "guidance/stalking-or-harassment/offences/time-limits",
    ),
    ("what does FOUR stand for", "glossary/four"),
    (
        "enhanced service victims code",
        "guidance/stalking-or-harassment/victim-care/enhanced-service",
    ),
    ("racially aggravated stalking", "legislation/cda-1998/s32"),
    (
        "threatening messages online safety act",
        "legislation/osa-2023/s181",
    ),
    (
        "sending false messages to cause harm",
        "legislation/osa-2023/s179",
    ),
    (
        "who can apply for a stalking protection order",
        "legislation/spa-2019/s1|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    (
        "what did the super-complaint investigation find",
        "guidance/police-response-to-stalking-2024",
    ),
    (
        "stalking and homicide risk",
        "guidance/police-response-to-stalking-2024/stalking-and-serious-harm",
    ),
    (
        "make stalking searchable on crime records",
        "recommendations/rec-07",
    ),
    ("stalking training recommendation", "recommendations/rec-10"),
    (
        "safeguarding app for domestic abuse victims",
        "practice/victim-safeguarding-app",
    ),
    (
        "first responder checklist",
        "guidance/stalking-or-harassment/checklists/first-responders",
    ),
    (
        "supervisor checklist before closing a case",
        "guidance/stalking-or-harassment/checklists/supervisors",
    ),
    (
        "build a chronology of incidents",
        "guidance/stalking-or-harassment/investigation/pattern-and-history",
    ),
    (
        "legal definition of domestic abuse",
        "legislation/daa-2021/s1",
    ),
    (
        "course of conduct meaning",
        "legislation/pha-1997/s7|glossary/course-of-conduct",
    ),
    (
        "breach of a civil injunction harassment",
        "legislation/pha-1997/s3",
    ),
    ("points to prove stalking", "legislation/pha-1997/s2a"),
    (
        "stalking clinic",
        "guidance/stalking-or-harassment/multi-agency/stalking-teams-and-clinics",
    ),
    (
        "national stalking helpline",
        "guidance/stalking-or-harassment/victim-care/advocacy-and-support",
    ),
];

#[test]
fn officer_queries_find_the_right_page_in_the_top_three() {
    let mut failures = Vec::new();
    for (query, expected) in RELEVANCE {
        let top = top_ids(query, 3);
        let ok = expected.split('|').any(|e| top.iter().any(|t| t == e));
        if !ok {
            failures.push(format!("  {query:?}: wanted {expected}, got {top:?}"));
        }
    }
    assert!(RELEVANCE.len() >= 40);
    assert!(
        failures.is_empty(),
        "{} of {} queries missed:\n{}",
        failures.len(),
        RELEVANCE.len(),
        failures.join("\n")
    );
}

/// Queries of the tuning set's kind, written after the ranking was settled and checked
/// without changing it; kept as a guard against regressions.
const MORE_RELEVANCE: &[(&str, &str)] = &[
    (
        "stalking protection order grounds",
        "legislation/spa-2019/s1|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("s3 SPA minimum 2 years", "legislation/spa-2019/s3"),
    (
        "who is responsible for risk assessment",
        "guidance/stalking-or-harassment/risk-assessment",
    ),
    (
        "SRP stalking risk profile",
        "glossary/srp|guidance/stalking-or-harassment/risk-assessment/screening-tools",
    ),
    (
        "MASIP pilots evaluation",
        "practice/multi-agency-stalking-intervention-programme",
    ),
    (
        "early advice CPS stalking",
        "guidance/stalking-or-harassment/investigation|guidance/stalking-or-harassment/multi-agency/stalking-teams-and-clinics",
    ),
    (
        "what is the victims code",
        "glossary/victims-code|guidance/stalking-or-harassment/victim-care/enhanced-service",
    ),
    (
        "online stalking fake accounts",
        "guidance/stalking-or-harassment/investigation/cyberstalking",
    ),
    (
        "suspect's phone download",
        "guidance/stalking-or-harassment/investigation/digital-evidence",
    ),
    (
        "bail conditions not enough protection",
        "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("vawg", "glossary/vawg"),
    ("MCA 1988 s1 grossly offensive", "legislation/mca-1988/s1"),
    (
        "section 32 crime and disorder act",
        "legislation/cda-1998/s32",
    ),
    (
        "six month time limit s127",
        "legislation/mca-1980/s127|legislation/ca-2003/s127",
    ),
    (
        "fixated obsessive unwanted repeated",
        "glossary/four|guidance/stalking-or-harassment/recognising-stalking",
    ),
    (
        "repeat victims history checks call",
        "guidance/stalking-or-harassment/call-handling",
    ),
    (
        "single point of contact for stalking in each force",
        "glossary/spoc|guidance/stalking-or-harassment/multi-agency/stalking-teams-and-clinics",
    ),
    (
        "variation and discharge of an spo",
        "guidance/stalking-or-harassment/protective-orders/notification-variation-and-discharge",
    ),
    (
        "magistrates court maximum sentence either way",
        "legislation/sentencing-act-2020|legislation/pha-1997/s4",
    ),
    (
        "what the officers said about training",
        "guidance/police-response-to-stalking-2024/officers-and-staff-perspectives|recommendations/rec-10",
    ),
];

#[test]
fn more_officer_queries_find_the_right_page_in_the_top_three() {
    let missed: Vec<String> = MORE_RELEVANCE
        .iter()
        .filter(|(q, expected)| {
            let top = top_ids(q, 3);
            !expected.split('|').any(|e| top.iter().any(|t| t == e))
        })
        .map(|(q, e)| format!("  {q:?}: wanted {e}, got {:?}", top_ids(q, 3)))
        .collect();
    assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
}

/// Queries written before their results were first seen (the session that finished search);
/// 19 of 20 found their page in the top three then ("malicious comms" found the Act's page, not
/// its s.1). Kept unchanged as a check of the "done when" bar: at least 90% on unseen queries.
const HELD_OUT: &[(&str, &str)] = &[
    (
        "how long does an SPO last",
        "legislation/spa-2019/s3|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    (
        "can police apply for a stalking protection order",
        "legislation/spa-2019/s1|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    (
        "stalker unmasking online identity",
        "guidance/stalking-or-harassment/victim-care/releasing-an-online-stalkers-identity",
    ),
    (
        "harasment vs stalking difference",
        "guidance/stalking-or-harassment/offences/choosing-the-offence|guidance/stalking-or-harassment/recognising-stalking",
    ),
    ("IDVA", "glossary/idva"),
    (
        "fear of violence on at least two occasions",
        "legislation/pha-1997/s4|legislation/pha-1997/s4a",
    ),
    ("malicious comms", "legislation/mca-1988/s1"),
    (
        "restrainig order on convicton",
        "legislation/sentencing-act-2020/s360",
    ),
    (
        "varying or discharging an SPO",
        "guidance/stalking-or-harassment/protective-orders/notification-variation-and-discharge",
    ),
    (
        "what do supervisors check in a stalking case review",
        "guidance/stalking-or-harassment/supervision-and-case-review|guidance/stalking-or-harassment/checklists/supervisors",
    ),
    ("MAPPA", "glossary/mappa"),
    (
        "coersive control",
        "guidance/stalking-or-harassment/offences/controlling-or-coercive-behaviour|legislation/sca-2015/s76|glossary/ccb",
    ),
    (
        "what did victims say about the police",
        "guidance/police-response-to-stalking-2024/victims-experience",
    ),
    (
        "what enquiries should investigators make",
        "guidance/stalking-or-harassment/investigation/lines-of-enquiry|guidance/stalking-or-harassment/checklists/investigators",
    ),
    (
        "religiously aggravated harassment",
        "legislation/cda-1998/s32",
    ),
    (
        "specialist support services for victims recommendation",
        "recommendations/rec-15",
    ),
    ("force action plan", "recommendations/force-action-plans"),
    ("spoc", "glossary/spoc"),
    (
        "risk reviw after arrest",
        "guidance/stalking-or-harassment/risk-assessment/managing-and-reviewing-risk",
    ),
    (
        "speed up digital processing tool",
        "practice/investigation-processing-software",
    ),
];

#[test]
fn held_out_queries_meet_the_ninety_percent_bar() {
    let missed: Vec<String> = HELD_OUT
        .iter()
        .filter(|(q, expected)| {
            let top = top_ids(q, 3);
            !expected.split('|').any(|e| top.iter().any(|t| t == e))
        })
        .map(|(q, e)| format!("  {q:?}: wanted {e}, got {:?}", top_ids(q, 3)))
        .collect();
    let hit = HELD_OUT.len() - missed.len();
    assert!(
        hit * 10 >= HELD_OUT.len() * 9,
        "{hit} of {} in the top three; missed:\n{}",
        HELD_OUT.len(),
        missed.join("\n")
    );
}

#[test]
fn every_form_of_a_citation_finds_its_legal_summary_first() {
    for q in [
        "s4A",
        "s4a",
        "S4A",
        "s.4A",
        "s 4A",
        "sect 4A",
        "section 4A",
        "PHA s 4A",
        "PHA 1997, s 4A",
        "s.4A PHA 1997",
        "section 4A of the Protection from Harassment Act 1997",
    ] {
        assert_eq!(top_ids(q, 1), ["legislation/pha-1997/s4a"], "query {q:?}");
    }
    // The act alone leads to the act's summary.
    assert_eq!(
        top_ids("Protection from Harassment Act 1997", 1),
        ["legislation/pha-1997"]
    );
}

#[test]
fn a_result_lands_on_the_section_that_answers() {
    let res = index()
        .search(&SearchRequest {
            query: "who can apply for an SPO".into(),
            kind: Some("guidance".into()),
            limit: 3,
        })
        .unwrap();
    let hit = res
        .hits
        .iter()
        .find(|h| {
            h.id == "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders"
        })
        .expect("the SPO guidance");
    assert_eq!(
        hit.url,
        "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders/#who-can-apply"
    );
    assert_eq!(hit.title, "Stalking protection orders › Who can apply");
    assert!(hit.snippet.contains("<mark>"), "{}", hit.snippet);
}

#[test]
fn kind_filter_facet_counts_and_snippets() {
    let all = index()
        .search(&SearchRequest {
            query: "restraining order".into(),
            kind: None,
            limit: 50,
        })
        .unwrap();
    let legal = index()
        .search(&SearchRequest {
            query: "restraining order".into(),
            kind: Some("legal".into()),
            limit: 50,
        })
        .unwrap();
    let kinds = &all.facets["kind"];
    assert!(kinds["legal"] > 0 && kinds["guidance"] > 0, "{kinds:?}");
    assert_eq!(kinds.values().sum::<u64>() as usize, all.total);
    assert_eq!(legal.total as u64, kinds["legal"]);
    assert!(legal.hits.iter().all(|h| h.kind == "legal"));
    assert!(all.facets["tags"].values().any(|&n| n > 0));
    assert!(all.facets["audience"].contains_key("investigators"));
    for h in &all.hits {
        // Escaped text; the only markup is the highlight.
        let plain = h.snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !plain.contains('<') && !plain.contains('>'),
            "{}",
            h.snippet
        );
    }
    assert!(all.hits[0].snippet.contains("<mark>"));
    let bad = index().search(&SearchRequest {
        query: "x".into(),
        kind: Some("leaflet".into()),
        limit: 5,
    });
    assert!(matches!(bad, Err(SearchError::BadQuery(m)) if m.contains("unknown kind `leaflet`")));
}

#[test]
fn cli_prints_the_spec_json_shape() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["search", "--json", "--limit", "3", "--dir"])
        .arg(bundled())
        .arg("SPO breach")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["hits", "total"]);
    assert!(v["total"].as_u64().unwrap() >= 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for h in hits {
        let mut k: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
        k.sort_unstable();
        assert_eq!(k, ["id", "kind", "score", "snippet", "title", "url"]);
    }
    assert_eq!(hits[0]["id"], "legislation/spa-2019/s8");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );

    // Human output, and the exit codes: 0 found, 1 nothing found, 2 error.
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("search")
            .arg("--dir")
            .arg(bundled())
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["interim SPO", "--limit", "2"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("1. Interim stalking protection orders"),
        "{}",
        stdout(&o)
    );
    let o = run(&["qwxzv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("No results for \"qwxzv\""));
    let o = run(&["spo", "--kind", "leaflet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown kind `leaflet`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_and_old_indexes_are_refused_clearly() {
    let empty = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["search", "spo", "--dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no search index in"), "{}", stderr(&o));
    assert!(stderr(&o).contains("waymark build"), "{}", stderr(&o));

    let copy = tempfile::tempdir().unwrap();
    copy_dir(
        &bundled().join("search-index"),
        &copy.path().join("search-index"),
    );
    std::fs::write(
        copy.path().join("search-index/schema-version"),
        "waymark-search-0\n",
    )
    .unwrap();
    match SearchIndex::open(copy.path()) {
        Err(e @ SearchError::WrongSchema { .. }) => {
            let m = e.to_string();
            assert!(
                m.contains("waymark-search-0") && m.contains("rebuild the site"),
                "{m}"
            );
        }
        other => panic!("expected WrongSchema, got {other:?}"),
    }
}

#[test]
fn servers_render_results_with_the_themes_search_page() {
    use waymark::index::page::ResultsPage;
    let page = ResultsPage::open(bundled()).unwrap();
    let res = index()
        .search(&SearchRequest {
            query: "interim SPO".into(),
            kind: None,
            limit: 10,
        })
        .unwrap();
    let html = page.render("interim SPO", None, Ok(&res)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let input = doc.select(&sel("#search-q")).next().unwrap();
    assert_eq!(input.value().attr("value"), Some("interim SPO"));
    let status: String = doc
        .select(&sel("#search-status"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        status,
        format!(
            "{} results for “interim SPO”; the first 10 are shown",
            res.total
        )
    );
    let links: Vec<_> = doc.select(&sel("#search-results li > a")).collect();
    assert_eq!(links.len(), res.hits.len());
    assert!(
        links[0]
            .value()
            .attr("href")
            .unwrap()
            .starts_with("../guidance/stalking-or-harassment/protective-orders/interim-orders/"),
        "{:?}",
        links[0].value().attr("href")
    );
    assert!(html.contains("<mark>"));
    assert!(html.contains("data-rendered=\"true\""));
    // Narrowing by kind, with counts, as links that work without JavaScript.
    let facet = doc
        .select(&sel("#search-facets a"))
        .find(|a| a.text().collect::<String>().starts_with("Legal summary ("))
        .expect("a legal facet");
    assert_eq!(
        facet.value().attr("href"),
        Some("./?q=interim%20SPO&kind=legal")
    );
    // The query is text, never markup.
    let html = page
        .render(
            "<script>alert(1)</script>",
            Some("legal"),
            Ok(&Default::default()),
        )
        .unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("No results for “&lt;script&gt;alert(1)&lt;/script&gt;”"));
    let err = SearchError::BadQuery("unknown kind `x`".into());
    let html = page.render("spo", Some("x"), Err(&err)).unwrap();
    assert!(html.contains("That search could not be run: unknown kind `x`."));
    // No query: the plain form.
    let html = page.render("", None, Ok(&Default::default())).unwrap();
    assert!(html.contains("data-rendered=\"false\""));
}

#[test]
fn the_static_index_is_written_and_answers_queries() {
    let dir = bundled().join("pagefind");
    for f in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
        assert!(dir.join(f).is_file(), "missing pagefind/{f}");
    }
    let names: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with(".pf_meta")));
    assert!(names.iter().any(|n| n.ends_with(".pf_index")));
    assert!(names.iter().any(|n| n.ends_with(".pf_fragment")));
    assert!(
        !names.iter().any(|n| n.contains("-ui")),
        "no UI files: {names:?}"
    );
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("pagefind-entry.json")).unwrap()).unwrap();
    assert_eq!(
        entry["languages"]["en"]["page_count"].as_u64(),
        Some(index().pages() as u64)
    );

    // A browser's view: node runs pagefind.js with fetch served from the folder.
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("node is not installed: the static index was not queried");
        return;
    }
    let query = |q: &str| -> serde_json::Value {
        let o = std::process::Command::new("node")
            .arg(repo().join("tests/support/pagefind_query.mjs"))
            .arg(&dir)
            .arg(q)
            .arg("3")
            .output()
            .unwrap();
        assert!(o.status.success(), "node: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let v = query("interim stalking protection orders");
    assert_eq!(
        v["results"][0]["url"],
        "/guidance/stalking-or-harassment/protective-orders/interim-orders/"
    );
    assert_eq!(v["results"][0]["kind"], "guidance");
    let subs = v["results"][0]["sub_results"].as_array().unwrap();
    assert!(subs.iter().any(|s| s["url"]
        == "/guidance/stalking-or-harassment/protective-orders/interim-orders/#when-to-seek-one"));
    // Citations are folded: "s.4A" in the text is found as s4a.
    let v = query("s4a");
    assert_eq!(v["results"][0]["url"], "/legislation/pha-1997/s4a/");
    // Small pieces: a query fetches a fraction of the index.
    let total: u64 = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(
        v["bytes"].as_u64().unwrap() < total / 2,
        "{} of {total}",
        v["bytes"]
    );
}

fn small_site() -> TestSite {
    TestSite::fixture("search/small")
}

fn search_small(site: &TestSite, q: &str) -> Vec<String> {
    let o = site.run(&[
        "search",
        "--json",
        "--dir",
        site.path("public").to_str().unwrap(),
        q,
    ]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{q}: {e}: {}", stderr(&o)));
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn glossary_synonyms_typos_and_phrases() {
    let site = small_site();
    let o = site.build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // "SPO" finds the page that only spells the order out, and the other way round.
    let spo = search_small(&site, "SPO");
    assert!(spo.contains(&"guidance/long-form".to_string()), "{spo:?}");
    let spelled = search_small(&site, "stalking protection order");
    assert!(
        spelled.contains(&"guidance/short-form".to_string()),
        "{spelled:?}"
    );
    // A deprecated variant still finds the order.
    assert_eq!(
        search_small(&site, "stalking prevention order")[0],
        "glossary/spo"
    );
    // Typos are corrected against the site's own words.
    assert_eq!(
        search_small(&site, "perpetrater programe"),
        ["guidance/short-form"]
    );
    assert_eq!(search_small(&site, "chronolgy")[0], "guidance/long-form");
    // Shortened words stand for the words they begin.
    assert_eq!(
        search_small(&site, "max penalty s4a")[0],
        "legislation/pha-1997/s4a"
    );
    // Quoted phrases must appear as written.
    assert_eq!(
        search_small(&site, "\"name streets\""),
        ["guidance/short-form"]
    );
    assert!(search_small(&site, "\"streets name\"").is_empty());
    // A citation in prose is found by its short form.
    assert!(search_small(&site, "s4a").contains(&"guidance/evidence".to_string()));
}

#[test]
fn restricted_text_never_reaches_the_search_indexes() {
    let site = small_site();
    site.write(
        "content/guidance/evidence.md",
        "---\ntitle: \"Securing evidence\"\nsummary: \"What to capture.\"\n---\n\nPhotograph the messages.\n\n<!-- waymark-restricted -->\nThe Quillfeather covert tasking protocol applies to every deployment.\n<!-- /waymark-restricted -->\n",
    );
    site.write(
        "content/guidance/secret.md",
        "---\ntitle: \"Marrowgate procedures\"\nsummary: \"Internal.\"\nvisibility: restricted\n---\n\nMarrowgate details for internal use only.\n",
    );
    let o = site.run(&["build", "--today", "2026-11-28"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(search_small(&site, "quillfeather").is_empty());
    assert!(search_small(&site, "marrowgate").is_empty());
    assert!(!search_small(&site, "photograph messages").is_empty());
    // The internal profile includes both.
    let o = site.run(&[
        "build",
        "--today",
        "2026-11-28",
        "--profile",
        "internal",
        "--no-static-search",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(search_small(&site, "quillfeather"), ["guidance/evidence"]);
    assert_eq!(search_small(&site, "marrowgate")[0], "guidance/secret");
}

#[test]
fn portable_builds_have_no_static_index_and_the_page_says_why() {
    let site = small_site();
    let o = site.build(&["--portable"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!site.path("public/pagefind").exists());
    assert!(site.path("public/search-index/meta.json").is_file());
    let page = site.read("public/search/index.html");
    assert!(page.contains("data-static-search=\"false\""));
    assert!(page.contains("static/search.js"));
    let js = site.read("public/static/search.js");
    assert!(js.contains("opened from disk"));
    // Results link into the portable site.
    let o = site.run(&[
        "search",
        "--json",
        "--dir",
        site.path("public").to_str().unwrap(),
        "chronology",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["hits"][0]["url"],
        "guidance/long-form/index.html#preparing-the-file"
    );
}

#[test]
fn search_indexes_are_byte_identical_across_builds() {
    let site = small_site();
    let build = || {
        let o = site.run(&["build", "--today", "2026-11-28"]);
        assert!(o.status.success(), "{}", stderr(&o));
        (
            snapshot_dir(&site.path("public/search-index")),
            snapshot_dir(&site.path("public/pagefind")),
        )
    };
    let a = build();
    let b = build();
    assert!(!a.0.is_empty() && !a.1.is_empty());
    assert_eq!(a.0, b.0, "tantivy index differs between builds");
    assert_eq!(a.1, b.1, "static index differs between builds");
}

#[test]
fn site_yaml_switches_the_static_index_off_and_the_flag_overrides_it() {
    let site = small_site();
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "--quiet", "--today", "2026-11-28"];
        args.extend_from_slice(extra);
        let o = site.run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build(&[]);
    assert!(site.path("public/pagefind/pagefind.js").is_file());
    assert!(
        site.read("public/search/index.html")
            .contains("data-static-search=\"true\"")
    );

    site.write(
        "site.yaml",
        "title: Search fixture\nsearch:\n  static_index: false\n",
    );
    build(&[]);
    assert!(!site.path("public/pagefind").exists());
    assert!(
        site.read("public/search/index.html")
            .contains("data-static-search=\"false\"")
    );
    // The server-side index is built whatever the switch says.
    assert_eq!(search_small(&site, "chronology")[0], "guidance/long-form");

    site.write("site.yaml", "title: Search fixture\n");
    build(&["--no-static-search"]);
    assert!(!site.path("public/pagefind").exists());

    site.write(
        "site.yaml",
        "title: Search fixture\nsearch:\n  static_index: maybe\n",
    );
    let o = site.run(&["build", "--quiet", "--today", "2026-11-28"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("site.yaml"), "{}", stderr(&o));
}
