//! Baselines: known findings recorded by a line-independent fingerprint, so they stop
//! blocking while new findings still do (`check --write-baseline FILE`, `--baseline FILE`).

use crate::diag::{Diagnostic, Sources, Suppression, fingerprint};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    check: String,
    file: String,
    fingerprint: String,
    message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

pub fn write(path: &Path, diags: &[Diagnostic], sources: &Sources) -> Result<(), String> {
    let findings = diags
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| Entry {
            check: d.check.to_string(),
            file: d
                .primary
                .as_ref()
                .map(|l| sources.get(l.file).display.clone())
                .unwrap_or_default(),
            fingerprint: fingerprint(d, sources),
            message: d.message.clone(),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&Baseline {
        version: 1,
        findings,
    })
    .map_err(|e| e.to_string())?;
    s.push('\n');
    std::fs::write(path, s).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Marks findings recorded in the baseline as suppressed.
pub fn apply(path: &Path, diags: &mut [Diagnostic], sources: &Sources) -> Result<usize, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a Waymark baseline: {e}", path.display()))?;
    let known: BTreeSet<String> = b.findings.into_iter().map(|e| e.fingerprint).collect();
    let mut n = 0;
    for d in diags.iter_mut() {
        if d.suppressed.is_none() && known.contains(&fingerprint(d, sources)) {
            d.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: format!("recorded in {}", path.display()),
            });
            n += 1;
        }
    }
    Ok(n)
}
