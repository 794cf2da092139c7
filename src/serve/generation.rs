//! What a server is serving: one generation of a built folder (its manifest's file list and
//! its search index), swapped whole when a new build arrives, so every request sees one
//! consistent build.

use crate::index::page::ResultsPage;
use crate::index::query::{SearchError, SearchIndex};
use crate::write::Manifest;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub struct Generation {
    pub build_id: String,
    /// Every file the manifest lists, by path under the folder.
    pub files: Arc<HashSet<String>>,
    /// The open search index, or why there is none.
    pub search: Result<Arc<SearchIndex>, String>,
    /// The index exists but cannot be used (wrong schema, damaged): the server is unhealthy.
    pub search_fatal: bool,
    /// The theme's search page, for results rendered on the server (`search/?q=`).
    pub results: Option<Arc<ResultsPage>>,
}

impl Generation {
    /// Reads a built folder: its manifest (required) and its search index.
    pub fn load(dir: &Path) -> Result<Generation, String> {
        let manifest = Manifest::read(dir).map_err(|e| {
            format!("{e}\nhelp: serve a folder written by `waymark build` (it holds manifest.json)")
        })?;
        let files = Arc::new(manifest.files.into_iter().map(|f| f.path).collect());
        let (search, search_fatal) = open_search(dir);
        Ok(Generation {
            build_id: manifest.build_id,
            files,
            search,
            search_fatal,
            results: ResultsPage::open(dir).ok().map(Arc::new),
        })
    }

    /// A generation over a file list the caller knows (the live preview's own output).
    pub fn new(build_id: String, files: Arc<HashSet<String>>, dir: &Path) -> Generation {
        let (search, search_fatal) = open_search(dir);
        Generation {
            build_id,
            files,
            search,
            search_fatal,
            results: ResultsPage::open(dir).ok().map(Arc::new),
        }
    }

    /// Whether `path` (under the folder) is part of the build.
    pub fn serves(&self, path: &str) -> bool {
        path == crate::write::MANIFEST || self.files.contains(path)
    }
}

fn open_search(dir: &Path) -> (Result<Arc<SearchIndex>, String>, bool) {
    match SearchIndex::open(dir) {
        Ok(i) => (Ok(Arc::new(i)), false),
        Err(e @ SearchError::NoIndex(_)) => (Err(e.to_string()), false),
        Err(e) => (Err(e.to_string()), true),
    }
}

/// State shared by every request.
pub struct Shared {
    /// The folder served, by name: a deploy that swaps a new build in under the same name is
    /// picked up by the next request.
    pub dir: PathBuf,
    current: RwLock<Arc<Generation>>,
    pub access_log: bool,
    /// The live preview's reload channel; `None` for a mirror.
    pub live: Option<Arc<super::live::Live>>,
    /// Bounds how many searches run at once.
    pub search_slots: Arc<tokio::sync::Semaphore>,
    /// Longest query accepted, in bytes.
    pub max_query: usize,
}

impl Shared {
    pub fn new(dir: PathBuf, generation: Generation, access_log: bool, max_query: usize) -> Shared {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Shared {
            dir,
            current: RwLock::new(Arc::new(generation)),
            access_log,
            live: None,
            search_slots: Arc::new(tokio::sync::Semaphore::new(cores * 2)),
            max_query,
        }
    }

    pub fn current(&self) -> Arc<Generation> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Switches every later request to `g`; requests in flight finish on the one they have.
    pub fn publish(&self, g: Generation) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(g);
    }
}
