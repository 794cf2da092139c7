//! `waymark init` and `waymark new`: starting points that already pass every check.

use crate::cli::NewKind;
use std::fs;
use std::path::{Path, PathBuf};

fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

fn review_due() -> String {
    let d = jiff::ZonedDateTime::now().date();
    d.checked_add(jiff::Span::new().years(1))
        .unwrap_or(d)
        .to_string()
}

fn write_new(path: &Path, text: &str) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{} already exists; Waymark never overwrites a page",
            path.display()
        ));
    }
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Creates a new site in `dir`, which must be empty or absent.
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} is not empty; choose a new folder",
            dir.display()
        ));
    }
    let (t, r) = (today(), review_due());
    write_new(
        &dir.join("site.yaml"),
        "title: My guidance site\ndescription: National guidance, checked and searchable.\nlanguage: en-GB\n# base_url: https://guidance.example.org/   # used only in the sitemap and feed\n",
    )?;
    write_new(
        &dir.join("content/_index.md"),
        "---\ntitle: My guidance site\nsummary: Guidance, legal summaries and a glossary.\n---\n\nStart with the [guidance](guidance/_index.md).\n",
    )?;
    write_new(
        &dir.join("content/guidance/_index.md"),
        "---\ntitle: Guidance\nsummary: Authorised Professional Practice.\n---\n\nThe pages in this section.\n",
    )?;
    write_new(
        &dir.join("content/guidance/first-steps.md"),
        &format!(
            "---\ntitle: First steps\nsummary: An example guidance page.\nfirst_published: {t}\nupdated: {t}\nreview_due: {r}\naudience: [first-response]\napplies_to: [england-and-wales]\ntags: [example]\n---\n\n## What to do\n\nOfficers should record what the victim says in their own words.\n\nSee the [glossary](../glossary/_index.md).\n"
        ),
    )?;
    write_new(
        &dir.join("content/glossary/_index.md"),
        "---\ntitle: Glossary\nsummary: Terms and abbreviations used in this guidance.\n---\n",
    )?;
    write_new(
        &dir.join("content/glossary/app.md"),
        &format!(
            "---\ntitle: Authorised Professional Practice (APP)\nsummary: The official source of professional practice on policing.\nterm: Authorised Professional Practice\nabbreviation: APP\ndefinition: The official source of professional practice on policing in England and Wales.\nupdated: {t}\nreview_due: {r}\n---\n\nAPP pages use \"must\" only where the law requires an action.\n"
        ),
    )?;
    Ok(())
}

/// Creates a page of `kind` at `path` (under content/, with or without `.md`).
pub fn new_page(root: &Path, kind: NewKind, path: &str) -> Result<PathBuf, String> {
    let rel = crate::parse::markdown::normalise_content_path(path.trim_start_matches("content/"))
        .map_err(|e| format!("{path}: {e}"))?;
    let rel = if rel.ends_with(".md") {
        rel
    } else {
        format!("{rel}.md")
    };
    let file = root.join("content").join(&rel);
    let stem = Path::new(&rel)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let title = crate::graph::humanise(&stem);
    let (t, r) = (today(), review_due());
    let common = format!(
        "title: {title}\nsummary: \nstatus: draft\nfirst_published: {t}\nupdated: {t}\nreview_due: {r}\nowner: \n"
    );
    let extra = match kind {
        NewKind::Guidance => "audience: [first-response]\napplies_to: [england-and-wales]\ntags: []\ntopics: []\nrelated: []\n".to_string(),
        NewKind::Legal => "legislation:\n  act: \n  short: []\n  provision: s.\n  extent: [england-and-wales]\n  in_force: \n  status: in-force\n  source: https://www.legislation.gov.uk/\noffence:\n  mode_of_trial: summary\n  max_penalty: { summary: 6 months }\n  time_limit: 6 months\n  points_to_prove: []\nfacts: {}\n".to_string(),
        NewKind::Practice => "organisation: \nregion: \nstage: untested\noutcome: new\nscale: local\ntarget_group: \npurpose: \nillustrative: false\n".to_string(),
        NewKind::Recommendation => "number: \naddressees: []\ndue: \nsource: \n".to_string(),
        NewKind::Term => format!("term: {title}\nabbreviation: \ndefinition: \nsynonyms: []\n"),
        NewKind::Section => String::new(),
    };
    let body = match kind {
        NewKind::Practice => {
            "\n## Aim\n\n## Intended outcome\n\n## Description\n\n## Evaluation\n\n## Overall impact\n\n## Leadership and governance\n\n## Implementation\n\n## Learning\n"
        }
        NewKind::Legal => {
            "\n## What the provision does\n\n## Points to prove\n\n## Practical notes\n"
        }
        _ => "\n## Overview\n\n",
    };
    let text = match kind {
        NewKind::Section => format!("---\ntitle: {title}\nsummary: \n---\n{body}"),
        _ => format!("---\n{common}{extra}---\n{body}"),
    };
    let text = text
        .replace(": \n", ": \"\"\n")
        .replace("due: \"\"\n", "")
        .replace("in_force: \"\"\n", "");
    write_new(&file, &text)?;
    Ok(file)
}
