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
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a successful write produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub out: PathBuf,
    pub files: usize,
    pub bytes: u64,
    pub build_id: String,
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

/// Whether the process that named a folder is still running (Linux; elsewhere assume not).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

/// Cleans up after builds that were killed: staging folders (a half-written new site, or the
/// previous site being removed after the swap) are removed, and an old site moved aside by
/// the two-rename fallback is put back if the new one never arrived. Only folders with the
/// names Waymark gives them (`.<out>.waymark-staging-<pid>`), whose process is gone, are
/// touched: a kill can come before the marker is written or after removal has taken the
/// manifest, so the name and the dead process are what identify them.
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
    let staging_prefix = format!(".{name}{STAGING_MARK}-");
    let old_prefix = format!(".{name}.waymark-old-");
    let Ok(rd) = fs::read_dir(parent) else { return };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let n = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        let pid_of = |prefix: &str| n.strip_prefix(prefix).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid_of(&staging_prefix) {
            if path.is_dir() && !path.is_symlink() && !process_alive(pid) {
                let _ = fs::remove_dir_all(&path);
            }
        } else if let Some(pid) = pid_of(&old_prefix)
            && path.join(manifest::MANIFEST).is_file()
            && !process_alive(pid)
        {
            if out.exists() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::rename(&path, out);
            }
        }
    }
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    // Every output path is built from content (ids, aliases, asset names); whatever an earlier
    // stage let through, nothing is ever written outside the output folder.
    let inside = !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside {
        return Err(format!(
            "refusing to write `{}`: the path leads outside the output folder",
            rel.escape_debug()
        ));
    }
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    }
    fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A site being written: a staging folder beside the output folder, filled a chunk at a time
/// (so the rendered site never has to sit in memory whole) and swapped in by [`Staging::publish`].
/// Dropped without publishing, it removes itself and the previous output stays as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    /// Every file written so far, with its size and SHA-256, computed while writing so the
    /// manifest never reads the site back.
    written: Mutex<BTreeMap<String, (u64, [u8; 32])>>,
    published: bool,
}

impl Staging {
    /// Checks the output folder may be replaced, clears what killed builds left, and creates
    /// the staging folder with its marker.
    pub fn create(root: &Path, out: &Path) -> Result<Staging, String> {
        check_output_folder(root, out)?;
        clean_stale_staging(out);
        let dir = staging_path(out);
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let staging = Staging {
            dir,
            out: out.to_path_buf(),
            written: Mutex::new(BTreeMap::new()),
            published: false,
        };
        // The marker stays until the swap so that a killed build's folder is recognised.
        fs::write(staging.dir.join(STAGING_MARK), b"waymark staging folder\n")
            .map_err(|e| e.to_string())?;
        Ok(staging)
    }

    /// The staging folder, for stages that write there themselves (the search indexes).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes files in parallel, hashing each as it goes.
    pub fn put(&self, files: &[OutputFile]) -> Result<(), String> {
        let entries: Vec<(String, (u64, [u8; 32]))> = files
            .par_iter()
            .map(|f| {
                write_file(&self.dir, &f.path, &f.bytes)?;
                Ok((
                    f.path.clone(),
                    (f.bytes.len() as u64, Sha256::digest(&f.bytes).into()),
                ))
            })
            .collect::<Result<_, String>>()?;
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.extend(entries);
        Ok(())
    }

    /// Copies the theme's static files and the site's assets.
    pub fn put_static(
        &self,
        static_files: &[(String, StaticSource)],
        assets: &BTreeMap<String, PathBuf>,
    ) -> Result<(), String> {
        let read = |p: &Path| fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
        let mut files = Vec::with_capacity(static_files.len() + assets.len());
        for (rel, src) in static_files {
            let bytes = match src {
                StaticSource::Embedded(b) => b.to_vec(),
                StaticSource::Disk(p) => read(p)?,
            };
            files.push(OutputFile {
                path: rel.clone(),
                bytes,
            });
        }
        self.put(&files)?;
        // Assets one at a time: they can be large.
        for (rel, src) in assets {
            self.put(&[OutputFile {
                path: rel.clone(),
                bytes: read(src)?,
            }])?;
        }
        Ok(())
    }

    /// The SHA-256 of a file written so far.
    pub fn hash_of(&self, path: &str) -> Option<[u8; 32]> {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.get(path).map(|e| e.1)
    }

    /// Writes the manifest and swaps the staging folder in for the output folder.
    pub fn publish(mut self, build_id_inputs: &[u8], profile: Profile) -> Result<Written, String> {
        let build_id = hex::encode(&Sha256::digest(build_id_inputs)[..16]);
        let known = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        let manifest = Manifest::compute_with(&self.dir, &known, &build_id, profile)?;
        manifest.write(&self.dir)?;
        let _ = fs::remove_file(self.dir.join(STAGING_MARK));
        // From here the folder is either swapped in or left for the next build to clean up.
        self.published = true;
        swap_in(&self.dir, &self.out)?;
        Ok(Written {
            out: self.out.clone(),
            files: manifest.files.len(),
            bytes: manifest.files.iter().map(|f| f.size).sum(),
            build_id: manifest.build_id,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
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
            // `staging` now holds the old site (with its manifest, so a build killed while
            // removing it leaves a folder the next build recognises).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_written_outside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for bad in [
            "../escape.html",
            "a/../../escape.html",
            "/tmp/escape.html",
            "",
        ] {
            let e = write_file(&out, bad, b"x").unwrap_err();
            assert!(e.contains("leads outside the output folder"), "{bad}: {e}");
        }
        assert!(!dir.path().join("escape.html").exists());
        write_file(&out, "a/b c/index.html", b"x").unwrap();
        assert!(out.join("a/b c/index.html").is_file());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn killed_builds_leave_nothing_behind_but_running_ones_are_spared() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        // A pid that cannot be running (above the kernel's maximum), one that is (ours is
        // treated as finished, so use the parent's), and a user's look-alike folder.
        let dead = dir.path().join(format!(".public{STAGING_MARK}-4294967290"));
        let live = dir.path().join(format!(
            ".public{STAGING_MARK}-{}",
            std::os::unix::process::parent_id()
        ));
        let users = dir.path().join(".public.waymark-staging-notes");
        for d in [&dead, &live, &users] {
            fs::create_dir_all(d.join("sub")).unwrap();
            fs::write(d.join("sub/page.html"), "x").unwrap();
        }
        clean_stale_staging(&out);
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(users.exists());
    }
}
