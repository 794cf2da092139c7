//! SERVE: the editors' live preview (`waymark serve`) and the forces' mirror server
//! (`waymark serve --mirror DIR`). Both are the same HTTP stack (`http`) over the same folder
//! layout: the mirror serves a folder `waymark build` wrote; the live preview builds the site
//! into a private folder of its own, keeps it up to date as files are saved, and tells open
//! pages to reload.

mod generation;
mod http;
mod live;
mod mirror;
mod search;

pub use http::{CSP, is_hashed_name, site_path};

use std::process::ExitCode;

/// Where to listen.
#[derive(Debug, Clone)]
pub struct Listen {
    pub bind: String,
    pub port: u16,
    pub open: bool,
}

impl Listen {
    async fn bind(&self) -> Result<tokio::net::TcpListener, String> {
        let host = self.bind.trim_start_matches('[').trim_end_matches(']');
        tokio::net::TcpListener::bind((host, self.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", self.bind, self.port))
    }
}

fn url_of(listener: &tokio::net::TcpListener) -> String {
    match listener.local_addr() {
        Ok(a) => format!("http://{a}/"),
        Err(_) => "(unknown address)".into(),
    }
}

fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        eprintln!("warning: cannot open a browser: {e}");
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// `waymark serve`.
pub fn run(root: &std::path::Path, quiet: bool, args: crate::cli::ServeArgs) -> ExitCode {
    let listen = Listen {
        bind: args.bind.clone(),
        port: args.port,
        open: args.open,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    match args.mirror {
        Some(dir) => runtime.block_on(mirror::run(dir, listen, quiet)),
        None => live::run(&runtime, root, quiet, args.site, listen),
    }
}
