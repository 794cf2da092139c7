//! `manifest.json`: the generator, a build id (hash of the inputs) and every file with its
//! size and SHA-256, so a mirror can prove its copy is complete and unaltered.

use crate::pipeline::Profile;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub generator: String,
    pub build_id: String,
    pub profile: String,
    pub files: Vec<ManifestEntry>,
}

fn hash_file(p: &Path) -> Result<(u64, String), String> {
    let bytes = fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    Ok((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}

fn list(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let e = e.map_err(|e| e.to_string())?;
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).map_err(|e| e.to_string())?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel != MANIFEST && !rel.starts_with(".waymark") {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

impl Manifest {
    pub fn compute(dir: &Path, build_id: &str, profile: Profile) -> Result<Manifest, String> {
        Manifest::compute_with(dir, &BTreeMap::new(), build_id, profile)
    }

    /// Like [`Manifest::compute`], but takes the size and hash of the files in `known` (written
    /// by this build, hashed as they were written) instead of reading them back.
    pub fn compute_with(
        dir: &Path,
        known: &BTreeMap<String, (u64, [u8; 32])>,
        build_id: &str,
        profile: Profile,
    ) -> Result<Manifest, String> {
        let files = list(dir)?
            .into_par_iter()
            .map(|rel| {
                let (size, sha256) = match known.get(&rel) {
                    Some((size, sha)) => (*size, hex::encode(sha)),
                    None => hash_file(&dir.join(&rel))?,
                };
                Ok(ManifestEntry {
                    path: rel,
                    size,
                    sha256,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Manifest {
            generator: format!("waymark {}", env!("CARGO_PKG_VERSION")),
            build_id: build_id.to_string(),
            profile: match profile {
                Profile::Public => "public".into(),
                Profile::Internal => "internal".into(),
            },
            files,
        })
    }

    pub fn write(&self, dir: &Path) -> Result<(), String> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        s.push('\n');
        fs::write(dir.join(MANIFEST), s).map_err(|e| format!("cannot write manifest: {e}"))
    }

    /// Reads a folder's manifest; errors when there is none or it is not Waymark's.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let text = fs::read_to_string(dir.join(MANIFEST))
            .map_err(|e| format!("no {MANIFEST} in {}: {e}", dir.display()))?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{MANIFEST} in {} is not a Waymark manifest: {e}",
                dir.display()
            )
        })?;
        if !m.generator.starts_with("waymark") {
            return Err(format!(
                "{MANIFEST} in {} was not written by Waymark",
                dir.display()
            ));
        }
        Ok(m)
    }
}

/// The result of `waymark verify DIR`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub checked: usize,
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    pub extra: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Recomputes every file's size and hash against the manifest.
pub fn verify(dir: &Path) -> Result<VerifyReport, String> {
    let m = Manifest::read(dir)?;
    let mut r = VerifyReport::default();
    let on_disk = list(dir)?;
    for e in &m.files {
        let p = dir.join(&e.path);
        if !p.is_file() {
            r.missing.push(e.path.clone());
            continue;
        }
        let (size, sha) = hash_file(&p)?;
        r.checked += 1;
        if size != e.size || sha != e.sha256 {
            r.changed.push(e.path.clone());
        }
    }
    let listed: std::collections::BTreeSet<&str> =
        m.files.iter().map(|f| f.path.as_str()).collect();
    r.extra = on_disk
        .into_iter()
        .filter(|p| !listed.contains(p.as_str()))
        .collect();
    Ok(r)
}
