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
    ("sect 5A restraining order acquittal", "legislation/pha-1997/s5a"),
    ("s8 spa breach", "legislation/spa-2019/s8"),
    ("2B power of entry", "legislation/pha-1997/s2b"),
    ("s127 MCA 1980 time limit", "legislation/mca-1980/s127"),
    // Abbreviations.
    (
        "how long does an SPO last",
        "legislation/spa-2019/s3|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("interim SPO", "guidance/stalking-or-harassment/protective-orders/interim-orders"),
    ("CCB ex partner not living together", "legislation/daa-2021/s68"),
    ("PIN harassment warning", "guidance/stalking-or-harassment/police-information-notices"),
    ("MARAC referral criteria", "guidance/stalking-or-harassment/risk-assessment/marac-referral"),
    ("ISAC referral", "guidance/stalking-or-harassment/victim-care/advocacy-and-support"),
    ("sdash or dash which tool", "guidance/stalking-or-harassment/risk-assessment/screening-tools"),
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
    ("cyberstaking", "guidance/stalking-or-harassment/investigation/cyberstalking"),
    ("restraning order breach", "legislation/sentencing-act-2020/s363"),
    ("notifcation requirements spo", "legislation/spa-2019/s9"),
    // Questions in plain words.
    ("what should a call handler ask", "guidance/stalking-or-harassment/call-handling"),
    (
        "can the victim apply for an SPO themselves",
        "guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("how do I preserve social media evidence", "guidance/stalking-or-harassment/investigation/digital-evidence"),
    (
        "victim wants to know who the online stalker is",
        "guidance/stalking-or-harassment/victim-care/releasing-an-online-stalkers-identity",
    ),
    ("how often should I update the victim", "guidance/stalking-or-harassment/victim-care/keeping-victims-informed"),
    ("time limit summary only harassment", "guidance/stalking-or-harassment/offences/time-limits"),
    ("what does FOUR stand for", "glossary/four"),
    ("enhanced service victims code", "guidance/stalking-or-harassment/victim-care/enhanced-service"),
    ("racially aggravated stalking", "legislation/cda-1998/s32"),
    ("threatening messages online safety act", "legislation/osa-2023/s181"),
    ("sending false messages to cause harm", "legislation/osa-2023/s179"),
    (
        "who can apply for a stalking protection order",
        "legislation/spa-2019/s1|guidance/stalking-or-harassment/protective-orders/stalking-protection-orders",
    ),
    ("what did the super-complaint investigation find", "guidance/police-response-to-stalking-2024"),
    ("stalking and homicide risk", "guidance/police-response-to-stalking-2024/stalking-and-serious-harm"),
    ("make stalking searchable on crime records", "recommendations/rec-07"),
    ("stalking training recommendation", "recommendations/rec-10"),
    ("safeguarding app for domestic abuse victims", "practice/victim-safeguarding-app"),
    ("first responder checklist", "guidance/stalking-or-harassment/checklists/first-responders"),
    ("supervisor checklist before closing a case", "guidance/stalking-or-harassment/checklists/supervisors"),
    ("build a chronology of incidents", "guidance/stalking-or-harassment/investigation/pattern-and-history"),
    ("legal definition of domestic abuse", "legislation/daa-2021/s1"),
    ("course of conduct meaning", "legislation/pha-1997/s7|glossary/course-of-conduct"),
    ("breach of a civil injunction harassment", "legislation/pha-1997/s3"),
    ("points to prove stalking", "legislation/pha-1997/s2a"),
    ("stalking clinic", "guidance/stalking-or-harassment/multi-agency/stalking-teams-and-clinics"),
    ("national stalking helpline", "guidance/stalking-or-harassment/victim-care/advocacy-and-support"),
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
