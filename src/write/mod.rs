//! WRITE: put the rendered site on disk, safely.
//!
//! The site is written into a staging folder next to the output folder and swapped in only
//! when everything succeeded, so a failed or killed build leaves the previous output as it was.
//! Waymark never deletes a folder it did not create: an existing output folder must be empty or
//! hold a Waymark `manifest.json`. `manifest.json` lists every file with its size and SHA-256,
//! and `verify` recomputes it.

mod manifest;

pub use manifest::{MANIFEST, Manifest, ManifestEntry, VerifyReport, verify};

use crate::pipeline::Profile;
use crate::render::OutputFile;
use crate::render::theme::StaticSource;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What a successful write produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub out: PathBuf,
    pub files: usize,
    pub bytes: u64,
    pub build_id: String,
}

pub struct WriteRequest<'a> {
    pub root: &'a Path,
    pub out: &'a Path,
    pub files: Vec<OutputFile>,
    pub static_files: &'a [(String, StaticSource)],
    pub assets: &'a BTreeMap<String, PathBuf>,
    pub build_id_inputs: Vec<u8>,
    pub profile: Profile,
}

const STAGING_MARK: &str = ".waymark-staging";

/// Finds the first restricted needle in any output file: (path, needle).
pub fn find_leak(files: &[OutputFile], needles: &[String]) -> Option<(String, String)> {
    if needles.is_empty() {
        return None;
    }
    // Output escapes text, so look for the escaped forms too.
    let forms: Vec<(String, String)> = needles
        .iter()
        .flat_map(|n| {
            let esc = n
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            let esc2 = esc.replace('\'', "&#39;");
            vec![
                (n.clone(), n.clone()),
                (esc.clone(), n.clone()),
                (esc2, n.clone()),
            ]
        })
        .collect();
    for f in files {
        let text = String::from_utf8_lossy(&f.bytes);
        for (form, original) in &forms {
            if text.contains(form.as_str()) {
                return Some((f.path.clone(), original.clone()));
            }
        }
    }
    None
}

fn canonical_or_self(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| {
        // The folder may not exist yet: canonicalise its parent.
        match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
                canonical_or_self(parent).join(name)
            }
            _ => std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf()),
        }
    })
}

/// Refuses output folders that would destroy something: the site itself, a folder that holds
/// it, the content folder, or a non-empty folder Waymark did not write.
pub fn check_output_folder(root: &Path, out: &Path) -> Result<(), String> {
    let root_c = canonical_or_self(root);
    let out_c = canonical_or_self(out);
    if out_c.parent().is_none() {
        return Err(format!(
            "refusing to write the site to {}: it is a filesystem root",
            out.display()
        ));
    }
    if root_c.starts_with(&out_c) {
        return Err(format!(
            "refusing to write the site to {}: it holds the site's own files",
            out.display()
        ));
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out_c.starts_with(root_c.join(protected)) {
            return Err(format!(
                "refusing to write the site to {}: it is inside the site's {protected}/ folder",
                out.display()
            ));
        }
    }
    if out_c.is_file() {
        return Err(format!(
            "refusing to write the site to {}: it is a file",
            out.display()
        ));
    }
    if out_c.is_dir() {
        let non_empty = fs::read_dir(&out_c)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty && Manifest::read(&out_c).is_err() {
            return Err(format!(
                "refusing to replace {}: it is not empty and has no Waymark manifest.json, so Waymark did not create it\nhelp: choose another --out, or empty the folder yourself",
                out.display()
            ));
        }
    }
    Ok(())
}

fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}{STAGING_MARK}-{}", std::process::id()))
}

/// Removes staging folders left by earlier builds that were killed. Only folders with our
/// staging name and our marker file inside are touched.
fn clean_stale_staging(out: &Path) {
    let Some(parent) = out.parent() else { return };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let prefix = format!(".{name}{STAGING_MARK}-");
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with(&prefix) && e.path().join(STAGING_MARK).is_file() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    }
    fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes the site: staging folder, then an atomic swap with the old output.
pub fn write_site(
    req: &WriteRequest,
    index: &dyn Fn(&Path) -> Result<(), String>,
) -> Result<Written, String> {
    check_output_folder(req.root, req.out)?;
    clean_stale_staging(req.out);
    let staging = staging_path(req.out);
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .map_err(|e| format!("cannot clear {}: {e}", staging.display()))?;
    }
    fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    let result = (|| {
        fs::write(staging.join(STAGING_MARK), b"waymark staging folder\n")
            .map_err(|e| e.to_string())?;
        for f in &req.files {
            write_file(&staging, &f.path, &f.bytes)?;
        }
        for (rel, src) in req.static_files {
            match src {
                StaticSource::Embedded(b) => write_file(&staging, rel, b)?,
                StaticSource::Disk(p) => {
                    let b = fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                    write_file(&staging, rel, &b)?;
                }
            }
        }
        for (rel, src) in req.assets {
            let b = fs::read(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
            write_file(&staging, rel, &b)?;
        }
        index(&staging)?;
        fs::remove_file(staging.join(STAGING_MARK)).map_err(|e| e.to_string())?;
        let build_id = hex::encode(&Sha256::digest(&req.build_id_inputs)[..16]);
        let manifest = Manifest::compute(&staging, &build_id, req.profile)?;
        manifest.write(&staging)?;
        // The marker goes back until the swap, so a killed build's folder is recognised.
        fs::write(staging.join(STAGING_MARK), b"waymark staging folder\n")
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(manifest)
    })();
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let _ = fs::remove_file(staging.join(STAGING_MARK));
    swap_in(&staging, req.out)?;
    Ok(Written {
        out: req.out.to_path_buf(),
        files: manifest.files.len(),
        bytes: manifest.files.iter().map(|f| f.size).sum(),
        build_id: manifest.build_id.clone(),
    })
}

/// Replaces `out` with `staging` atomically where the OS allows (Linux `RENAME_EXCHANGE`), so
/// a server reading `out` never sees a half-written site.
fn swap_in(staging: &Path, out: &Path) -> Result<(), String> {
    if !out.exists() {
        return fs::rename(staging, out)
            .map_err(|e| format!("cannot move the new site into {}: {e}", out.display()));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the old site.
            let _ = fs::remove_dir_all(staging);
            return Ok(());
        }
    }
    let old = out.with_file_name(format!(
        ".{}.waymark-old-{}",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    fs::rename(out, &old).map_err(|e| format!("cannot move the old site aside: {e}"))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(format!(
            "cannot move the new site into {}: {e}",
            out.display()
        ));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}
