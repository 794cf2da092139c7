//! Crash safety: a build killed with SIGKILL at any point leaves the previous output exactly
//! as it was (or, if the kill came after the swap, exactly the new output), and the next
//! build succeeds and cleans up after the killed ones.

use crate::support::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A site big enough that a build takes a noticeable time: `n` guidance pages in a few
/// sections, linking to each other, with a heading structure and a snippet.
fn generated_site(n: usize, edition: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "content/_index.md",
        "---\ntitle: Home\nsummary: Generated guidance.\n---\n\nThe generated guidance.\n",
    );
    site.write(
        "content/_snippets/contact.md",
        "Call the duty officer if the risk changes.\n",
    );
    for s in 0..5 {
        site.write(
            &format!("content/guidance/s{s}/_index.md"),
            &format!("---\ntitle: Section {s}\nsummary: Section {s} of the guidance.\n---\n\nPages of section {s}.\n"),
        );
    }
    let para = "Officers should record each report in full, speak to the victim in person \
                where it is safe to do so, and review the risk assessment when anything \
                changes. Supervisors check that the record is complete within one day. ";
    for i in 0..n {
        let next = (i + 1) % n;
        let body = format!(
            "---\ntitle: Page {i} ({edition})\nsummary: Guidance page {i}.\n---\n\n\
             ## Purpose\n\n{para}{para}\n\n## Action\n\n- {para}\n- {para}\n\n\
             See [page {next}](@/guidance/s{}/p{next}.md#purpose).\n\n\
             {{{{ include(path=\"_snippets/contact.md\") }}}}\n\n## Review\n\n{para}{para}{para}\n",
            next % 5
        );
        site.write(&format!("content/guidance/s{}/p{i}.md", i % 5), &body);
    }
    site
}

fn spawn_build(site: &TestSite) -> Child {
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("--root")
        .arg(site.root())
        .args([
            "build",
            "--today",
            "2026-11-28",
            "--no-static-search",
            "--quiet",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn waymark")
}

/// Staging folders of `public` in the site root: (path, still holds the in-progress marker).
fn staging_folders(root: &Path) -> Vec<(std::path::PathBuf, bool)> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".public.waymark-staging-")
        })
        .map(|e| {
            let p = e.path();
            let marked = p.join(".waymark-staging").is_file();
            (p, marked)
        })
        .collect()
}

/// How a kill was aimed.
#[derive(Debug, Clone, Copy)]
enum When {
    After(Duration),
    /// Once the staging folder holds this many files (and still has its marker).
    StagingHolds(usize),
}

/// Starts a build, kills it (SIGKILL) at `when`, and waits for it. Returns whether the kill
/// landed before the build finished on its own.
fn kill_build(site: &TestSite, when: When) -> bool {
    let mut child = spawn_build(site);
    let start = Instant::now();
    match when {
        When::After(d) => std::thread::sleep(d),
        When::StagingHolds(n) => loop {
            let ready = staging_folders(site.root()).iter().any(|(p, marked)| {
                *marked
                    && walkdir::WalkDir::new(p)
                        .into_iter()
                        .flatten()
                        .filter(|e| e.file_type().is_file())
                        .nth(n)
                        .is_some()
            });
            if ready
                || child.try_wait().unwrap().is_some()
                || start.elapsed() > Duration::from_secs(20)
            {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        },
    }
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let status = child.wait().unwrap();
    // A kill that arrived in time shows as death by signal (no exit code).
    !finished && status.code().is_none()
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_point_leaves_the_previous_output_intact() {
    let site = generated_site(150, "first edition");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let previous = snapshot_dir(&site.path("public"));

    // The next edition changes every page; build it elsewhere once to know the full new
    // output and how long a build takes.
    let next = generated_site(150, "second edition");
    for (rel, bytes) in snapshot_dir(&next.path("content")) {
        std::fs::write(site.path("content").join(rel), bytes).unwrap();
    }
    let t = Instant::now();
    let out = site.build(&["--out", next.path("expected").to_str().unwrap()]);
    let full = t.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = snapshot_dir(&next.path("expected"));
    assert_ne!(previous, expected);

    // Kill points: at once, spread over a build's duration, and while the staging folder is
    // being filled (early, late, and with nearly every file written).
    let mut points = vec![When::After(Duration::ZERO)];
    for tenth in [1, 3, 5, 7, 9] {
        points.push(When::After(full * tenth / 10));
    }
    let files = expected.len();
    for n in [1, files / 2, files.saturating_sub(2)] {
        points.push(When::StagingHolds(n));
    }
    let mut killed_before_swap = 0;
    for when in points {
        let killed = kill_build(&site, when);
        let now = snapshot_dir(&site.path("public"));
        if now == previous {
            killed_before_swap += usize::from(killed);
        } else {
            // Only a kill after the swap may show the new site, and then all of it.
            assert!(
                now == expected,
                "killed at {when:?}: the output is neither the previous nor the new site"
            );
        }
    }
    assert!(
        killed_before_swap >= 3,
        "only {killed_before_swap} kills landed before the swap; the test proves little"
    );

    // The next build succeeds, publishes exactly the new site and leaves no staging behind.
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(snapshot_dir(&site.path("public")) == expected);
    assert_eq!(staging_folders(site.root()), vec![]);
    let out = site.run(&["verify", site.path("public").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}
