//! `waymark serve --mirror DIR`: a force's production server for a built folder. Read-only and
//! stateless: everything it serves comes from the folder, so more copies behind any load
//! balancer serve more users. A new build deployed under the same name (`waymark build --out
//! DIR` swaps it in atomically, or a symlink flipped to a new folder) is picked up when its
//! manifest changes, without dropping a request.

use super::generation::{Generation, Shared};
use super::{Listen, http};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// How often the folder's manifest is looked at for a new deploy.
const POLL: Duration = Duration::from_millis(250);

/// Identity of a manifest file: a new deploy changes at least one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

fn stamp(dir: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(dir.join(crate::write::MANIFEST)).ok()?;
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    Some(Stamp {
        dev,
        ino,
        len: m.len(),
        modified: m.modified().ok(),
    })
}

pub async fn run(dir: PathBuf, listen: Listen, quiet: bool) -> ExitCode {
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return ExitCode::from(2);
    }
    let first = stamp(&dir);
    let load_dir = dir.clone();
    let generation = match tokio::task::spawn_blocking(move || Generation::load(&load_dir)).await {
        Ok(Ok(g)) => g,
        Ok(Err(e)) => {
            eprintln!("error: cannot serve {}: {e}", dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if generation.search_fatal
        && let Err(e) = &generation.search
    {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = &generation.search {
        eprintln!("warning: {e}; /api/search will answer 503");
    }
    let build_id = generation.build_id.clone();
    let max_query = crate::config::Limits::default().max_query_length;
    let shared = Arc::new(Shared::new(dir.clone(), generation, !quiet, max_query));
    let listener = match listen.bind().await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let url = super::url_of(&listener);
    eprintln!(
        "Serving {} (build {build_id}) at {url}\nStop with Ctrl-C or SIGTERM.",
        dir.display()
    );
    if listen.open {
        super::open_browser(&url);
    }
    let watcher = tokio::spawn(watch_deploys(shared.clone(), first));
    let app = http::router(shared, axum::Router::new());
    http::serve(
        listener,
        app,
        super::shutdown_signal(),
        Duration::from_secs(10),
    )
    .await;
    watcher.abort();
    eprintln!("Stopped.");
    ExitCode::SUCCESS
}

/// Switches to a newly deployed build when the folder's manifest changes. A manifest that
/// cannot be read yet (a deploy still copying) is tried again on the next look.
async fn watch_deploys(shared: Arc<Shared>, mut seen: Option<Stamp>) {
    loop {
        tokio::time::sleep(POLL).await;
        let now = stamp(&shared.dir);
        if now.is_none() || now == seen {
            continue;
        }
        let dir = shared.dir.clone();
        let loaded = tokio::task::spawn_blocking(move || Generation::load(&dir)).await;
        match loaded {
            Ok(Ok(g)) => {
                if let Err(e) = &g.search {
                    eprintln!("warning: the new build's search index cannot be used: {e}");
                }
                eprintln!("Switched to build {} ({} files)", g.build_id, g.files.len());
                shared.publish(g);
                seen = now;
            }
            Ok(Err(e)) => eprintln!("warning: a new build is not ready yet: {e}"),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
}
