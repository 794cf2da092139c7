//! Currency and consistency checks: repealed-citation, unknown-citation, predates-amendment,
//! scope-mismatch, deprecated-term, undefined-abbreviation, inconsistent-expansion,
//! review-overdue and overlay-conflict. Each case has a failing page and a near-miss that must
//! stay quiet; fixtures are `tests/fixtures/currency/base` plus the case's own pages.

use crate::support::*;
use serde_json::Value;

/// The base site with a case's pages copied over it.
pub fn site(case: &str) -> TestSite {
    let s = TestSite::fixture("currency/base");
    if !case.is_empty() {
        copy_dir(&fixtures().join("currency").join(case), s.root());
    }
    s
}

/// `waymark check --format json` with another date as today.
pub fn check_on(site: &TestSite, today: &str, extra: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "json", "--today", today];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json: {e}\n{}", stderr(&out)))
}

/// (file, line, column, message) of every finding of one check.
pub fn of(v: &Value, check: &str) -> Vec<(String, u64, u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["check"] == check)
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn one(file: &str, line: u64, col: u64, msg: &str) -> Vec<(String, u64, u64, String)> {
    vec![(file.to_string(), line, col, msg.to_string())]
}

fn all_checks(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}:{}", d["check"], d["file"], d["line"]))
        .collect()
}

#[test]
fn the_base_fixture_is_clean() {
    let (v, code) = site("").check_json(&[]);
    assert_eq!(all_checks(&v), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn repealed_citation_at_the_first_citation_once_per_page() {
    let (v, code) = site("repealed").check_json(&[]);
    assert_eq!(
        of(&v, "repealed-citation"),
        one(
            "content/guidance/orders.md",
            9,
            35,
            "cites s.5 of the Protection from Harassment Act 1997, which was repealed on 2020-12-01 by Sentencing Act 2020"
        )
    );
    // The near-miss (a sentence about the repeal, and the provision that replaced it) is quiet,
    // and so is the summary of s.5 itself.
    assert_eq!(all_checks(&v).len(), 1, "{:?}", all_checks(&v));
    assert_eq!(code, 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["related"][0]["file"],
        "content/legislation/pha-1997/s5.md"
    );
    assert_eq!(d["related"][0]["line"], 14, "the `repealed:` line");
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("s.360 of the Sentencing Act 2020 (`legislation/sentencing-act-2020/s360`)"),
        "{}",
        d["help"]
    );
}

#[test]
fn a_repeal_recorded_on_the_section_covers_its_subsections() {
    let s = site("");
    s.write(
        "content/legislation/pha-1997/s5-1.md",
        "---\ntitle: Restraining order terms (s.5(1) PHA 1997)\nsummary: What an order may prohibit.\nlegislation:\n  act: Protection from Harassment Act 1997\n  provision: s.5(1)\n---\n\nThe terms of an order.\n",
    );
    s.write(
        "content/guidance/terms.md",
        "---\ntitle: Order terms\nsummary: What an order may say.\n---\n\nThe order may prohibit contact (s.5(1) PHA 1997).\n",
    );
    let (v, _) = s.check_json(&[]);
    assert_eq!(
        of(&v, "repealed-citation"),
        one(
            "content/guidance/terms.md",
            6,
            33,
            "cites s.5(1) of the Protection from Harassment Act 1997, and s.5 of the Protection from Harassment Act 1997 was repealed on 2020-12-01 by Sentencing Act 2020"
        )
    );
}

#[test]
fn unknown_citations_once_per_page_and_provision() {
    let (v, _) = site("unknown").check_json(&[]);
    assert_eq!(
        of(&v, "unknown-citation"),
        vec![
            (
                "content/guidance/bare.md".to_string(),
                9,
                27,
                "`s.4A` does not say which act it is in, and no act is cited before it on this page".to_string()
            ),
            (
                "content/guidance/charging.md".to_string(),
                9,
                20,
                "no legal summary for s.127 of the Magistrates' Courts Act 1980 (no summary declares that act)".to_string()
            ),
            (
                "content/guidance/charging.md".to_string(),
                10,
                32,
                "no legal summary for s.2 of the Protection from Harassment Act 1997".to_string()
            ),
        ]
    );
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == 10)
        .unwrap();
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("content/legislation/pha-1997/s2.md"),
        "{}",
        d["help"]
    );
    assert_eq!(d["severity"], "warning");
}

#[test]
fn predates_amendment_unless_reviewed_or_updated_since() {
    let (v, _) = site("predates").check_json(&[]);
    assert_eq!(
        of(&v, "predates-amendment"),
        one(
            "content/guidance/sentencing.md",
            9,
            32,
            "this page was last updated on 2016-05-01, before s.4A of the Protection from Harassment Act 1997 was amended on 2017-04-03 by Policing and Crime Act 2017 s.175 (maximum raised from 5 to 10 years)"
        )
    );
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "predates-amendment")
        .unwrap();
    assert_eq!(
        (
            d["related"][0]["file"].as_str(),
            d["related"][0]["line"].as_u64()
        ),
        (Some("content/guidance/sentencing.md"), Some(4))
    );
    assert_eq!(
        (
            d["related"][1]["file"].as_str(),
            d["related"][1]["line"].as_u64()
        ),
        (Some("content/legislation/pha-1997/s4a.md"), Some(13))
    );
    // An amendment that is not yet law does not count.
    let v = check_on(&site("predates"), "2017-01-01", &[]);
    assert_eq!(of(&v, "predates-amendment"), vec![]);
}

#[test]
fn scope_mismatch_names_the_jurisdiction_outside_the_extent() {
    let (v, code) = site("scope").check_json(&[]);
    assert_eq!(
        of(&v, "scope-mismatch"),
        one(
            "content/guidance/cross-border.md",
            9,
            23,
            "this page applies to Scotland, but s.4A of the Protection from Harassment Act 1997 extends only to England and Wales"
        )
    );
    assert_eq!(code, 1);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "scope-mismatch")
        .unwrap();
    assert_eq!(
        (
            d["related"][0]["line"].as_u64(),
            d["related"][0]["column"].as_u64()
        ),
        (Some(6), Some(33)),
        "the `scotland` item of applies_to"
    );
    assert_eq!(
        d["related"][1]["file"],
        "content/legislation/pha-1997/s4a.md"
    );
}

#[test]
fn deprecated_terms_in_any_case_plural_and_across_lines() {
    let (v, _) = site("deprecated").check_json(&[]);
    assert_eq!(
        of(&v, "deprecated-term"),
        vec![
            (
                "content/guidance/orders.md".to_string(),
                9,
                24,
                "\"Stalking Prevention Orders\" is deprecated wording: write \"stalking protection order\"".to_string()
            ),
            (
                "content/guidance/orders.md".to_string(),
                11,
                17,
                "\"harassment warning\" is deprecated wording: write \"Police Information Notice\"".to_string()
            ),
        ]
    );
    let d = &v["diagnostics"].as_array().unwrap()[0];
    assert_eq!(
        (
            d["related"][0]["file"].as_str(),
            d["related"][0]["line"].as_u64()
        ),
        (Some("content/glossary/spo.md"), Some(7))
    );
}

#[test]
fn undefined_abbreviations_at_first_use() {
    let (v, _) = site("abbrev").check_json(&[]);
    assert_eq!(
        of(&v, "undefined-abbreviation"),
        vec![
            ("content/guidance/advocacy.md".to_string(), 9, 24, "`ISAC` is used before it is written out".to_string()),
            (
                "content/guidance/advocacy.md".to_string(),
                9,
                47,
                "`DVPN` is not defined: it is not in the glossary, and this page does not write it out at or before its first use".to_string()
            ),
        ]
    );
    let isac = &v["diagnostics"].as_array().unwrap()[0];
    assert_eq!(isac["related"][0]["line"], 11);
    // support.md: an expansion then its plural, a glossary plural, an act short name, a
    // shouted word, an allowed abbreviation and a judgment's court code are all fine.
    assert!(
        all_checks(&v).iter().all(|c| !c.contains("support.md")),
        "{:?}",
        all_checks(&v)
    );
}

#[test]
fn inconsistent_expansions_against_the_glossary_and_between_pages() {
    let (v, _) = site("expansion").check_json(&[]);
    assert_eq!(
        of(&v, "inconsistent-expansion"),
        vec![
            (
                "content/guidance/b-support.md".to_string(),
                9,
                4,
                "`IDVA` is written out as \"independent domestic violence advocate\" here, but as \"Independent Domestic Violence Adviser\" on `guidance/a-support`".to_string()
            ),
            (
                "content/guidance/c-support.md".to_string(),
                9,
                64,
                "`PIN` is written out as \"Police Intelligence Notice\", but the glossary gives \"Police Information Notice\"".to_string()
            ),
        ]
    );
    let d = &v["diagnostics"].as_array().unwrap()[0];
    assert_eq!(
        (
            d["related"][0]["file"].as_str(),
            d["related"][0]["line"].as_u64(),
            d["related"][0]["column"].as_u64()
        ),
        (Some("content/guidance/a-support.md"), Some(9), Some(4))
    );
}

#[test]
fn review_overdue_the_day_after_not_on_the_day() {
    let s = site("");
    let v = check_on(&s, "2027-01-10", &[]);
    assert_eq!(of(&v, "review-overdue"), vec![]);
    let v = check_on(&s, "2027-01-11", &[]);
    assert_eq!(
        of(&v, "review-overdue"),
        one(
            "content/guidance/first-response.md",
            5,
            13,
            "review was due on 2027-01-10, 1 day before 2027-01-11"
        )
    );
}

#[test]
fn an_overlay_is_flagged_when_its_national_page_changed_after_it() {
    let s = site("");
    s.write(
        "overlay/guidance/first-response-local.md",
        "---\ntitle: Local first response\nsummary: Our local steps.\nforce: Exampleshire Police\noverlays: guidance/first-response\nupdated: 2025-12-01\n---\n\nCall the local stalking desk.\n",
    );
    s.write(
        "overlay/guidance/recent-local.md",
        "---\ntitle: Recent local page\nsummary: Reviewed after the national change.\nforce: Exampleshire Police\noverlays: guidance/first-response\nupdated: 2026-01-10\n---\n\nCall the local desk.\n",
    );
    let overlay = s.path("overlay");
    let (v, _) = s.check_json(&["--overlay", overlay.to_str().unwrap()]);
    let f = of(&v, "overlay-conflict");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].0.ends_with("overlay/guidance/first-response-local.md"),
        "{f:?}"
    );
    assert_eq!((f[0].1, f[0].2), (6, 10));
    assert_eq!(
        f[0].3,
        "the national page `guidance/first-response` was updated on 2026-01-10, after this local page was last updated (2025-12-01): review this local procedure against it"
    );
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "overlay-conflict")
        .unwrap();
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (
            d["related"][0]["file"].as_str(),
            d["related"][0]["line"].as_u64()
        ),
        (Some("content/guidance/first-response.md"), Some(4))
    );
}

#[test]
fn every_new_check_explains_itself_with_an_example() {
    for name in [
        "repealed-citation",
        "unknown-citation",
        "predates-amendment",
        "scope-mismatch",
        "deprecated-term",
        "undefined-abbreviation",
        "inconsistent-expansion",
        "review-overdue",
        "overlay-conflict",
    ] {
        let out = TestSite::new().run(&["check", "--explain", name]);
        let text = stdout(&out);
        assert!(out.status.success(), "{name}");
        assert!(
            text.starts_with(name) && text.contains("Example") && text.contains("Fix"),
            "{name}: {text}"
        );
    }
}

/// Seeded mutations of a clean corpus: each plants one problem and must give exactly one
/// finding, of the right check, at the right line; the unmutated corpus gives none.
#[test]
fn seeded_mutations_give_exactly_their_finding() {
    let clean = site("mutations");
    let (v, code) = clean.check_json(&["--deny", "warnings"]);
    assert_eq!(all_checks(&v), Vec::<String>::new());
    assert_eq!(code, 0);
    let cases: &[(&str, &str, &str, &str, u64)] = &[
        (
            "orders.md",
            "A stalking protection order (SPO)",
            "A stalking prevention order (SPO)",
            "deprecated-term",
            12,
        ),
        (
            "orders.md",
            "applies_to: [england-and-wales]",
            "applies_to: [england-and-wales, scotland]",
            "scope-mismatch",
            10,
        ),
        (
            "orders.md",
            "s.360 of the Sentencing Act 2020",
            "s.5 PHA 1997",
            "repealed-citation",
            10,
        ),
        (
            "orders.md",
            "review_due: 2027-06-01",
            "review_due: 2026-11-27",
            "review-overdue",
            5,
        ),
        (
            "orders.md",
            "it.\n",
            "it. An independent stalking advocate (ISAC) can help.\n",
            "inconsistent-expansion",
            12,
        ),
        (
            "advocacy.md",
            "An independent stalking advocacy caseworker (ISAC) supports",
            "An ISAC supports",
            "undefined-abbreviation",
            9,
        ),
        (
            "advocacy.md",
            "updated: 2026-01-10",
            "updated: 2016-01-10",
            "predates-amendment",
            12,
        ),
        (
            "advocacy.md",
            "s.4A PHA 1997",
            "s.4B PHA 1997",
            "unknown-citation",
            12,
        ),
    ];
    for (file, from, to, check, line) in cases {
        let s = site("mutations");
        let path = format!("content/guidance/{file}");
        let text = s.read(&path);
        assert!(text.contains(from), "{from}");
        s.write(&path, &text.replacen(from, to, 1));
        let (v, _) = s.check_json(&[]);
        let got: Vec<(String, String, u64)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["check"].as_str().unwrap().to_string(),
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(check.to_string(), path.clone(), *line)],
            "mutation {from:?} -> {to:?}"
        );
    }
}

#[test]
fn json_sarif_github_and_line_agree_on_a_finding_with_related_places() {
    let s = site("predates");
    let (v, code) = s.check_json(&[]);
    assert_eq!(code, 0, "warnings do not fail the check");
    let (_, code) = s.check_json(&["--deny", "warnings"]);
    assert_eq!(code, 1, "--deny warnings does");
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["check"] == "predates-amendment")
        .unwrap();
    for key in [
        "check", "severity", "file", "line", "column", "message", "help", "related",
    ] {
        assert!(!d[key].is_null(), "{key} in {d}");
    }
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(d["related"][1]["message"], "the amendment");

    let sarif: Value = serde_json::from_slice(
        &s.run(&["check", "--today", "2026-11-28", "--format", "sarif"])
            .stdout,
    )
    .unwrap();
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for name in [
        "repealed-citation",
        "unknown-citation",
        "predates-amendment",
        "scope-mismatch",
        "deprecated-term",
        "undefined-abbreviation",
        "inconsistent-expansion",
        "review-overdue",
        "overlay-conflict",
        "suppression",
    ] {
        assert!(rules.contains(&name), "{name} in {rules:?}");
    }
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "predates-amendment");
    assert_eq!(r["level"], "warning");
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize],
        "predates-amendment"
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    assert_eq!(
        r["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
        "content/legislation/pha-1997/s4a.md"
    );
    assert_eq!(
        r["relatedLocations"][1]["physicalLocation"]["region"]["startLine"],
        13
    );
    assert_eq!(r["partialFingerprints"]["waymark/v1"], d["fingerprint"]);

    let gh = stdout(&s.run(&["check", "--today", "2026-11-28", "--format", "github"]));
    assert!(gh.starts_with("::warning file=content/guidance/sentencing.md,line=9,col=32,title=waymark predates-amendment::this page was last updated on 2016-05-01"), "{gh}");
    let line = stdout(&s.run(&["check", "--today", "2026-11-28", "--format", "line"]));
    assert!(line.starts_with("content/guidance/sentencing.md:9:32: warning[predates-amendment]: this page was last updated on 2016-05-01, before s.4A"), "{line}");
}

#[test]
fn github_annotations_carry_only_the_top_findings() {
    let s = site("");
    for k in 0..12 {
        s.write(&format!("content/guidance/p{k:02}.md"), &format!("---\ntitle: P{k}\nsummary: s.\nreview_due: 2026-01-01\n---\n\nA stalking prevention order.\n"));
    }
    let gh = stdout(&s.run(&["check", "--today", "2026-11-28", "--format", "github"]));
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::warning")).count(),
        10,
        "{gh}"
    );
    assert!(gh.ends_with("::notice title=waymark::14 more findings not annotated; run `waymark check` for the full list\n"), "{gh}");
}

fn human(s: &TestSite) -> String {
    stdout(&s.run(&["check", "--today", "2026-11-28"]))
}

#[test]
fn human_output_snapshots() {
    insta::assert_snapshot!("repealed_citation", human(&site("repealed")));
    insta::assert_snapshot!("predates_amendment", human(&site("predates")));
    insta::assert_snapshot!("undefined_abbreviation", human(&site("abbrev")));
    insta::assert_snapshot!("inconsistent_expansion", human(&site("expansion")));
}
