//! LOAD: find and read the site's files. This is the only stage (with `write`, `index` and
//! `serve`) that touches the disk. One unreadable file never stops the run: it becomes a
//! diagnostic and the rest are still read.

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, FileId, SourceFile, Sources};
use crate::model::Origin;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub const CHECK: &str = "source";

/// A content file that was read.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub file: FileId,
    /// Path under its content root with `/` separators.
    pub rel_path: String,
    pub origin: Origin,
}

/// A non-Markdown file in the content tree (an image, a PDF): copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel_path: String,
    pub path: PathBuf,
    pub origin: Origin,
}

#[derive(Debug, Default)]
pub struct Loaded {
    /// Pages (including `_index.md`), sorted by origin then path.
    pub pages: Vec<ContentFile>,
    /// Fragments under `_snippets/`, by path under the content root.
    pub snippets: Vec<ContentFile>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A content tree to read: the site's `content/` or an overlay.
pub struct Root<'a> {
    pub dir: &'a Path,
    /// Prefix for diagnostic paths ("content" or the overlay path as given).
    pub display: String,
    pub origin: Origin,
}

pub(crate) fn ignore_set(cfg: &SiteConfig) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in &cfg.ignore {
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Editor droppings and hidden files are never content.
pub(crate) fn is_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with("#")
}

/// Reads every content tree. Files are registered in `sources` in a stable order.
pub fn load(roots: &[Root], cfg: &SiteConfig, sources: &mut Sources) -> Loaded {
    let ignore = ignore_set(cfg);
    let mut out = Loaded::default();
    for root in roots {
        load_root(root, cfg, &ignore, sources, &mut out);
    }
    out
}

fn load_root(
    root: &Root,
    cfg: &SiteConfig,
    ignore: &GlobSet,
    sources: &mut Sources,
    out: &mut Loaded,
) {
    let canonical_root = match root.dir.canonicalize() {
        Ok(p) => p,
        Err(e) => {
            out.diagnostics.push(
                Diagnostic::error(
                    CHECK,
                    format!("cannot read the content folder {}: {e}", root.display),
                )
                .help("run waymark in the site's folder, or pass --root"),
            );
            return;
        }
    };
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    let walker = WalkDir::new(&canonical_root)
        .follow_links(false)
        .sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(&canonical_root).ok())
                    .map(display_rel)
                    .unwrap_or_default();
                out.diagnostics
                    .push(unreadable(sources, root, &rel, &e.to_string()));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = display_rel(
            entry
                .path()
                .strip_prefix(&canonical_root)
                .unwrap_or(entry.path()),
        );
        if is_noise(&name) || ignore.is_match(&rel) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let bad_name = if entry.file_name().to_str().is_none() {
            Some("is not valid UTF-8".to_string())
        } else {
            crate::model::url::path_problem(&name)
        };
        if let Some(problem) = bad_name {
            let what = if entry.file_type().is_dir() {
                "folder name"
            } else {
                "file name"
            };
            out.diagnostics.push(file_level(
                sources,
                root,
                &rel,
                &format!("the {what} {problem}; it is not read"),
                "rename it using letters, digits, spaces, hyphens and underscores",
            ));
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Err(e) => {
                    let msg = if e.raw_os_error() == Some(40) {
                        "symbolic link loop".to_string()
                    } else {
                        format!("broken symbolic link ({e})")
                    };
                    out.diagnostics.push(file_level(
                        sources,
                        root,
                        &rel,
                        &msg,
                        "remove the link or point it at a file inside the content folder",
                    ));
                }
                Ok(target) if !target.starts_with(&canonical_root) => {
                    out.diagnostics.push(file_level(
                        sources,
                        root,
                        &rel,
                        "symbolic link points outside the content folder; it is not read",
                        "copy the file into the content folder instead of linking to it",
                    ));
                }
                Ok(target) if target.is_dir() => {
                    out.diagnostics.push(
                        file_level(
                            sources,
                            root,
                            &rel,
                            "symbolic links to folders are not followed",
                            "move the folder into the content tree",
                        )
                        .with_severity_warning(),
                    );
                }
                Ok(target) if !target.is_file() => {
                    out.diagnostics.push(special_file(sources, root, &rel));
                }
                Ok(target) => entries.push((rel, target, true)),
            }
            continue;
        }
        if entry.file_type().is_file() {
            entries.push((rel, entry.path().to_path_buf(), false));
        } else if !entry.file_type().is_dir() {
            out.diagnostics.push(special_file(sources, root, &rel));
        }
    }
    for (rel, path, _) in entries {
        let is_md = rel.ends_with(".md");
        let is_snippet = rel.starts_with("_snippets/");
        if !is_md {
            if !is_snippet {
                out.assets.push(Asset {
                    rel_path: rel,
                    path,
                    origin: root.origin.clone(),
                });
            }
            continue;
        }
        if let Some(id) = read(&path, &rel, root, cfg, sources, out) {
            let f = ContentFile {
                file: id,
                rel_path: rel,
                origin: root.origin.clone(),
            };
            if is_snippet {
                out.snippets.push(f);
            } else {
                out.pages.push(f);
            }
        }
    }
}

trait WarningExt {
    fn with_severity_warning(self) -> Self;
}
impl WarningExt for Diagnostic {
    fn with_severity_warning(mut self) -> Self {
        self.severity = crate::diag::Severity::Warning;
        self
    }
}

/// A path under a content root with `/` separators. Control characters are shown escaped
/// (`\n`), so a hostile name cannot forge lines in reports; such names are refused anyway.
fn display_rel(p: &Path) -> String {
    let s = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        s
    }
}

fn display_path(root: &Root, rel: &str) -> String {
    format!("{}/{}", root.display.trim_end_matches('/'), rel)
}

/// A diagnostic about a file as a whole: the file is registered (empty) so the finding has a
/// path to show.
fn file_level(sources: &mut Sources, root: &Root, rel: &str, msg: &str, help: &str) -> Diagnostic {
    let id = sources.add(SourceFile::new(
        display_path(root, rel),
        root.dir.join(rel),
        String::new(),
    ));
    Diagnostic::error(CHECK, msg).at(id, 0..0).help(help)
}

/// A named pipe, socket or device (or a link to one): reading or copying it would block or
/// never end, so only regular files are read or published.
fn special_file(sources: &mut Sources, root: &Root, rel: &str) -> Diagnostic {
    file_level(
        sources,
        root,
        rel,
        "not a regular file (a named pipe, socket or device); it is not read",
        "replace it with an ordinary file",
    )
}

fn unreadable(sources: &mut Sources, root: &Root, rel: &str, err: &str) -> Diagnostic {
    let msg = if err.contains("File system loop") || err.contains("loop") {
        "symbolic link loop".to_string()
    } else {
        format!("cannot read: {err}")
    };
    file_level(
        sources,
        root,
        rel,
        &msg,
        "check the file's permissions and links",
    )
}

/// Reads one Markdown file with its size, binary and encoding checks.
fn read(
    path: &Path,
    rel: &str,
    root: &Root,
    cfg: &SiteConfig,
    sources: &mut Sources,
    out: &mut Loaded,
) -> Option<FileId> {
    let display = display_path(root, rel);
    let limit = cfg.limits.max_file_size;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.diagnostics
                .push(unreadable(sources, root, rel, &e.to_string()));
            return None;
        }
    };
    // Checked when the folder was walked too; the file may have been swapped since.
    if !meta.is_file() {
        out.diagnostics.push(special_file(sources, root, rel));
        return None;
    }
    let too_big = |sources: &mut Sources, size: u64| {
        file_level(
            sources,
            root,
            rel,
            &format!("file is {size} bytes, over the limit of {limit} bytes; it is not read"),
            "split the page, or raise `limits.max_file_size` in site.yaml",
        )
    };
    if meta.len() > limit {
        out.diagnostics.push(too_big(sources, meta.len()));
        return None;
    }
    // Read at most one byte over the limit: the file may grow after it was measured.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let read = std::fs::File::open(path).and_then(|f| {
        std::io::Read::read_to_end(&mut std::io::Read::take(f, limit + 1), &mut bytes)
    });
    if let Err(e) = read {
        out.diagnostics
            .push(unreadable(sources, root, rel, &e.to_string()));
        return None;
    }
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        out.diagnostics.push(too_big(sources, size));
        return None;
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        out.diagnostics.push(file_level(
            sources,
            root,
            rel,
            "binary file with a .md name; it is not read",
            "rename it, or move it out of the content folder",
        ));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(SourceFile::new(display, path.to_path_buf(), text))),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(SourceFile::new(display, path.to_path_buf(), lossy));
            out.diagnostics.push(
                Diagnostic::error(CHECK, "the file is not valid UTF-8 text; it is not read")
                    // The invalid bytes show as one U+FFFD in the lossy text.
                    .at(id, at..at + '\u{FFFD}'.len_utf8())
                    .help("save the file as UTF-8 in your editor"),
            );
            None
        }
    }
}
