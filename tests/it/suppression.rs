//! Suppressions (SPEC §6.5): inline comments, pairwise comments, front matter `allow`, overlay
//! deviations and baselines, and the findings about suppressions themselves.

use crate::currency::{check_on, of, site};
use crate::support::*;
use serde_json::Value;

fn page(title: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nsummary: {title}.\n{extra}---\n\n{body}")
}

fn suppressed(v: &Value) -> Vec<(String, String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"].is_object())
        .map(|d| {
            (
                d["check"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["suppressed"]["kind"].as_str().unwrap().to_string(),
                d["suppressed"]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_inline_comment_covers_the_next_block_only() {
    let s = site("");
    s.write(
        "content/guidance/quote.md",
        &page(
            "Quote",
            "",
            "<!-- waymark-allow deprecated-term: the 2016 report's own words, kept for the record -->\nThe 2016 report asked for a stalking prevention order.\n\nA stalking prevention order is not a thing.\n",
        ),
    );
    let (v, code) = s.check_json(&[]);
    assert_eq!(of(&v, "deprecated-term"), vec![("content/guidance/quote.md".into(), 9, 3, "\"stalking prevention order\" is deprecated wording: write \"stalking protection order\"".into())]);
    assert_eq!(code, 0, "warnings only");
    assert_eq!(v["summary"]["suppressed"], 1);
    let (v, _) = s.check_json(&["--show-suppressed"]);
    assert_eq!(
        suppressed(&v),
        vec![(
            "deprecated-term".into(),
            "content/guidance/quote.md".into(),
            "waymark-allow comment".into(),
            "the 2016 report's own words, kept for the record".into()
        )]
    );
    let human = stdout(&s.run(&["check", "--today", "2026-11-28", "--show-suppressed"]));
    assert!(
        human.contains("suppressed by waymark-allow comment: the 2016 report's own words"),
        "{human}"
    );
}

#[test]
fn a_comment_before_a_list_covers_every_item() {
    let s = site("");
    s.write(
        "content/guidance/list.md",
        &page(
            "List",
            "",
            "Old names:\n\n<!-- waymark-allow deprecated-term: a list of the old names, for searchers -->\n- stalking prevention order\n- harassment warning\n\nNow write stalking protection order.\n",
        ),
    );
    let (v, _) = s.check_json(&[]);
    assert_eq!(of(&v, "deprecated-term"), vec![]);
    assert_eq!(of(&v, "suppression"), vec![]);
    assert_eq!(v["summary"]["suppressed"], 2);
}

#[test]
fn suppressions_without_a_reason_unused_or_misnamed_are_reported() {
    let s = site("");
    s.write(
        "content/guidance/bad.md",
        &page(
            "Bad",
            "allow:\n  - check: review-overdue\n    reason: \"Reviewed on the phone; the date is updated next week.\"\n  - unknown-citation\n",
            "<!-- waymark-allow deprecated-term -->\nA stalking prevention order.\n\n<!-- waymark-allow deprecated-terms: typo in the name -->\nA harassment warning.\n\n<!-- waymark-allow review-overdue: nothing to cover here -->\nThe time limit is in s.127 of the Magistrates' Courts Act 1980.\n",
        ),
    );
    let (v, _) = s.check_json(&[]);
    let f = of(&v, "suppression");
    let expected = vec![
        (
            "content/guidance/bad.md".to_string(),
            5,
            5,
            "this suppression of `review-overdue` matches no finding".to_string(),
        ),
        (
            "content/guidance/bad.md".to_string(),
            7,
            5,
            "suppression of `unknown-citation` gives no reason".to_string(),
        ),
        (
            "content/guidance/bad.md".to_string(),
            10,
            1,
            "suppression of `deprecated-term` gives no reason".to_string(),
        ),
        (
            "content/guidance/bad.md".to_string(),
            13,
            1,
            "`deprecated-terms` is not the name of a check".to_string(),
        ),
        (
            "content/guidance/bad.md".to_string(),
            16,
            1,
            "this suppression of `review-overdue` matches no finding".to_string(),
        ),
    ];
    assert_eq!(f, expected);
    let typo = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("deprecated-terms"))
        .unwrap();
    assert_eq!(typo["help"], "did you mean `deprecated-term`?");
    // The misnamed comment suppresses nothing, so its finding stands.
    assert_eq!(
        of(&v, "deprecated-term"),
        vec![(
            "content/guidance/bad.md".into(),
            14,
            3,
            "\"harassment warning\" is deprecated wording: write \"Police Information Notice\""
                .into()
        )]
    );
}

#[test]
fn front_matter_allow_covers_the_page_and_structure_checks_too() {
    let s = site("");
    s.write(
        "content/guidance/fm.md",
        &page(
            "Front matter",
            "allow:\n  - check: deprecated-term\n    reason: \"This page explains the old names.\"\n",
            "The stalking prevention order was never a legal term.\n\n<!-- waymark-allow broken-link: the page lands next month -->\nSee [the new page](coming-soon.md).\n",
        ),
    );
    let (v, code) = s.check_json(&["--show-suppressed"]);
    assert_eq!(code, 0);
    assert_eq!(
        suppressed(&v),
        vec![
            (
                "deprecated-term".into(),
                "content/guidance/fm.md".into(),
                "front-matter allow".into(),
                "This page explains the old names.".into()
            ),
            (
                "broken-link".into(),
                "content/guidance/fm.md".into(),
                "waymark-allow comment".into(),
                "the page lands next month".into()
            ),
        ]
    );
}

#[test]
fn a_pairwise_comment_covers_only_conflicts_with_the_named_place() {
    let s = site("expansion");
    let b = s.read("content/guidance/b-support.md").replace(
        "An independent",
        "<!-- waymark-allow inconsistent-expansion with=guidance/a-support#advisers: the local service calls them advocates -->\nAn independent",
    );
    s.write("content/guidance/b-support.md", &b);
    let a = s
        .read("content/guidance/a-support.md")
        .replace("An Independent", "## Advisers\n\nAn Independent");
    s.write("content/guidance/a-support.md", &a);
    let c = s.read("content/guidance/c-support.md").replace(
        "Independent domestic",
        "<!-- waymark-allow inconsistent-expansion with=guidance/a-support: wrong place named -->\nIndependent domestic",
    );
    s.write("content/guidance/c-support.md", &c);
    let (v, _) = s.check_json(&["--show-suppressed"]);
    assert_eq!(
        suppressed(&v)
            .iter()
            .map(|x| (x.0.as_str(), x.1.as_str()))
            .collect::<Vec<_>>(),
        vec![("inconsistent-expansion", "content/guidance/b-support.md")]
    );
    // c-support's PIN expansion conflicts with the glossary, not with a-support.
    assert_eq!(
        of(&v, "inconsistent-expansion")
            .iter()
            .filter(|x| x.0.ends_with("c-support.md"))
            .count(),
        1
    );
    assert_eq!(
        of(&v, "suppression"),
        vec![(
            "content/guidance/c-support.md".into(),
            9,
            1,
            "this suppression of `inconsistent-expansion` matches no finding".into()
        )]
    );

    // The wrong section of the right page does not match.
    let b = s
        .read("content/guidance/b-support.md")
        .replace("#advisers", "#no-such-heading");
    s.write("content/guidance/b-support.md", &b);
    let (v, _) = s.check_json(&[]);
    assert!(of(&v, "suppression").iter().any(|x| x.3 == "`with=guidance/a-support#no-such-heading`: the page has no heading with that anchor"), "{:?}", of(&v, "suppression"));
    assert_eq!(of(&v, "inconsistent-expansion").len(), 2);
}

fn overlay_site(review_due: &str) -> TestSite {
    let s = site("");
    s.write(
        "overlay/guidance/first-response-local.md",
        &format!(
            "---\ntitle: Local first response\nsummary: Our local steps.\nforce: Exampleshire Police\noverlays: guidance/first-response\nupdated: 2026-02-01\ndeviation:\n  target: guidance/first-response#orders\n  rationale: \"The local court lists orders differently.\"\n  approved_by: \"ACC Crime\"\n  review_due: {review_due}\n---\n\n## Orders\n\nOfficers must not ask the prosecutor about restraining orders.\n"
        ),
    );
    s
}

/// A contradiction between the local page and national guidance, as the contradiction checks
/// report it (at the later place in path order, the overlay's path sorting after `content/`).
fn conflict(site: &waymark::graph::Site) -> waymark::diag::Diagnostic {
    let local = site
        .pages
        .iter()
        .find(|p| p.id == "guidance/first-response-local")
        .unwrap();
    let national = site
        .pages
        .iter()
        .find(|p| p.id == "guidance/first-response")
        .unwrap();
    let lt = &site.sources.get(local.file).text;
    let nt = &site.sources.get(national.file).text;
    let l = lt.find("Officers must not").unwrap();
    let n = nt.find("After a conviction").unwrap();
    waymark::diag::Diagnostic::error(
        "directive-conflict",
        "\"must not ask\" conflicts with \"ask\"",
    )
    .at(national.file, n..n + 18)
    .related(local.file, l..l + 17, "the other directive")
}

fn run_with(
    s: &TestSite,
    today: jiff::civil::Date,
) -> (
    waymark::pipeline::CheckReport,
    Vec<waymark::diag::Diagnostic>,
) {
    let opts = waymark::pipeline::Options {
        root: s.root().to_path_buf(),
        overlays: vec![s.path("overlay")],
        today: Some(today),
        ..Default::default()
    };
    let report = waymark::pipeline::check(&opts).unwrap_or_else(|e| panic!("check runs: {e}"));
    let mut diags = vec![conflict(&report.site)];
    waymark::check::overlay_conflict::reclassify(&report.site, None, &mut diags);
    waymark::check::suppress::apply(&report.site, today, &mut diags);
    (report, diags)
}

#[test]
fn a_deviation_covers_overlay_conflicts_until_its_review_date() {
    let s = overlay_site("2027-01-01");
    let (report, diags) = run_with(&s, jiff::civil::date(2026, 11, 28));
    let d = diags
        .iter()
        .find(|d| d.check == "overlay-conflict")
        .expect("reclassified");
    assert!(d.message.starts_with("local procedure (Exampleshire Police) contradicts national guidance (directive-conflict): "), "{}", d.message);
    let primary = report.site.sources.get(d.primary.as_ref().unwrap().file);
    assert!(
        primary
            .display
            .ends_with("overlay/guidance/first-response-local.md"),
        "reported on the local page"
    );
    let sup = d.suppressed.as_ref().expect("covered by the deviation");
    assert_eq!(sup.kind, "deviation");
    assert_eq!(
        sup.reason,
        "The local court lists orders differently. (approved by ACC Crime, review due 2027-01-01)"
    );
    assert!(diags.iter().all(|d| d.check != "suppression"));
}

#[test]
fn an_expired_deviation_no_longer_covers_and_is_reported() {
    let s = overlay_site("2026-11-27");
    let (_, diags) = run_with(&s, jiff::civil::date(2026, 11, 28));
    let d = diags
        .iter()
        .find(|d| d.check == "overlay-conflict")
        .unwrap();
    assert!(d.suppressed.is_none());
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .ends_with("the deviation recorded for this expired on 2026-11-27"),
        "{:?}",
        d.help
    );
    let r: Vec<&str> = diags
        .iter()
        .filter(|d| d.check == "suppression")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        r,
        [
            "the deviation from `guidance/first-response#orders` expired on 2026-11-27: the conflicts it covered are reported again"
        ]
    );
    // Due today is not expired.
    let (_, diags) = run_with(&s, jiff::civil::date(2026, 11, 27));
    assert!(
        diags
            .iter()
            .find(|d| d.check == "overlay-conflict")
            .unwrap()
            .suppressed
            .is_some()
    );
}

#[test]
fn a_deviation_for_another_section_does_not_cover() {
    let s = overlay_site("2027-01-01");
    let t = s
        .read("overlay/guidance/first-response-local.md")
        .replace("#orders", "#recognising-stalking");
    s.write("overlay/guidance/first-response-local.md", &t);
    let (_, diags) = run_with(&s, jiff::civil::date(2026, 11, 28));
    assert!(
        diags
            .iter()
            .find(|d| d.check == "overlay-conflict")
            .unwrap()
            .suppressed
            .is_none()
    );
    // An unused deviation is reported by the run itself.
    let v = check_on(
        &s,
        "2026-11-28",
        &["--overlay", s.path("overlay").to_str().unwrap()],
    );
    let f = of(&v, "suppression");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].1, f[0].2, f[0].3.as_str()),
        (
            8,
            3,
            "this suppression of `overlay-conflict` matches no finding"
        )
    );
}

#[test]
fn a_baseline_silences_known_findings_and_lets_new_ones_through() {
    let s = site("deprecated");
    let baseline = s.path("baseline.json");
    let out = s.run(&[
        "check",
        "--today",
        "2026-11-28",
        "--write-baseline",
        baseline.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Lines move: the fingerprints do not depend on them.
    let moved = s
        .read("content/guidance/orders.md")
        .replace("Officers can", "Intro.\n\nOfficers can");
    s.write("content/guidance/orders.md", &moved);
    let (v, code) = s.check_json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        "--deny",
        "warnings",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["suppressed"], 2);
    s.write(
        "content/guidance/new.md",
        &page("New", "", "A harassment warning.\n"),
    );
    let (v, code) = s.check_json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        "--deny",
        "warnings",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        of(&v, "deprecated-term")
            .iter()
            .map(|x| x.0.as_str())
            .collect::<Vec<_>>(),
        ["content/guidance/new.md"]
    );
}

#[test]
fn sarif_marks_suppressed_results() {
    let s = site("");
    s.write(
        "content/guidance/quote.md",
        &page("Quote", "", "<!-- waymark-allow deprecated-term: quoting the report -->\nThe report asked for a stalking prevention order.\n"),
    );
    let out = s.run(&[
        "check",
        "--today",
        "2026-11-28",
        "--format",
        "sarif",
        "--show-suppressed",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "deprecated-term");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(r["suppressions"][0]["justification"], "quoting the report");
}

/// End to end, with the contradiction checks: a local page that contradicts its national page
/// is an `overlay-conflict` at the local page; a deviation covers it until its review date.
/// (Runs where `directive-conflict` is part of the build.)
#[test]
fn contradictions_with_national_guidance_become_overlay_conflicts() {
    if !waymark::check::rules()
        .iter()
        .any(|r| r.name == "directive-conflict")
    {
        return;
    }
    let s = site("");
    s.write(
        "content/guidance/attend.md",
        &page(
            "Attending reports",
            "updated: 2026-01-10\nlegal_basis: [legislation/pha-1997/s4a]\n",
            "## Attendance\n\nOfficers must attend every report of stalking within one hour.\n",
        ),
    );
    let local = |deviation: &str| {
        page(
            "Local attendance",
            &format!(
                "force: Exampleshire Police\noverlays: guidance/attend\nupdated: 2026-02-01\nlegal_basis: [legislation/pha-1997/s4a]\n{deviation}"
            ),
            "Officers must not attend every report of stalking within one hour.\n",
        )
    };
    let overlay = s.path("overlay");
    let args = ["--overlay", overlay.to_str().unwrap()];
    s.write("overlay/guidance/attend-local.md", &local(""));
    let v = check_on(&s, "2026-11-28", &args);
    let f = of(&v, "overlay-conflict");
    assert_eq!(f.len(), 1, "{v}");
    assert!(
        f[0].0.ends_with("overlay/guidance/attend-local.md") && f[0].1 == 10,
        "{f:?}"
    );
    assert!(f[0].3.starts_with("local procedure (Exampleshire Police) contradicts national guidance (directive-conflict): "), "{}", f[0].3);
    assert_eq!(of(&v, "directive-conflict"), vec![]);

    let deviation = "deviation: { target: guidance/attend#attendance, rationale: \"Rural force: the local agreement sets two hours.\", approved_by: ACC, review_due: 2027-01-01 }\n";
    s.write("overlay/guidance/attend-local.md", &local(deviation));
    let v = check_on(&s, "2026-11-28", &args);
    assert_eq!(of(&v, "overlay-conflict"), vec![]);
    assert_eq!(of(&v, "suppression"), vec![]);
    let v = check_on(&s, "2027-01-02", &args);
    assert_eq!(of(&v, "overlay-conflict").len(), 1);
    assert_eq!(
        of(&v, "suppression").len(),
        1,
        "the expired deviation is reported"
    );
}

#[test]
fn one_comment_may_name_several_checks_and_stacked_comments_reach_the_block() {
    let s = site("");
    s.write(
        "content/guidance/multi.md",
        &page(
            "Multi",
            "",
            "<!-- waymark-allow deprecated-term, undefined-abbreviation: the 2016 report's title, quoted -->\n<!-- waymark-allow unknown-citation: the report cites it this way -->\nThe 2016 DVPN report on the stalking prevention order cites s.9 PHA 1997.\n",
        ),
    );
    let (v, code) = s.check_json(&["--show-suppressed"]);
    assert_eq!(code, 0);
    let mut got: Vec<String> = suppressed(&v).into_iter().map(|x| x.0).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "deprecated-term",
            "undefined-abbreviation",
            "unknown-citation"
        ]
    );
    assert_eq!(of(&v, "suppression"), vec![]);
}
