//! Test helpers: build small sites in temporary folders and run the real `waymark` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// A site written into a temporary folder: `site.yaml` plus files under the site root.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with a minimal `site.yaml`.
    pub fn new() -> TestSite {
        let s = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        s.write("site.yaml", "title: Test site\n");
        s
    }

    /// Copies a fixture folder from `tests/fixtures/<rel>`.
    pub fn fixture(rel: &str) -> TestSite {
        let s = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        copy_dir(&fixtures().join(rel), s.root());
        if !s.root().join("site.yaml").exists() {
            s.write("site.yaml", "title: Test site\n");
        }
        s
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Runs `waymark --root <site> ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"));
        cmd.arg("--root")
            .arg(self.root())
            .args(args)
            .env("NO_COLOR", "1");
        cmd.output().expect("run waymark")
    }

    /// `waymark check --format json` parsed.
    pub fn check_json(&self, extra: &[&str]) -> (serde_json::Value, i32) {
        let mut args = vec!["check", "--format", "json", "--today", "2026-11-28"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "json: {e}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (v, out.status.code().unwrap_or(-1))
    }

    /// `waymark build` into `<site>/public`.
    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build", "--today", "2026-11-28", "--no-static-search"];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

/// (check, file, line, column) of each diagnostic in a JSON report.
pub fn findings(v: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["check"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root (the bundled site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under a folder with its bytes, sorted, for byte-identical comparisons.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push((
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    out
}
